package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// standardHeaders returns the id, timestamp and signature headers of a
// Standard Webhooks delivery, and the name of the timestamp header, under
// the webhook-* names or, when those are absent, Svix's svix-* names.
func standardHeaders(h http.Header) (id, ts, sigs, tsName string) {
	id, ts, sigs = h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	if id == "" && ts == "" && sigs == "" {
		return h.Get(HeaderSvixID), h.Get(HeaderSvixTimestamp), h.Get(HeaderSvixSignature), HeaderSvixTimestamp
	}
	return id, ts, sigs, HeaderWebhookTimestamp
}

// verifyStandard checks a Standard Webhooks signature with keys.
func (v *Verifier) verifyStandard(h http.Header, body []byte, now time.Time, keys [][]byte) error {
	id, ts, sigs, tsName := standardHeaders(h)
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return invalidTimestamp(tsName, "a Unix time in seconds")
	}
	if !v.within(time.Unix(sec, 0), now) {
		return staleTimestamp(tsName)
	}
	var want [sha256.Size]byte
	// Room for any base64 text of the expected length, which without
	// padding can decode to one byte more than a SHA-256.
	var got [sha256.Size + 3]byte
	for _, key := range keys {
		expected := standardMAC(key, id, ts, body).Sum(want[:0])
		for sig := range strings.FieldsSeq(sigs) {
			version, b64, ok := strings.Cut(sig, ",")
			if !ok || version != "v1" || len(b64) != base64.StdEncoding.EncodedLen(sha256.Size) {
				continue
			}
			n, err := base64.StdEncoding.Decode(got[:], []byte(b64))
			if err != nil || n != sha256.Size {
				continue
			}
			if hmac.Equal(got[:n], expected) {
				return nil
			}
		}
	}
	return ErrSignatureMismatch
}

func standardMAC(key []byte, id, ts string, body []byte) hash.Hash {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac
}
