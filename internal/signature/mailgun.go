package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// mailgunSig is the signature Mailgun puts in the body.
type mailgunSig struct {
	Timestamp json.RawMessage `json:"timestamp"`
	Token     string          `json:"token"`
	Signature string          `json:"signature"`
}

// verifyMailgun checks the signature Mailgun puts in the body, as its
// documentation does: the hex HMAC-SHA256, keyed with the webhook signing
// key, of timestamp + token, the timestamp (Unix seconds) within the
// tolerance. A JSON body carries them in its "signature" object; a form
// body (Mailgun's legacy webhooks) as the fields timestamp, token and
// signature.
func (v *Verifier) verifyMailgun(r Request, now time.Time) error {
	var s mailgunSig
	var ts, where string
	if t := bytes.TrimSpace(r.Body); len(t) > 0 && t[0] == '{' {
		var body struct {
			Signature *mailgunSig `json:"signature"`
		}
		if err := json.Unmarshal(t, &body); err != nil || body.Signature == nil {
			return &detailError{ErrMissingSignature, "signature is missing: the body has no \"signature\" object with timestamp, token and signature, where Mailgun signs every webhook"}
		}
		s, where = *body.Signature, "body field signature."
		ts = strings.Trim(string(s.Timestamp), `"`)
	} else {
		form, err := url.ParseQuery(string(r.Body))
		if err != nil || form.Get("signature") == "" {
			return &detailError{ErrMissingSignature, "signature is missing: the body has no signature field, where Mailgun signs every webhook"}
		}
		s, where = mailgunSig{Token: form.Get("token"), Signature: form.Get("signature")}, "body field "
		ts = form.Get("timestamp")
	}
	got, err := hex.DecodeString(s.Signature)
	if err != nil || len(got) != sha256.Size {
		return malformed(where+"signature", "is not a hex HMAC-SHA256")
	}
	if s.Token == "" {
		return &detailError{ErrMissingSignature, "signature is missing: " + where + "token is empty"}
	}
	t, err := parseSignedTime(ts, UnixSeconds, where+"timestamp")
	if err != nil {
		return err
	}
	if !v.within(t, now) {
		return staleTimestamp(where + "timestamp")
	}
	for _, key := range v.keys {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(ts + s.Token))
		if hmac.Equal(got, mac.Sum(nil)) {
			return nil
		}
	}
	return mismatch("signature does not match the timestamp and token with any configured signing key")
}
