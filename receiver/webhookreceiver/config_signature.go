package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"
	"golang.org/x/net/http/httpguts"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// SignatureConfig configures verification of a body signature.
type SignatureConfig struct {
	// Scheme is hmac_sha256 or standard_webhooks.
	Scheme signature.Scheme `mapstructure:"scheme"`
	// Header carries an hmac_sha256 signature. Default X-Webhook-Signature.
	Header string `mapstructure:"header"`
	// Prefix precedes the hex hmac_sha256 signature, for example "sha256=".
	Prefix string `mapstructure:"prefix"`
	// Secrets are tried in turn, so a secret can be rotated without downtime.
	Secrets []configopaque.String `mapstructure:"secrets"`
	// Tolerance is how far a standard_webhooks timestamp may be from the
	// receiver's clock; older or newer deliveries are refused as replays.
	Tolerance time.Duration `mapstructure:"tolerance"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// validate checks the signature settings. It is not named Validate so that
// the collector's recursive validation does not report its errors twice.
func (sc *SignatureConfig) validate() error {
	if err := sc.Scheme.Check(); err != nil {
		return fmt.Errorf("\"scheme\": %w", err)
	}
	if len(sc.Secrets) == 0 {
		return errors.New(`"secrets" must list at least one secret`)
	}
	for i, s := range sc.Secrets {
		if _, err := signature.DecodeSecret(sc.Scheme, string(s)); err != nil {
			return fmt.Errorf("\"secrets[%d]\": %w", i, err)
		}
	}
	if sc.Header != "" && !httpguts.ValidHeaderFieldName(sc.Header) {
		return fmt.Errorf("\"header\": %q is not a valid header name", sc.Header)
	}
	if sc.Scheme == signature.SchemeStandardWebhooks && (sc.Header != "" || sc.Prefix != "") {
		return errors.New(`"header" and "prefix" apply to scheme hmac_sha256 only; standard_webhooks uses the webhook-* headers`)
	}
	if sc.Tolerance < 0 {
		return fmt.Errorf("\"tolerance\" must not be negative, got %s", sc.Tolerance)
	}
	return nil
}

// verifier builds the verifier; defaultHeader is the sender's hmac_sha256
// header when none is configured ("" for the package default).
func (sc *SignatureConfig) verifier(defaultHeader string) (*signature.Verifier, error) {
	secrets := make([]string, len(sc.Secrets))
	for i, s := range sc.Secrets {
		secrets[i] = string(s)
	}
	header := sc.Header
	if header == "" && sc.Scheme == signature.SchemeHMACSHA256 {
		header = defaultHeader
	}
	return signature.NewVerifier(sc.Scheme, header, sc.Prefix, secrets, sc.Tolerance)
}
