// Package signature signs and verifies webhook bodies. The exporter signs with
// it and the receiver verifies with it, so the two always agree on the scheme.
//
// Two schemes are supported:
//   - hmac_sha256: the hex HMAC-SHA256 of the raw body in one header, with an
//     optional prefix such as "sha256=" (GitHub, OpenRouter event webhooks).
//   - standard_webhooks: the Standard Webhooks scheme
//     (https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
//     webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>".
//
// Signatures always cover the uncompressed body: compression is a transport
// concern applied after signing and removed before verifying.
package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Scheme names a signature scheme.
type Scheme string

const (
	// SchemeHMACSHA256 is a hex HMAC-SHA256 of the body in a single header.
	SchemeHMACSHA256 Scheme = "hmac_sha256"
	// SchemeStandardWebhooks is the Standard Webhooks scheme.
	SchemeStandardWebhooks Scheme = "standard_webhooks"
)

// Header names of the Standard Webhooks scheme.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

const (
	// DefaultHMACHeader is the header that carries an hmac_sha256 signature
	// when none is configured.
	DefaultHMACHeader = "X-Webhook-Signature"
	// DefaultTolerance is how far a standard_webhooks timestamp may be from
	// the receiver's clock, the value the Standard Webhooks libraries use.
	DefaultTolerance = 5 * time.Minute

	secretPrefix = "whsec_"
)

// Errors returned by Verify. They never contain a secret or a signature.
var (
	ErrMissingSignature   = errors.New("signature header is missing")
	ErrMalformedSignature = errors.New("signature header is malformed")
	ErrSignatureMismatch  = errors.New("signature does not match the body with any configured secret")
	ErrMissingHeaders     = errors.New("webhook-id, webhook-timestamp and webhook-signature headers are required")
	ErrInvalidTimestamp   = errors.New("webhook-timestamp is not a Unix time in seconds")
	ErrStaleTimestamp     = errors.New("webhook-timestamp is outside the allowed tolerance (replayed or clock skew)")
)

// Check reports whether s names a supported scheme. It is not named Validate
// so that the collector's recursive config validation does not report it
// again for the field that holds it.
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

// DecodeSecret turns a configured secret into HMAC key bytes. hmac_sha256
// secrets are used as they are; standard_webhooks secrets are base64, with an
// optional "whsec_" prefix, as the Standard Webhooks libraries read them.
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
	scheme    Scheme
	header    string
	prefix    string
	keys      [][]byte
	tolerance time.Duration
}

// NewVerifier returns a Verifier that accepts a body signed with any of
// secrets, so that secrets can be rotated without downtime. header and prefix
// apply to hmac_sha256, tolerance to standard_webhooks; zero values select
// the defaults.
func NewVerifier(scheme Scheme, header, prefix string, secrets []string, tolerance time.Duration) (*Verifier, error) {
	if err := scheme.Check(); err != nil {
		return nil, err
	}
	if len(secrets) == 0 {
		return nil, errors.New("at least one secret is required")
	}
	v := &Verifier{scheme: scheme, header: header, prefix: prefix, tolerance: tolerance}
	if v.header == "" {
		v.header = DefaultHMACHeader
	}
	if v.tolerance <= 0 {
		v.tolerance = DefaultTolerance
	}
	for i, s := range secrets {
		key, err := DecodeSecret(scheme, s)
		if err != nil {
			return nil, fmt.Errorf("secrets[%d]: %w", i, err)
		}
		v.keys = append(v.keys, key)
	}
	return v, nil
}

// Verify checks the signature headers in h against the raw body. now is the
// receiver's clock, used for the standard_webhooks replay window.
func (v *Verifier) Verify(h http.Header, body []byte, now time.Time) error {
	if v.scheme == SchemeStandardWebhooks {
		return v.verifyStandard(h, body, now)
	}
	return v.verifyHMAC(h, body)
}

func (v *Verifier) verifyHMAC(h http.Header, body []byte) error {
	value := strings.TrimSpace(h.Get(v.header))
	if value == "" {
		return ErrMissingSignature
	}
	if v.prefix != "" {
		if len(value) < len(v.prefix) || !strings.EqualFold(value[:len(v.prefix)], v.prefix) {
			return ErrMalformedSignature
		}
		value = value[len(v.prefix):]
	}
	if len(value) != hex.EncodedLen(sha256.Size) {
		return ErrMalformedSignature
	}
	var got [sha256.Size]byte
	if _, err := hex.Decode(got[:], []byte(value)); err != nil {
		return ErrMalformedSignature
	}
	var want [sha256.Size]byte
	for _, key := range v.keys {
		mac := hmac.New(sha256.New, key)
		mac.Write(body)
		if hmac.Equal(got[:], mac.Sum(want[:0])) {
			return nil
		}
	}
	return ErrSignatureMismatch
}

func (v *Verifier) verifyStandard(h http.Header, body []byte, now time.Time) error {
	id := h.Get(HeaderWebhookID)
	ts := h.Get(HeaderWebhookTimestamp)
	sigs := h.Get(HeaderWebhookSignature)
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrInvalidTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > v.tolerance || d < -v.tolerance {
		return ErrStaleTimestamp
	}
	var want [sha256.Size]byte
	// Room for any base64 text of the expected length, which without
	// padding can decode to one byte more than a SHA-256.
	var got [sha256.Size + 3]byte
	for _, key := range v.keys {
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

// Signer signs bodies before they are sent.
type Signer struct {
	scheme Scheme
	header string
	prefix string
	key    []byte
}

// NewSigner returns a Signer for one secret. header and prefix apply to
// hmac_sha256; an empty header selects DefaultHMACHeader.
func NewSigner(scheme Scheme, header, prefix, secret string) (*Signer, error) {
	if err := scheme.Check(); err != nil {
		return nil, err
	}
	key, err := DecodeSecret(scheme, secret)
	if err != nil {
		return nil, err
	}
	if header == "" {
		header = DefaultHMACHeader
	}
	return &Signer{scheme: scheme, header: header, prefix: prefix, key: key}, nil
}

// Sign sets the signature headers for body on h. id is the delivery id sent
// as webhook-id (standard_webhooks only); now is the signing time.
func (s *Signer) Sign(h http.Header, body []byte, id string, now time.Time) {
	if s.scheme == SchemeStandardWebhooks {
		ts := strconv.FormatInt(now.Unix(), 10)
		sum := standardMAC(s.key, id, ts, body).Sum(nil)
		h.Set(HeaderWebhookID, id)
		h.Set(HeaderWebhookTimestamp, ts)
		h.Set(HeaderWebhookSignature, "v1,"+base64.StdEncoding.EncodeToString(sum))
		return
	}
	mac := hmac.New(sha256.New, s.key)
	mac.Write(body)
	h.Set(s.header, s.prefix+hex.EncodeToString(mac.Sum(nil)))
}

// DeliveryID derives a webhook-id from the body, so that every retry of the
// same delivery, also after a restart with a persistent queue, carries the
// same id and a receiver can drop the copies.
func DeliveryID(body []byte) string {
	sum := sha256.Sum256(body)
	return "msg_" + hex.EncodeToString(sum[:16])
}
