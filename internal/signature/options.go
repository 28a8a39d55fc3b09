package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/sha1" // Vercel signs with HMAC-SHA1, still a sound MAC
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

// Encoding is how an hmac signature is written in its header.
type Encoding string

// The encodings of an hmac signature.
const (
	Hex    Encoding = "hex"
	Base64 Encoding = "base64"
)

// Placeholders of SignedPayload.
const (
	PlaceholderTimestamp = "{timestamp}"
	PlaceholderBody      = "{body}"
)

// Options describe what a Verifier checks. Zero values select the scheme's
// defaults.
type Options struct {
	Scheme Scheme
	// Header carries the signature (hmac, hmac_sha256, slack, stripe).
	Header string
	// Prefix precedes the signature in its header, such as "sha256="; it is
	// matched without regard to case.
	Prefix string
	// Algorithm and Encoding of an hmac signature: sha256 and hex by default.
	Algorithm Algorithm
	Encoding  Encoding
	// TimestampHeader, for hmac, is a header with the Unix time in seconds
	// that the sender signs with the body, as SignedPayload says.
	TimestampHeader string
	// SignedPayload, for hmac, is what is signed: {timestamp} and {body}
	// stand for the timestamp header and the raw body. Default "{body}", or
	// "{timestamp}.{body}" with a TimestampHeader.
	SignedPayload string
	// TimestampField, for hmac, is a top-level field of a JSON body with the
	// time of the delivery, Unix seconds or (from 10^11 on) milliseconds,
	// checked against the tolerance (Linear's webhookTimestamp).
	TimestampField string
	// Tolerance is how far a signed timestamp may be from the receiver's
	// clock. Default DefaultTolerance.
	Tolerance time.Duration
}

// Check reports what is wrong with o, naming the setting.
func (o Options) Check() error {
	if err := o.Scheme.CheckVerify(); err != nil {
		return fmt.Errorf(`"scheme": %w`, err)
	}
	var errs []error
	if o.Header != "" && !httpguts.ValidHeaderFieldName(o.Header) {
		errs = append(errs, fmt.Errorf(`"header": %q is not a valid header name`, o.Header))
	}
	if o.TimestampHeader != "" && !httpguts.ValidHeaderFieldName(o.TimestampHeader) {
		errs = append(errs, fmt.Errorf(`"timestamp_header": %q is not a valid header name`, o.TimestampHeader))
	}
	if o.Tolerance < 0 {
		errs = append(errs, fmt.Errorf(`"tolerance" must not be negative, got %s`, o.Tolerance))
	}
	switch o.Scheme {
	case SchemeStandardWebhooks:
		if o.Header != "" || o.Prefix != "" {
			errs = append(errs, errors.New(`"header" and "prefix" do not apply to scheme standard_webhooks, which uses the webhook-* (or svix-*) headers`))
		}
	}
	if o.Scheme != SchemeHMAC {
		var set []string
		for _, kv := range [][2]string{
			{"algorithm", string(o.Algorithm)}, {"encoding", string(o.Encoding)},
			{"timestamp_header", o.TimestampHeader}, {"signed_payload", o.SignedPayload}, {"timestamp_field", o.TimestampField},
		} {
			if kv[1] != "" {
				set = append(set, strconv.Quote(kv[0]))
			}
		}
		if len(set) > 0 {
			errs = append(errs, fmt.Errorf("%s apply to scheme hmac only; %s fixes them", strings.Join(set, ", "), o.Scheme))
		}
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
	if o.SignedPayload != "" {
		if !strings.Contains(o.SignedPayload, PlaceholderBody) {
			errs = append(errs, fmt.Errorf(`"signed_payload" must contain %s`, PlaceholderBody))
		}
		if strings.Count(o.SignedPayload, PlaceholderBody) > 1 {
			errs = append(errs, fmt.Errorf(`"signed_payload" must contain %s once`, PlaceholderBody))
		}
		hasTS := strings.Contains(o.SignedPayload, PlaceholderTimestamp)
		if hasTS && o.TimestampHeader == "" {
			errs = append(errs, fmt.Errorf(`"signed_payload" uses %s: "timestamp_header" must name the header that carries it`, PlaceholderTimestamp))
		}
		if !hasTS && o.TimestampHeader != "" {
			errs = append(errs, fmt.Errorf(`"timestamp_header" is set but "signed_payload" does not use %s: the timestamp would not be signed`, PlaceholderTimestamp))
		}
	}
	if o.TimestampField != "" && strings.ContainsAny(o.TimestampField, ".\"") {
		errs = append(errs, fmt.Errorf(`"timestamp_field": %q must be a top-level field name`, o.TimestampField))
	}
	return errors.Join(errs...)
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
			if o.Prefix == "" {
				o.Prefix = "v0="
			}
		}
	case SchemeStripe:
		if o.Header == "" {
			o.Header = HeaderStripeSignature
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
	if o.SignedPayload == "" {
		o.SignedPayload = PlaceholderBody
		if o.TimestampHeader != "" {
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
