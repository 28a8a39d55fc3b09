package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/sha1" // Vercel and Twilio sign with HMAC-SHA1, still a sound MAC
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Algorithm is the hash of an hmac signature.
type Algorithm string

// The hashes an hmac signature can use.
const (
	SHA256 Algorithm = "sha256"
	SHA1   Algorithm = "sha1"
	SHA512 Algorithm = "sha512"
)

// Encoding is how a signature is written in its header.
type Encoding string

// The encodings of a signature.
const (
	Hex    Encoding = "hex"
	Base64 Encoding = "base64"
)

// TimestampFormat is how a signed timestamp is written.
type TimestampFormat string

// The formats of a signed timestamp.
const (
	UnixSeconds      TimestampFormat = "unix_s"
	UnixMilliseconds TimestampFormat = "unix_ms"
	RFC3339          TimestampFormat = "rfc3339"
)

// Options describe what a Verifier checks. Zero values select the scheme's
// defaults.
type Options struct {
	Scheme Scheme
	// Header carries the signature (hmac, hmac_sha256, slack, stripe,
	// ed25519, ecdsa_p256).
	Header string
	// LegacyHeader carries the signature when Header is absent (Sentry's
	// older Sentry-App-Signature); presets only.
	LegacyHeader string
	// Prefix precedes the signature in its header, such as "sha256="; it is
	// matched without regard to case.
	Prefix string
	// Algorithm of an hmac signature: sha256 by default.
	Algorithm Algorithm
	// Encoding of the signature: hex by default, base64 for ecdsa_p256.
	Encoding Encoding
	// TimestampHeader is a header with the time the sender signs with the
	// body, as SignedPayload says.
	TimestampHeader string
	// SignatureKey, when set, reads the signature header as key=value pairs
	// split by Separator: every pair with this key is a signature, any of
	// which may match (Stripe's and Calendly's "v1", Paddle's "h1",
	// PagerDuty's "v1").
	SignatureKey string
	// TimestampKey is the pair of the signature header that holds the signed
	// time (Stripe's "t", Paddle's "ts").
	TimestampKey string
	// Separator splits the pairs of the signature header: "," by default.
	Separator string
	// TimestampFormat of the signed time: unix_s by default.
	TimestampFormat TimestampFormat
	// SignedPayload is what is signed: PlaceholderTimestamp, PlaceholderBody,
	// PlaceholderURL, PlaceholderMethod and {header:<name>} stand for their
	// values. Default "{body}", or "{timestamp}.{body}" with a timestamp.
	SignedPayload string
	// TimestampField, for hmac, is a top-level field of a JSON body with the
	// time of the delivery, Unix seconds or (from 10^11 on) milliseconds,
	// checked against the tolerance (Linear's webhookTimestamp).
	TimestampField string
	// URL is where the sender posts, exactly as configured at the sender
	// (without a query): the schemes that sign the URL read it, followed by
	// the request's own query string.
	URL string
	// Tolerance is how far a signed timestamp may be from the receiver's
	// clock. Default DefaultTolerance.
	Tolerance time.Duration
	// NoReplayWindow leaves a signed time unchecked, as the SDKs of senders
	// that document no window do (Discord, SendGrid); a Tolerance set by the
	// user turns the check on.
	NoReplayWindow bool
}

// Placeholders of SignedPayload.
const (
	PlaceholderTimestamp = "{timestamp}"
	PlaceholderBody      = "{body}"
	PlaceholderURL       = "{url}"
	PlaceholderMethod    = "{method}"
	placeholderHeader    = "{header:"
)

// The keys of Options, as the configuration names them.
const (
	keyHeader          = "header"
	keyPrefix          = "prefix"
	keyAlgorithm       = "algorithm"
	keyEncoding        = "encoding"
	keyTimestampHeader = "timestamp_header"
	keySignatureKey    = "signature_key"
	keyTimestampKey    = "timestamp_key"
	keySeparator       = "separator"
	keyTimestampFormat = "timestamp_format"
	keySignedPayload   = "signed_payload"
	keyTimestampField  = "timestamp_field"
)

// set lists the keys of o that are set, in the order of the configuration.
func (o Options) set() []string {
	var out []string
	for _, kv := range [][2]string{
		{keyHeader, o.Header}, {keyPrefix, o.Prefix}, {keyAlgorithm, string(o.Algorithm)},
		{keyEncoding, string(o.Encoding)}, {keyTimestampHeader, o.TimestampHeader},
		{keySignatureKey, o.SignatureKey}, {keyTimestampKey, o.TimestampKey}, {keySeparator, o.Separator},
		{keyTimestampFormat, string(o.TimestampFormat)}, {keySignedPayload, o.SignedPayload},
		{keyTimestampField, o.TimestampField},
	} {
		if kv[1] != "" {
			out = append(out, kv[0])
		}
	}
	return out
}

// allowedKeys are the keys each scheme reads; the others fix them.
func (s Scheme) allowedKeys() map[string]bool {
	form := map[string]bool{
		keyHeader: true, keyPrefix: true, keyEncoding: true, keyTimestampHeader: true,
		keySignatureKey: true, keyTimestampKey: true, keySeparator: true,
		keyTimestampFormat: true, keySignedPayload: true,
	}
	switch s {
	case SchemeHMAC:
		form[keyAlgorithm] = true
		form[keyTimestampField] = true
		return form
	case SchemeEd25519, SchemeECDSAP256:
		return form
	case SchemeHMACSHA256, SchemeSlack, SchemeStripe, SchemeOpenRouter:
		return map[string]bool{keyHeader: true, keyPrefix: true}
	}
	return nil
}

// Check reports what is wrong with o, naming the setting.
func (o Options) Check() error {
	if err := o.Scheme.CheckVerify(); err != nil {
		return fmt.Errorf(`"scheme": %w`, err)
	}
	var errs []error
	allowed := o.Scheme.allowedKeys()
	var refused []string
	for _, k := range o.set() {
		if !allowed[k] {
			refused = append(refused, strconv.Quote(k))
		}
	}
	if len(refused) > 0 {
		verb := "does"
		if len(refused) > 1 {
			verb = "do"
		}
		errs = append(errs, fmt.Errorf("%s %s not apply to scheme %s, which fixes %s", strings.Join(refused, ", "), verb, o.Scheme, o.Scheme.fixes()))
	}
	for _, h := range [][2]string{{keyHeader, o.Header}, {keyTimestampHeader, o.TimestampHeader}} {
		if h[1] != "" && !httpguts.ValidHeaderFieldName(h[1]) {
			errs = append(errs, fmt.Errorf("%q: %q is not a valid header name", h[0], h[1]))
		}
	}
	if o.Tolerance < 0 {
		errs = append(errs, fmt.Errorf(`"tolerance" must not be negative, got %s`, o.Tolerance))
	}
	if len(refused) > 0 {
		return errors.Join(errs...)
	}
	switch o.Algorithm {
	case "", SHA256, SHA1, SHA512:
	default:
		errs = append(errs, fmt.Errorf(`"algorithm": unknown %q: one of sha256, sha1, sha512`, string(o.Algorithm)))
	}
	switch o.Encoding {
	case "", Hex, Base64:
	default:
		errs = append(errs, fmt.Errorf(`"encoding": unknown %q: one of hex, base64`, string(o.Encoding)))
	}
	switch o.TimestampFormat {
	case "", UnixSeconds, UnixMilliseconds, RFC3339:
	default:
		errs = append(errs, fmt.Errorf(`"timestamp_format": unknown %q: one of unix_s, unix_ms, rfc3339`, string(o.TimestampFormat)))
	}
	errs = append(errs, o.checkForm()...)
	if o.TimestampField != "" && strings.ContainsAny(o.TimestampField, ".\"") {
		errs = append(errs, fmt.Errorf(`"timestamp_field": %q must be a top-level field name`, o.TimestampField))
	}
	return errors.Join(errs...)
}

// fixes says what a scheme fixes, for the error that refuses a key.
func (s Scheme) fixes() string {
	switch s {
	case SchemeHMACSHA256:
		return "them (hex HMAC-SHA256 of the body)"
	case SchemeStandardWebhooks:
		return "them (the webhook-* or svix-* headers)"
	}
	return "them"
}

// checkForm checks the signature header and the signed payload.
func (o Options) checkForm() []error {
	var errs []error
	if o.TimestampHeader != "" && o.TimestampKey != "" {
		errs = append(errs, errors.New(`set "timestamp_header" or "timestamp_key", not both: the signed time is in one place`))
	}
	if o.SignatureKey == "" && (o.TimestampKey != "" || o.Separator != "") {
		errs = append(errs, errors.New(`"timestamp_key" and "separator" read a header of key=value pairs: set "signature_key" too`))
	}
	if o.SignatureKey != "" && o.SignatureKey == o.TimestampKey {
		errs = append(errs, errors.New(`"signature_key" and "timestamp_key" must differ`))
	}
	if strings.ContainsAny(o.SignatureKey+o.TimestampKey, "=,; ") {
		errs = append(errs, errors.New(`"signature_key" and "timestamp_key" are names, without "=", ",", ";" or spaces`))
	}
	if o.Separator != "" && (o.Separator == "=" || strings.TrimSpace(o.Separator) == "") {
		errs = append(errs, fmt.Errorf(`"separator": %q cannot split key=value pairs: use "," or ";"`, o.Separator))
	}
	if o.SignedPayload == "" {
		return errs
	}
	segs, err := parsePayload(o.SignedPayload)
	if err != nil {
		return append(errs, fmt.Errorf(`"signed_payload": %w`, err))
	}
	bodies, stamps := 0, 0
	for _, s := range segs {
		switch s.kind {
		case segBody:
			bodies++
		case segTimestamp:
			stamps++
		}
	}
	if bodies != 1 {
		errs = append(errs, fmt.Errorf(`"signed_payload" must contain %s once`, PlaceholderBody))
	}
	hasTS := o.TimestampHeader != "" || o.TimestampKey != ""
	if stamps > 0 && !hasTS {
		errs = append(errs, fmt.Errorf(`"signed_payload" uses %s: "timestamp_header" or "timestamp_key" must say where it is`, PlaceholderTimestamp))
	}
	if stamps == 0 && hasTS {
		errs = append(errs, fmt.Errorf(`"timestamp_header" or "timestamp_key" is set but "signed_payload" does not use %s: the timestamp would not be signed`, PlaceholderTimestamp))
	}
	return errs
}

// NeedsURL reports whether the scheme signs the URL the sender posts to,
// which URL must then give.
func (o Options) NeedsURL() bool {
	r := o.resolved()
	switch r.Scheme {
	case SchemeTwilio, SchemeHubSpot:
		return true
	}
	return strings.Contains(r.SignedPayload, PlaceholderURL)
}

// resolved fills in the defaults of o's scheme.
func (o Options) resolved() Options {
	if o.Tolerance <= 0 {
		o.Tolerance = DefaultTolerance
	}
	switch o.Scheme {
	case SchemeHMACSHA256:
		o.Algorithm, o.Encoding = SHA256, Hex
	case SchemeSlack:
		o.Algorithm, o.Encoding = SHA256, Hex
		o.TimestampHeader = HeaderSlackRequestTimestamp
		o.SignedPayload = "v0:" + PlaceholderTimestamp + ":" + PlaceholderBody
		if o.Header == "" {
			o.Header = HeaderSlackSignature
		}
		if o.Prefix == "" {
			o.Prefix = "v0="
		}
	case SchemeStripe:
		if o.Header == "" {
			o.Header = HeaderStripeSignature
		}
		o.Algorithm, o.Encoding = SHA256, Hex
		o.SignatureKey, o.TimestampKey, o.Separator = "v1", "t", ","
		o.SignedPayload = PlaceholderTimestamp + "." + PlaceholderBody
	case SchemeOpenRouter:
		if o.Header == "" {
			o.Header = HeaderOpenRouterSignature
		}
		o.Algorithm, o.Encoding = SHA256, Hex
	case SchemeECDSAP256:
		if o.Encoding == "" {
			o.Encoding = Base64
		}
	}
	if o.Header == "" {
		o.Header = DefaultHMACHeader
	}
	if o.Algorithm == "" {
		o.Algorithm = SHA256
	}
	if o.Encoding == "" {
		o.Encoding = Hex
	}
	if o.SignatureKey != "" && o.Separator == "" {
		o.Separator = ","
	}
	if o.TimestampFormat == "" {
		o.TimestampFormat = UnixSeconds
	}
	if o.SignedPayload == "" {
		o.SignedPayload = PlaceholderBody
		if o.TimestampHeader != "" || o.TimestampKey != "" {
			o.SignedPayload = PlaceholderTimestamp + "." + PlaceholderBody
		}
	}
	return o
}

func (a Algorithm) hash() (func() hash.Hash, int) {
	switch a {
	case SHA1:
		return sha1.New, sha1.Size
	case SHA512:
		return sha512.New, sha512.Size
	default:
		return sha256.New, sha256.Size
	}
}
