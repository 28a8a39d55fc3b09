package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// SignatureConfig configures verification of a body signature. A route's
// preset fills in what its sender uses; every key set here overrides it.
type SignatureConfig struct {
	// Scheme is hmac, hmac_sha256, slack, stripe or standard_webhooks.
	Scheme signature.Scheme `mapstructure:"scheme"`
	// Header carries the signature (every scheme but standard_webhooks).
	// Default X-Webhook-Signature for hmac and hmac_sha256.
	Header string `mapstructure:"header"`
	// Prefix precedes the signature, for example "sha256=".
	Prefix string `mapstructure:"prefix"`
	// Algorithm of an hmac signature: sha256 (default), sha1 or sha512.
	Algorithm signature.Algorithm `mapstructure:"algorithm"`
	// Encoding of an hmac signature: hex (default) or base64.
	Encoding signature.Encoding `mapstructure:"encoding"`
	// TimestampHeader, for hmac, names a header with the Unix time (seconds)
	// the sender signs with the body, as SignedPayload says.
	TimestampHeader string `mapstructure:"timestamp_header"`
	// SignedPayload, for hmac, is what the sender signs, with {timestamp} and
	// {body}: default "{body}", or "{timestamp}.{body}" with a
	// timestamp_header.
	SignedPayload string `mapstructure:"signed_payload"`
	// TimestampField, for hmac, is a top-level field of the JSON body with the
	// delivery's time (Unix seconds or milliseconds), checked against the
	// tolerance once the signature matched.
	TimestampField string `mapstructure:"timestamp_field"`
	// Secrets are tried in turn, so a secret can be rotated without downtime.
	Secrets []configopaque.String `mapstructure:"secrets"`
	// Tolerance is how far a signed timestamp may be from the receiver's
	// clock; older or newer deliveries are refused as replays.
	Tolerance time.Duration `mapstructure:"tolerance"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// options lays the keys that are set over base, the defaults of the
// section or preset.
func (sc *SignatureConfig) options(base signature.Options) signature.Options {
	o := base
	if sc.Scheme != "" && family(sc.Scheme) != family(base.Scheme) {
		// Another scheme: the preset's details were for its own.
		o = signature.Options{Scheme: sc.Scheme, Tolerance: base.Tolerance}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&o.Header, sc.Header)
	set(&o.Prefix, sc.Prefix)
	set((*string)(&o.Algorithm), string(sc.Algorithm))
	set((*string)(&o.Encoding), string(sc.Encoding))
	set(&o.TimestampHeader, sc.TimestampHeader)
	set(&o.SignedPayload, sc.SignedPayload)
	set(&o.TimestampField, sc.TimestampField)
	if sc.Tolerance != 0 {
		o.Tolerance = sc.Tolerance
	}
	return o
}

// family groups hmac_sha256 with hmac, whose settings it shares.
func family(s signature.Scheme) signature.Scheme {
	if s == signature.SchemeHMACSHA256 {
		return signature.SchemeHMAC
	}
	return s
}

// validate checks the signature settings laid over base. It is not named
// Validate so that the collector's recursive validation does not report its
// errors twice.
func (sc *SignatureConfig) validate(base signature.Options) []error {
	o := sc.options(base)
	if err := o.Scheme.CheckVerify(); err != nil {
		return []error{fmt.Errorf("\"scheme\": %w", err)}
	}
	errs := prefixed("", o.Check())
	if len(sc.Secrets) == 0 {
		errs = append(errs, errors.New(`"secrets" must list at least one secret`))
	}
	for i, s := range sc.Secrets {
		if _, err := signature.DecodeSecret(o.Scheme, string(s)); err != nil {
			errs = append(errs, fmt.Errorf("\"secrets[%d]\": %w", i, err))
		}
	}
	return errs
}

// verifier builds the verifier of the settings laid over base.
func (sc *SignatureConfig) verifier(base signature.Options) (*signature.Verifier, error) {
	secrets := make([]string, len(sc.Secrets))
	for i, s := range sc.Secrets {
		secrets[i] = string(s)
	}
	return signature.NewVerifier(sc.options(base), secrets)
}

// hmacDefaults are the signature defaults of a sender section: hmac_sha256
// in the sender's header.
func hmacDefaults(header string) signature.Options {
	return signature.Options{Scheme: signature.SchemeHMACSHA256, Header: header}
}
