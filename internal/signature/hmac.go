package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// hmacForm is the signed payload of an hmac scheme split around the body:
// what comes before and after it, each of which may hold the timestamp.
type hmacForm struct {
	before, after string
	newHash       func() hash.Hash
	size          int
}

func newHMACForm(o Options) hmacForm {
	before, after, _ := strings.Cut(o.SignedPayload, PlaceholderBody)
	newHash, size := o.Algorithm.hash()
	return hmacForm{before: before, after: after, newHash: newHash, size: size}
}

func (f hmacForm) mac(key []byte, ts string, body []byte) hash.Hash {
	mac := hmac.New(f.newHash, key)
	mac.Write([]byte(strings.ReplaceAll(f.before, PlaceholderTimestamp, ts)))
	mac.Write(body)
	mac.Write([]byte(strings.ReplaceAll(f.after, PlaceholderTimestamp, ts)))
	return mac
}

func (v *Verifier) verifyHMAC(h http.Header, body []byte, now time.Time) error {
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
	got, ok := v.decodeHMAC(value)
	if !ok {
		return ErrMalformedSignature
	}
	var ts string
	if name := v.opts.TimestampHeader; name != "" {
		ts = strings.TrimSpace(h.Get(name))
		if ts == "" {
			return ErrMissingSignature
		}
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return invalidTimestamp(name, "seconds")
		}
		if !v.within(time.Unix(sec, 0), now) {
			return staleTimestamp(name)
		}
	}
	want := make([]byte, 0, v.hmac.size)
	for _, key := range v.keys {
		if hmac.Equal(got, v.hmac.mac(key, ts, body).Sum(want[:0])) {
			return v.checkBodyTimestamp(body, now)
		}
	}
	return ErrSignatureMismatch
}

// decodeHMAC reads a hex or base64 (padded or not) signature of the
// algorithm's size.
func (v *Verifier) decodeHMAC(value string) ([]byte, bool) {
	size := v.hmac.size
	if v.opts.Encoding == Base64 {
		enc := base64.StdEncoding
		if len(value) != enc.EncodedLen(size) {
			enc = base64.RawStdEncoding
		}
		if len(value) != enc.EncodedLen(size) {
			return nil, false
		}
		got, err := enc.DecodeString(value)
		return got, err == nil && len(got) == size
	}
	if len(value) != hex.EncodedLen(size) {
		return nil, false
	}
	got, err := hex.DecodeString(value)
	return got, err == nil
}

// checkBodyTimestamp checks the time a signed JSON body carries in
// TimestampField, once the signature has shown the body is the sender's.
func (v *Verifier) checkBodyTimestamp(body []byte, now time.Time) error {
	name := v.opts.TimestampField
	if name == "" {
		return nil
	}
	where := "body field " + name
	raw, ok := topLevelField(body, name)
	if !ok {
		return &timestampError{ErrInvalidTimestamp, where + " is missing: the sender signs the time of every delivery there"}
	}
	n, err := strconv.ParseFloat(string(bytes.Trim(raw, `"`)), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return invalidTimestamp(where, "seconds or milliseconds")
	}
	var t time.Time
	if math.Abs(n) >= 1e11 {
		t = time.UnixMilli(int64(n))
	} else {
		t = time.Unix(int64(n), 0)
	}
	if !v.within(t, now) {
		return staleTimestamp(where)
	}
	return nil
}

// topLevelField returns the raw value of a top-level field of a JSON object.
func topLevelField(body []byte, name string) (json.RawMessage, bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, false
	}
	raw, ok := fields[name]
	return raw, ok && len(raw) > 0 && string(raw) != "null"
}
