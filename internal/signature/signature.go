// Package signature signs and verifies webhook bodies. The exporter signs with
// it and the receiver verifies with it, so the two always agree on a scheme.
//
// The schemes:
//   - hmac: an HMAC (SHA-256, SHA-1 or SHA-512) of the raw body, hex or
//     base64, in one header with an optional prefix such as "sha256=".
//     A timestamp can be signed with the body (timestamp_header and a
//     signed_payload such as "v0:{timestamp}:{body}"), or read from the body
//     (timestamp_field), and is then checked against the tolerance.
//     GitHub, Shopify, Linear, Vercel and OpenRouter's event webhooks sign so.
//   - hmac_sha256: hmac with SHA-256 and hex, kept under its first name.
//   - slack: Slack's v0 scheme, X-Slack-Signature "v0=<hex>" over
//     "v0:<X-Slack-Request-Timestamp>:<body>".
//   - stripe: Stripe-Signature "t=<unix>,v1=<hex>[,v1=...]" over "<t>.<body>",
//     the whsec_ secret used as its text.
//   - standard_webhooks: the Standard Webhooks scheme
//     (https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
//     webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>", also
//     read under Svix's svix-* header names.
//
// Only hmac_sha256 and standard_webhooks can sign (Signer); every scheme
// verifies (Verifier). Signatures always cover the uncompressed body:
// compression is a transport concern applied after signing and removed
// before verifying.
package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Scheme names a signature scheme.
type Scheme string

const (
	// SchemeHMAC is an HMAC of the body in a single header.
	SchemeHMAC Scheme = "hmac"
	// SchemeHMACSHA256 is a hex HMAC-SHA256 of the body in a single header.
	SchemeHMACSHA256 Scheme = "hmac_sha256"
	// SchemeStandardWebhooks is the Standard Webhooks scheme.
	SchemeStandardWebhooks Scheme = "standard_webhooks"
	// SchemeStripe is Stripe's Stripe-Signature scheme.
	SchemeStripe Scheme = "stripe"
	// SchemeSlack is Slack's v0 request signing.
	SchemeSlack Scheme = "slack"
)

// Header names of the Standard Webhooks scheme, and Svix's names for them.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
	HeaderSvixID           = "svix-id"
	HeaderSvixTimestamp    = "svix-timestamp"
	HeaderSvixSignature    = "svix-signature"
)

// Headers of Stripe and Slack.
const (
	HeaderStripeSignature       = "Stripe-Signature"
	HeaderSlackSignature        = "X-Slack-Signature"
	HeaderSlackRequestTimestamp = "X-Slack-Request-Timestamp"
)

const (
	// DefaultHMACHeader is the header that carries an hmac signature when
	// none is configured.
	DefaultHMACHeader = "X-Webhook-Signature"
	// DefaultTolerance is how far a signed timestamp may be from the
	// receiver's clock: the value the Standard Webhooks libraries, Stripe's
	// libraries and Slack's documentation use.
	DefaultTolerance = 5 * time.Minute

	secretPrefix = "whsec_"
)

// Errors returned by Verify. They never contain a secret or a signature.
var (
	ErrMissingSignature   = errors.New("signature header is missing")
	ErrMalformedSignature = errors.New("signature header is malformed")
	ErrSignatureMismatch  = errors.New("signature does not match the body with any configured secret")
	ErrMissingHeaders     = errors.New("webhook-id, webhook-timestamp and webhook-signature headers are required")
	ErrInvalidTimestamp   = errors.New("signed timestamp is not a Unix time")
	ErrStaleTimestamp     = errors.New("signed timestamp is outside the allowed tolerance (replayed or clock skew)")
)

// timestampError names where a bad timestamp was (a header or a body field)
// and is one of ErrInvalidTimestamp and ErrStaleTimestamp.
type timestampError struct {
	kind error
	msg  string
}

func (e *timestampError) Error() string { return e.msg }
func (e *timestampError) Unwrap() error { return e.kind }

func invalidTimestamp(where, unit string) error {
	return &timestampError{ErrInvalidTimestamp, where + " is not a Unix time in " + unit}
}

func staleTimestamp(where string) error {
	return &timestampError{ErrStaleTimestamp, where + " is outside the allowed tolerance (replayed or clock skew)"}
}

var schemes = []Scheme{SchemeHMAC, SchemeHMACSHA256, SchemeSlack, SchemeStripe, SchemeStandardWebhooks}

// Check reports whether s names a scheme a Signer supports. It is not named
// Validate so that the collector's recursive config validation does not
// report it again for the field that holds it.
func (s Scheme) Check() error {
	switch s {
	case SchemeHMACSHA256, SchemeStandardWebhooks:
		return nil
	case "":
		return errors.New("scheme is required: one of hmac_sha256, standard_webhooks")
	default:
		return fmt.Errorf("unknown scheme %q: one of hmac_sha256, standard_webhooks", string(s))
	}
}

// CheckVerify reports whether s names a scheme a Verifier supports.
func (s Scheme) CheckVerify() error {
	for _, known := range schemes {
		if s == known {
			return nil
		}
	}
	names := make([]string, len(schemes))
	for i, known := range schemes {
		names[i] = string(known)
	}
	if s == "" {
		return errors.New("scheme is required: one of " + strings.Join(names, ", "))
	}
	return fmt.Errorf("unknown scheme %q: one of %s", string(s), strings.Join(names, ", "))
}

// DecodeSecret turns a configured secret into HMAC key bytes. Secrets are
// used as their text, Stripe's whsec_ secrets included; standard_webhooks
// secrets are base64, with an optional "whsec_" prefix, as the Standard
// Webhooks libraries read them.
func DecodeSecret(scheme Scheme, secret string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("secret is empty")
	}
	if scheme != SchemeStandardWebhooks {
		return []byte(secret), nil
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, errors.New(`standard_webhooks secret must be base64, optionally prefixed with "whsec_"`)
	}
	if len(key) == 0 {
		return nil, errors.New("secret is empty")
	}
	return key, nil
}

// Verifier checks signatures of received bodies.
type Verifier struct {
	opts Options
	keys [][]byte
	// hmac, once resolved, for the hmac-based schemes.
	hmac hmacForm
}

// NewVerifier returns a Verifier for opts that accepts a body signed with
// any of secrets, so that secrets can be rotated without downtime.
func NewVerifier(opts Options, secrets []string) (*Verifier, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	if len(secrets) == 0 {
		return nil, errors.New("at least one secret is required")
	}
	v := &Verifier{opts: opts.resolved()}
	for i, s := range secrets {
		key, err := DecodeSecret(opts.Scheme, s)
		if err != nil {
			return nil, fmt.Errorf("secrets[%d]: %w", i, err)
		}
		v.keys = append(v.keys, key)
	}
	v.hmac = newHMACForm(v.opts)
	return v, nil
}

// Verify checks the signature headers in h against the raw body. now is the
// receiver's clock, for the replay window of the schemes that sign a time.
func (v *Verifier) Verify(h http.Header, body []byte, now time.Time) error {
	switch v.opts.Scheme {
	case SchemeStandardWebhooks:
		return v.verifyStandard(h, body, now)
	case SchemeStripe:
		return v.verifyStripe(h, body, now)
	default:
		return v.verifyHMAC(h, body, now)
	}
}

// within reports whether the signed time t is within the tolerance of now.
func (v *Verifier) within(t, now time.Time) bool {
	d := now.Sub(t)
	return d <= v.opts.Tolerance && d >= -v.opts.Tolerance
}
