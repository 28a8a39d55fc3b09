package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// verifyStripe checks a Stripe-Signature header, "t=<unix>,v1=<hex>,...",
// as Stripe's libraries do: the HMAC-SHA256 of "<t>.<body>" keyed with the
// secret's text must equal any v1 entry (Stripe sends several while a
// secret is rolled), and t must be within the tolerance. Other entries
// (v0, a test scheme) are ignored.
func (v *Verifier) verifyStripe(h http.Header, body []byte, now time.Time) error {
	value := strings.TrimSpace(h.Get(v.opts.Header))
	if value == "" {
		return ErrMissingSignature
	}
	if p := v.opts.Prefix; p != "" {
		if len(value) < len(p) || !strings.EqualFold(value[:len(p)], p) {
			return ErrMalformedSignature
		}
		value = value[len(p):]
	}
	var ts string
	var sigs [][]byte
	for pair := range strings.SplitSeq(value, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return ErrMalformedSignature
		}
		switch k {
		case "t":
			ts = val
		case "v1":
			if sig, err := hex.DecodeString(val); err == nil && len(sig) == sha256.Size {
				sigs = append(sigs, sig)
			}
		}
	}
	if ts == "" || len(sigs) == 0 {
		return ErrMalformedSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return invalidTimestamp(v.opts.Header+" t", "seconds")
	}
	if !v.within(time.Unix(sec, 0), now) {
		return staleTimestamp(v.opts.Header + " t")
	}
	var want [sha256.Size]byte
	for _, key := range v.keys {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(ts))
		mac.Write([]byte{'.'})
		mac.Write(body)
		expected := mac.Sum(want[:0])
		for _, sig := range sigs {
			if hmac.Equal(sig, expected) {
				return nil
			}
		}
	}
	return ErrSignatureMismatch
}
