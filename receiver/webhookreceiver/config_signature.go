package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// SignatureConfig configures verification of a signature. A route's preset
// fills in what its sender uses; every key set here overrides it.
type SignatureConfig struct {
	// Scheme is hmac, hmac_sha256, slack, stripe, standard_webhooks,
	// ed25519, ecdsa_p256, twilio, hubspot, mailgun, gitlab or openrouter.
	Scheme signature.Scheme `mapstructure:"scheme"`
	// Header carries the signature. Default X-Webhook-Signature for hmac,
	// hmac_sha256, ed25519 and ecdsa_p256.
	Header string `mapstructure:"header"`
	// Prefix precedes the signature, for example "sha256=".
	Prefix string `mapstructure:"prefix"`
	// Algorithm of an hmac signature: sha256 (default), sha1 or sha512.
	Algorithm signature.Algorithm `mapstructure:"algorithm"`
	// Encoding of the signature: hex (default) or base64 (the default of
	// ecdsa_p256).
	Encoding signature.Encoding `mapstructure:"encoding"`
	// TimestampHeader names a header with the time the sender signs with
	// the body, as SignedPayload says.
	TimestampHeader string `mapstructure:"timestamp_header"`
	// SignatureKey reads the signature header as key=value pairs: every
	// pair with this key is a signature, any of which may match ("v1").
	SignatureKey string `mapstructure:"signature_key"`
	// TimestampKey is the pair of the signature header with the signed time
	// ("t").
	TimestampKey string `mapstructure:"timestamp_key"`
	// Separator splits the pairs: "," (default) or ";".
	Separator string `mapstructure:"separator"`
	// TimestampFormat of the signed time: unix_s (default), unix_ms or
	// rfc3339.
	TimestampFormat signature.TimestampFormat `mapstructure:"timestamp_format"`
	// SignedPayload is what the sender signs, with {body}, {timestamp},
	// {url} (the route's public_url and the query), {method} and
	// {header:<name>}: default "{body}", or "{timestamp}.{body}" with a
	// timestamp.
	SignedPayload string `mapstructure:"signed_payload"`
	// TimestampField, for hmac, is a top-level field of the JSON body with the
	// delivery's time (Unix seconds or milliseconds), checked against the
	// tolerance once the signature matched.
	TimestampField string `mapstructure:"timestamp_field"`
	// Secrets are tried in turn, so a secret can be rotated without downtime.
	Secrets []configopaque.String `mapstructure:"secrets"`
	// PublicKeys verify ed25519 (hex) and ecdsa_p256 (base64
	// SubjectPublicKeyInfo or PEM) signatures; any may match.
	PublicKeys []string `mapstructure:"public_keys"`
	// Tolerance is how far a signed timestamp may be from the receiver's
	// clock; older or newer deliveries are refused as replays. It overrides
	// a preset's.
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
		o = signature.Options{Scheme: sc.Scheme, Tolerance: base.Tolerance, URL: base.URL}
	}
	if sc.Scheme != "" {
		o.Scheme = sc.Scheme
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
	set(&o.SignatureKey, sc.SignatureKey)
	set(&o.TimestampKey, sc.TimestampKey)
	set(&o.Separator, sc.Separator)
	set((*string)(&o.TimestampFormat), string(sc.TimestampFormat))
	set(&o.SignedPayload, sc.SignedPayload)
	set(&o.TimestampField, sc.TimestampField)
	if sc.Tolerance != 0 {
		o.Tolerance = sc.Tolerance
		o.NoReplayWindow = false
	}
	return o
}

// family groups the schemes whose settings carry over to each other:
// hmac_sha256 and openrouter read a header as hmac does.
func family(s signature.Scheme) signature.Scheme {
	switch s {
	case signature.SchemeHMACSHA256, signature.SchemeOpenRouter:
		return signature.SchemeHMAC
	}
	return s
}

// keys are the configured secrets and public keys.
func (sc *SignatureConfig) keys() signature.Keys {
	k := signature.Keys{Secrets: make([]string, len(sc.Secrets)), PublicKeys: sc.PublicKeys}
	for i, s := range sc.Secrets {
		k.Secrets[i] = string(s)
	}
	return k
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
	return append(errs, sc.keys().Check(o.Scheme)...)
}

// verifier builds the verifier of the settings laid over base.
func (sc *SignatureConfig) verifier(base signature.Options) (*signature.Verifier, error) {
	return signature.New(sc.options(base), sc.keys())
}

// senderDefaults are the signature defaults of a sender section:
// hmac_sha256 in the sender's header; OpenRouter's events either form of
// X-OpenRouter-Signature.
func senderDefaults(key, header string) signature.Options {
	if key == senderOpenRouterEvents {
		return signature.Options{Scheme: signature.SchemeOpenRouter, Header: header}
	}
	return signature.Options{Scheme: signature.SchemeHMACSHA256, Header: header}
}
