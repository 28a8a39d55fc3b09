// Package signature signs and verifies webhook bodies. The exporter signs with
// it and the receiver verifies with it, so the two always agree on a scheme.
//
// The schemes:
//   - hmac: an HMAC (SHA-256, SHA-1 or SHA-512) of a signed payload, hex or
//     base64, in one header with an optional prefix such as "sha256=". The
//     payload is the raw body by default; a template (signed_payload) can add
//     a timestamp (from a header, or from the signature header itself), the
//     URL the sender posts to, the method and other headers. The header may
//     be a list of key=value pairs holding the timestamp and one or more
//     signatures (Stripe's "t=...,v1=...", Paddle's "ts=...;h1=..."). A
//     timestamp can also be read from the body (timestamp_field). Every
//     signed time is checked against the tolerance. GitHub, Shopify, Linear,
//     Vercel, Square, PagerDuty, Paddle, Calendly, Zoom and Twitch sign so.
//   - hmac_sha256: hmac with SHA-256 and hex, kept under its first name.
//   - slack: Slack's v0 scheme, X-Slack-Signature "v0=<hex>" over
//     "v0:<X-Slack-Request-Timestamp>:<body>".
//   - stripe: Stripe-Signature "t=<unix>,v1=<hex>[,v1=...]" over "<t>.<body>",
//     the whsec_ secret used as its text.
//   - standard_webhooks: the Standard Webhooks scheme
//     (https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
//     webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>", also
//     read under Svix's svix-* header names.
//   - ed25519 and ecdsa_p256: the hmac template verified with a public key
//     (Discord's Ed25519, SendGrid's ECDSA P-256 with SHA-256).
//   - twilio, hubspot, mailgun, gitlab, openrouter: what those senders do
//     that no template says (twilio.go, hubspot.go, mailgun.go, gitlab.go,
//     openrouter.go).
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
	// SchemeHMAC is an HMAC of a signed payload in a single header.
	SchemeHMAC Scheme = "hmac"
	// SchemeHMACSHA256 is a hex HMAC-SHA256 of the body in a single header.
	SchemeHMACSHA256 Scheme = "hmac_sha256"
	// SchemeStandardWebhooks is the Standard Webhooks scheme.
	SchemeStandardWebhooks Scheme = "standard_webhooks"
	// SchemeStripe is Stripe's Stripe-Signature scheme.
	SchemeStripe Scheme = "stripe"
	// SchemeSlack is Slack's v0 request signing.
	SchemeSlack Scheme = "slack"
	// SchemeEd25519 is an Ed25519 signature of a signed payload.
	SchemeEd25519 Scheme = "ed25519"
	// SchemeECDSAP256 is an ECDSA P-256 signature of the SHA-256 of a
	// signed payload, DER-encoded.
	SchemeECDSAP256 Scheme = "ecdsa_p256"
	// SchemeTwilio is Twilio's X-Twilio-Signature over the URL and the form
	// parameters (or the body's SHA-256 in the URL).
	SchemeTwilio Scheme = "twilio"
	// SchemeHubSpot is HubSpot's X-HubSpot-Signature-v3, or v1 and v2.
	SchemeHubSpot Scheme = "hubspot"
	// SchemeMailgun is Mailgun's signature inside the body.
	SchemeMailgun Scheme = "mailgun"
	// SchemeGitLab is GitLab's X-Gitlab-Token, or its signing token.
	SchemeGitLab Scheme = "gitlab"
	// SchemeOpenRouter is X-OpenRouter-Signature in either of its forms.
	SchemeOpenRouter Scheme = "openrouter"
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

// Headers of the senders whose schemes fix them.
const (
	HeaderStripeSignature       = "Stripe-Signature"
	HeaderSlackSignature        = "X-Slack-Signature"
	HeaderSlackRequestTimestamp = "X-Slack-Request-Timestamp"
	HeaderOpenRouterSignature   = "X-OpenRouter-Signature"
	HeaderTwilioSignature       = "X-Twilio-Signature"
	HeaderGitLabToken           = "X-Gitlab-Token"
)

const (
	// DefaultHMACHeader is the header that carries a signature when none is
	// configured.
	DefaultHMACHeader = "X-Webhook-Signature"
	// DefaultTolerance is how far a signed timestamp may be from the
	// receiver's clock: the value the Standard Webhooks libraries, Stripe's
	// libraries and Slack's documentation use.
	DefaultTolerance = 5 * time.Minute

	secretPrefix = "whsec_"
)

// Errors returned by Verify. They never contain a secret or a signature;
// the errors Verify returns wrap one of them and say what was wrong where.
var (
	ErrMissingSignature   = errors.New("signature header is missing")
	ErrMalformedSignature = errors.New("signature header is malformed")
	ErrSignatureMismatch  = errors.New("signature does not match the body with any configured secret")
	ErrMissingHeaders     = errors.New("webhook-id, webhook-timestamp and webhook-signature headers are required")
	ErrInvalidTimestamp   = errors.New("signed timestamp is not a Unix time")
	ErrStaleTimestamp     = errors.New("signed timestamp is outside the allowed tolerance (replayed or clock skew)")
)

// detailError is one of the errors above with a message that says what and
// where.
type detailError struct {
	kind error
	msg  string
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.kind }

func invalidTimestamp(where, unit string) error {
	return &detailError{ErrInvalidTimestamp, where + " is not " + unit}
}

func staleTimestamp(where string) error {
	return &detailError{ErrStaleTimestamp, where + " is outside the allowed tolerance (replayed or clock skew)"}
}

// missingHeader: the header that carries the signature, or a part of it, is
// absent or empty.
func missingHeader(name string) error {
	return &detailError{ErrMissingSignature, ErrMissingSignature.Error() + ": " + name}
}

// malformed: the signature is there but cannot be read; why says how.
func malformed(name, why string) error {
	return &detailError{ErrMalformedSignature, ErrMalformedSignature.Error() + ": " + name + " " + why}
}

// mismatch: a well-formed signature that no key produces.
func mismatch(what string) error {
	return &detailError{ErrSignatureMismatch, what}
}

var schemes = []Scheme{
	SchemeHMAC, SchemeHMACSHA256, SchemeSlack, SchemeStripe, SchemeStandardWebhooks,
	SchemeEd25519, SchemeECDSAP256, SchemeTwilio, SchemeHubSpot, SchemeMailgun, SchemeGitLab, SchemeOpenRouter,
}

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

// UsesPublicKeys reports whether the scheme verifies with public keys
// rather than shared secrets.
func (s Scheme) UsesPublicKeys() bool {
	return s == SchemeEd25519 || s == SchemeECDSAP256
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

// Keys are what a Verifier checks signatures with: shared secrets, or the
// public keys of the asymmetric schemes.
type Keys struct {
	Secrets    []string
	PublicKeys []string
}

// Check reports what is wrong with keys for scheme, each error naming the
// list and the index ("secrets[1]: ...").
func (k Keys) Check(scheme Scheme) []error {
	var errs []error
	if scheme.UsesPublicKeys() {
		if len(k.Secrets) > 0 {
			errs = append(errs, fmt.Errorf(`"secrets" do not apply to scheme %s, which verifies with "public_keys"`, scheme))
		}
		if len(k.PublicKeys) == 0 {
			errs = append(errs, errors.New(`"public_keys" must list at least one public key`))
		}
		for i, pk := range k.PublicKeys {
			if _, err := parsePublicKey(scheme, pk); err != nil {
				errs = append(errs, fmt.Errorf(`"public_keys[%d]": %w`, i, err))
			}
		}
		return errs
	}
	if len(k.PublicKeys) > 0 {
		errs = append(errs, fmt.Errorf(`"public_keys" apply to schemes ed25519 and ecdsa_p256 only; scheme %s verifies with "secrets"`, scheme))
	}
	if len(k.Secrets) == 0 {
		errs = append(errs, errors.New(`"secrets" must list at least one secret`))
	}
	for i, s := range k.Secrets {
		if _, err := DecodeSecret(scheme, s); err != nil {
			errs = append(errs, fmt.Errorf(`"secrets[%d]": %w`, i, err))
		}
		if scheme == SchemeGitLab {
			if _, _, err := gitlabSigningKey(s); err != nil {
				errs = append(errs, fmt.Errorf(`"secrets[%d]": %w`, i, err))
			}
		}
	}
	return errs
}

// Request is what a Verifier reads of a request: the method and the query
// string for the schemes that sign the URL, the headers and the raw body.
type Request struct {
	Method string
	// Query is the raw query string as received, without "?".
	Query  string
	Header http.Header
	Body   []byte
}

// Verifier checks signatures of received requests.
type Verifier struct {
	opts Options
	keys [][]byte
	pub  []publicKey
	// form is the signed payload, for the schemes that take a template.
	form form
	// twilio holds the URL variants Twilio's SDKs try.
	twilio *twilioURLs
	// signing are GitLab's signing tokens, decoded.
	signing [][]byte
	// timed and plain are the two forms of the openrouter scheme.
	timed, plain *Verifier
}

// NewVerifier returns a Verifier for opts that accepts a body signed with
// any of secrets, so that secrets can be rotated without downtime.
func NewVerifier(opts Options, secrets []string) (*Verifier, error) {
	return New(opts, Keys{Secrets: secrets})
}

// New returns a Verifier for opts that accepts a signature made with any of
// keys.
func New(opts Options, keys Keys) (*Verifier, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	if opts.Scheme.UsesPublicKeys() {
		if len(keys.PublicKeys) == 0 {
			return nil, errors.New("at least one public key is required")
		}
	} else if len(keys.Secrets) == 0 {
		return nil, errors.New("at least one secret is required")
	}
	if errs := keys.Check(opts.Scheme); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	v := &Verifier{opts: opts.resolved()}
	if v.opts.URL == "" && opts.NeedsURL() {
		return nil, fmt.Errorf("scheme %s signs the URL the sender posts to: the URL is required", opts.Scheme)
	}
	for i, s := range keys.Secrets {
		key, err := DecodeSecret(opts.Scheme, s)
		if err != nil {
			return nil, fmt.Errorf("secrets[%d]: %w", i, err)
		}
		v.keys = append(v.keys, key)
	}
	for _, s := range keys.PublicKeys {
		pk, _ := parsePublicKey(opts.Scheme, s)
		v.pub = append(v.pub, pk)
	}
	var err error
	if v.form, err = newForm(v.opts); err != nil {
		return nil, err
	}
	switch v.opts.Scheme {
	case SchemeTwilio:
		if v.twilio, err = newTwilioURLs(v.opts.URL); err != nil {
			return nil, err
		}
	case SchemeGitLab:
		for _, s := range keys.Secrets {
			if key, ok, _ := gitlabSigningKey(s); ok {
				v.signing = append(v.signing, key)
			}
		}
	case SchemeOpenRouter:
		timed, plain := openRouterForms(v.opts)
		v.timed = &Verifier{opts: timed, keys: v.keys}
		v.plain = &Verifier{opts: plain, keys: v.keys}
		v.timed.form, _ = newForm(timed)
		v.plain.form, _ = newForm(plain)
	}
	return v, nil
}

// Verify checks the signature headers in h against the raw body of a POST
// without a query string. now is the receiver's clock, for the replay
// window of the schemes that sign a time.
func (v *Verifier) Verify(h http.Header, body []byte, now time.Time) error {
	return v.VerifyRequest(Request{Method: http.MethodPost, Header: h, Body: body}, now)
}

// VerifyRequest checks the signature of r.
func (v *Verifier) VerifyRequest(r Request, now time.Time) error {
	switch v.opts.Scheme {
	case SchemeStandardWebhooks:
		return v.verifyStandard(r.Header, r.Body, now, v.keys)
	case SchemeTwilio:
		return v.verifyTwilio(r)
	case SchemeHubSpot:
		return v.verifyHubSpot(r, now)
	case SchemeMailgun:
		return v.verifyMailgun(r, now)
	case SchemeGitLab:
		return v.verifyGitLab(r, now)
	case SchemeOpenRouter:
		return v.verifyOpenRouter(r, now)
	default:
		return v.verifyForm(r, now)
	}
}

// within reports whether the signed time t is within the tolerance of now.
func (v *Verifier) within(t, now time.Time) bool {
	if v.opts.NoReplayWindow {
		return true
	}
	d := now.Sub(t)
	return d <= v.opts.Tolerance && d >= -v.opts.Tolerance
}
