package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// segKind is one part of a signed payload template.
type segKind int

const (
	segLiteral segKind = iota
	segBody
	segTimestamp
	segURL
	segMethod
	segHeader
)

type segment struct {
	kind segKind
	// text is the literal, or the header's name.
	text string
}

var placeholder = regexp.MustCompile(`\{(body|timestamp|url|method|header:[^{}]*|[a-z_]+)\}`)

// parsePayload splits a signed_payload template into its parts.
func parsePayload(s string) ([]segment, error) {
	var out []segment
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > last {
			out = append(out, segment{kind: segLiteral, text: s[last:m[0]]})
		}
		last = m[1]
		name := s[m[2]:m[3]]
		switch {
		case name == "body":
			out = append(out, segment{kind: segBody})
		case name == "timestamp":
			out = append(out, segment{kind: segTimestamp})
		case name == "url":
			out = append(out, segment{kind: segURL})
		case name == "method":
			out = append(out, segment{kind: segMethod})
		case strings.HasPrefix(name, "header:"):
			h := strings.TrimPrefix(name, "header:")
			if !httpguts.ValidHeaderFieldName(h) {
				return nil, fmt.Errorf("{header:%s}: %q is not a valid header name", h, h)
			}
			out = append(out, segment{kind: segHeader, text: http.CanonicalHeaderKey(h)})
		default:
			return nil, fmt.Errorf("unknown placeholder {%s}: one of {body}, {timestamp}, {url}, {method}, {header:<name>}", name)
		}
	}
	if last < len(s) {
		out = append(out, segment{kind: segLiteral, text: s[last:]})
	}
	return out, nil
}

// form is a resolved signed payload and the hash of an hmac signature.
type form struct {
	segs    []segment
	newHash func() hash.Hash
	size    int
	// mismatch is the error of a signature that no key made, naming what
	// is signed.
	mismatch error
}

func newForm(o Options) (form, error) {
	segs, err := parsePayload(o.SignedPayload)
	if err != nil {
		return form{}, err
	}
	newHash, size := o.Algorithm.hash()
	f := form{segs: segs, newHash: newHash, size: size, mismatch: ErrSignatureMismatch}
	if signed := describePayload(segs); signed != "body" || o.Scheme.UsesPublicKeys() {
		keys := "secret"
		if o.Scheme.UsesPublicKeys() {
			keys = "public key"
		}
		f.mismatch = mismatch("signature does not match the " + signed + " with any configured " + keys)
	}
	return f, nil
}

// describePayload names what a template signs: "timestamp and body",
// "URL and body".
func describePayload(segs []segment) string {
	var parts []string
	for _, s := range segs {
		switch s.kind {
		case segBody:
			parts = append(parts, "body")
		case segTimestamp:
			parts = append(parts, "timestamp")
		case segURL:
			parts = append(parts, "URL (public_url and query)")
		case segMethod:
			parts = append(parts, "method")
		case segHeader:
			parts = append(parts, s.text)
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// write writes the signed payload of r, with the signed time ts, to w.
func (v *Verifier) write(w io.Writer, ts string, r Request) {
	for _, s := range v.form.segs {
		switch s.kind {
		case segLiteral:
			_, _ = io.WriteString(w, s.text)
		case segBody:
			_, _ = w.Write(r.Body)
		case segTimestamp:
			_, _ = io.WriteString(w, ts)
		case segURL:
			_, _ = io.WriteString(w, v.opts.URL)
			if r.Query != "" {
				_, _ = io.WriteString(w, "?"+r.Query)
			}
		case segMethod:
			_, _ = io.WriteString(w, r.Method)
		case segHeader:
			_, _ = io.WriteString(w, r.Header.Get(s.text))
		}
	}
}

// verifyForm checks the schemes that sign a template: hmac, hmac_sha256,
// slack, stripe, ed25519 and ecdsa_p256.
func (v *Verifier) verifyForm(r Request, now time.Time) error {
	o := &v.opts
	raw := strings.TrimSpace(r.Header.Get(o.Header))
	if raw == "" && o.LegacyHeader != "" {
		raw = strings.TrimSpace(r.Header.Get(o.LegacyHeader))
	}
	if raw == "" {
		if o.LegacyHeader != "" {
			return missingHeader(o.Header + " (or " + o.LegacyHeader + ")")
		}
		return missingHeader(o.Header)
	}
	value, err := v.cutPrefix(raw)
	if err != nil {
		return err
	}
	var ts string
	var sigs [][]byte
	if o.SignatureKey != "" {
		if ts, sigs, err = v.readPairs(value); err != nil {
			return err
		}
	} else {
		sig, ok := v.decodeSignature(value)
		if !ok {
			return malformed(o.Header, "is not "+v.describeSignature())
		}
		sigs = [][]byte{sig}
	}
	if name := o.TimestampHeader; name != "" {
		ts = strings.TrimSpace(r.Header.Get(name))
		if ts == "" {
			return missingHeader(name)
		}
	}
	if o.TimestampHeader != "" || o.TimestampKey != "" {
		where := o.TimestampHeader
		if where == "" {
			where = o.Header + " " + o.TimestampKey
		}
		t, err := parseSignedTime(ts, o.TimestampFormat, where)
		if err != nil {
			return err
		}
		if !v.within(t, now) {
			return staleTimestamp(where)
		}
	}
	switch o.Scheme {
	case SchemeEd25519:
		if !v.verifyEd25519(ts, r, sigs) {
			return v.form.mismatch
		}
		return nil
	case SchemeECDSAP256:
		if !v.verifyECDSA(ts, r, sigs) {
			return v.form.mismatch
		}
		return nil
	}
	if v.matchHMAC(ts, r, sigs) {
		return v.checkBodyTimestamp(r.Body, now)
	}
	return v.form.mismatch
}

// matchHMAC reports whether any key's HMAC of the payload is one of sigs.
func (v *Verifier) matchHMAC(ts string, r Request, sigs [][]byte) bool {
	want := make([]byte, 0, v.form.size)
	for _, key := range v.keys {
		mac := hmac.New(v.form.newHash, key)
		v.write(mac, ts, r)
		expected := mac.Sum(want[:0])
		for _, sig := range sigs {
			if hmac.Equal(sig, expected) {
				return true
			}
		}
	}
	return false
}

func (v *Verifier) cutPrefix(value string) (string, error) {
	p := v.opts.Prefix
	if p == "" {
		return value, nil
	}
	if len(value) < len(p) || !strings.EqualFold(value[:len(p)], p) {
		return "", malformed(v.opts.Header, "does not start with "+strconv.Quote(p))
	}
	return value[len(p):], nil
}

// maxPublicKeySignatures bounds the signatures of one header that a
// public-key scheme checks: each costs a signature verification, so an
// unsigned header of thousands would cost seconds of CPU. Senders send one,
// or a few while a key is rotated.
const maxPublicKeySignatures = 16

// readPairs reads a signature header of key=value pairs: the signed time
// and every signature; entries under other keys are ignored, as Stripe's
// libraries ignore v0.
func (v *Verifier) readPairs(value string) (string, [][]byte, error) {
	o := &v.opts
	var ts string
	var sigs [][]byte
	unreadable := 0
	for pair := range strings.SplitSeq(value, o.Separator) {
		k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return "", nil, malformed(o.Header, "is not a list of key=value pairs separated by "+strconv.Quote(o.Separator))
		}
		switch k {
		case o.TimestampKey:
			ts = val
		case o.SignatureKey:
			if sig, ok := v.decodeSignature(val); ok {
				sigs = append(sigs, sig)
			} else {
				unreadable++
			}
		}
		if len(sigs) > maxPublicKeySignatures && o.Scheme.UsesPublicKeys() {
			return "", nil, malformed(o.Header, "has more than "+strconv.Itoa(maxPublicKeySignatures)+" "+o.SignatureKey+"= signatures")
		}
	}
	switch {
	case o.TimestampKey != "" && ts == "":
		return "", nil, malformed(o.Header, "has no "+o.TimestampKey+"= timestamp")
	case len(sigs) == 0 && unreadable > 0:
		return "", nil, malformed(o.Header, "has no "+o.SignatureKey+"= entry that is "+v.describeSignature())
	case len(sigs) == 0:
		return "", nil, malformed(o.Header, "has no "+o.SignatureKey+"= signature")
	}
	return ts, sigs, nil
}

// decodeSignature reads one signature in the scheme's encoding: hex, or
// base64 padded or not; an HMAC or Ed25519 signature must have its size.
func (v *Verifier) decodeSignature(value string) ([]byte, bool) {
	size := v.form.size
	switch v.opts.Scheme {
	case SchemeEd25519:
		size = ed25519SignatureSize
	case SchemeECDSAP256:
		size = 0 // DER: its length varies
	}
	if v.opts.Encoding == Base64 {
		return decodeBase64(value, size)
	}
	if size > 0 && len(value) != hex.EncodedLen(size) {
		return nil, false
	}
	got, err := hex.DecodeString(value)
	return got, err == nil && len(got) > 0
}

// decodeBase64 reads padded or unpadded base64 of size bytes (any size when
// size is 0).
func decodeBase64(value string, size int) ([]byte, bool) {
	enc := base64.StdEncoding
	if len(value)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	got, err := enc.DecodeString(value)
	if err != nil || len(got) == 0 || (size > 0 && len(got) != size) {
		return nil, false
	}
	return got, true
}

// describeSignature says what a signature of the scheme looks like, for
// errors.
func (v *Verifier) describeSignature() string {
	enc := "a hex"
	if v.opts.Encoding == Base64 {
		enc = "a base64"
	}
	switch v.opts.Scheme {
	case SchemeEd25519:
		return enc + " Ed25519 signature (64 bytes)"
	case SchemeECDSAP256:
		return enc + " DER ECDSA signature"
	}
	return enc + " HMAC-" + strings.ToUpper(string(v.opts.Algorithm))
}

// parseSignedTime reads a signed time; where names it in errors.
func parseSignedTime(s string, f TimestampFormat, where string) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch f {
	case RFC3339:
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, invalidTimestamp(where, "an RFC 3339 time")
		}
		return t, nil
	case UnixMilliseconds:
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, invalidTimestamp(where, "a Unix time in milliseconds")
		}
		return time.UnixMilli(ms), nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, invalidTimestamp(where, "a Unix time in seconds")
	}
	return time.Unix(sec, 0), nil
}
