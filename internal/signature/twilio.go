package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/hmac"
	"crypto/sha1" // Twilio signs with HMAC-SHA1
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
)

// verifyTwilio checks X-Twilio-Signature as Twilio's SDKs do
// (twilio-node's webhooks.ts, twilio-python's request_validator.py): the
// base64 HMAC-SHA1, keyed with the auth token, of the URL Twilio requested
// followed by every form parameter of the body sorted by name, each name
// then its value (a repeated name's distinct values sorted). A JSON body is
// not in the signature: the URL carries its hex SHA-256 in bodySHA256, which
// must match. The URL is tried in the variants the SDKs try (twiliourl.go).
func (v *Verifier) verifyTwilio(r Request) error {
	got := strings.TrimSpace(r.Header.Get(HeaderTwilioSignature))
	if got == "" {
		return missingHeader(HeaderTwilioSignature)
	}
	if raw, err := base64.StdEncoding.DecodeString(got); err != nil || len(raw) != sha1.Size {
		return malformed(HeaderTwilioSignature, "is not a base64 HMAC-SHA1")
	}
	bodyHash, jsonBody := queryParam(r.Query, "bodySHA256")
	var params string
	if !jsonBody {
		form, err := url.ParseQuery(string(r.Body))
		if err != nil {
			return mismatch("the body is not application/x-www-form-urlencoded, whose parameters " + HeaderTwilioSignature +
				" signs (a JSON body needs bodySHA256 in the URL)")
		}
		params = twilioParams(form)
	}
	want := make([]byte, 0, sha1.Size)
	expected := make([]byte, base64.StdEncoding.EncodedLen(sha1.Size))
	matched := false
	for _, u := range v.twilio.candidates(r.Query) {
		for _, key := range v.keys {
			mac := hmac.New(sha1.New, key)
			mac.Write([]byte(u))
			mac.Write([]byte(params))
			base64.StdEncoding.Encode(expected, mac.Sum(want[:0]))
			if subtle.ConstantTimeCompare(expected, []byte(got)) == 1 {
				matched = true
			}
		}
	}
	if !matched {
		return mismatch("signature does not match the URL and parameters with any configured auth token (is public_url the URL configured at Twilio?)")
	}
	if jsonBody {
		sum := sha256.Sum256(r.Body)
		if subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(bodyHash)) != 1 {
			return mismatch("the body does not match the bodySHA256 of the signed URL")
		}
	}
	return nil
}

// twilioParams writes the form parameters as Twilio signs them: sorted by
// name in byte order, each name followed by its value; a name sent several
// times once per distinct value, the values sorted.
func twilioParams(form url.Values) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		vals := slices.Clone(form[k])
		slices.Sort(vals)
		for i, val := range vals {
			if i > 0 && val == vals[i-1] {
				continue
			}
			b.WriteString(k)
			b.WriteString(val)
		}
	}
	return b.String()
}

// queryParam returns the first value of name in a raw query string, read
// as URLSearchParams reads it ("+" a space, escapes decoded).
func queryParam(raw, name string) (string, bool) {
	for pair := range strings.SplitSeq(raw, "&") {
		k, val, _ := strings.Cut(pair, "=")
		if formDecode(k) == name {
			return formDecode(val), true
		}
	}
	return "", false
}

// formDecode decodes "+" and percent escapes, keeping an escape that is
// not one as it is.
func formDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	return string(percentDecode(s))
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
