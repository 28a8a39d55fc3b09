package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"golang.org/x/net/http/httpguts"

	"github.com/otelcol-webhook/otelcol-webhook/internal/configkeys"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// Method is the HTTP method of every delivery. Configured values are
// upper-cased, so "post" and "Post" are read as POST.
type Method string

const (
	// MethodPost delivers with POST (the default).
	MethodPost Method = "POST"
	// MethodPut delivers with PUT.
	MethodPut Method = "PUT"
)

// UnmarshalText normalises the configured method to upper case; Validate
// checks that it is supported.
func (m *Method) UnmarshalText(text []byte) error {
	*m = Method(strings.ToUpper(strings.TrimSpace(string(text))))
	return nil
}

// normalized returns the method in upper case, for values set in code.
func (m Method) normalized() Method {
	return Method(strings.ToUpper(strings.TrimSpace(string(m))))
}

// Config defines the configuration of the webhook exporter.
type Config struct {
	// ClientConfig holds the HTTP client settings: endpoint (the full URL
	// deliveries are sent to, used as given), headers, tls, compression,
	// timeout, proxy_url, auth and the connection settings.
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`
	// QueueConfig is exporterhelper's sending queue; it is persistent when
	// its storage names a storage extension.
	QueueConfig configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	// RetryConfig is exporterhelper's retry with exponential back-off.
	RetryConfig configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// Method is POST or PUT.
	Method Method `mapstructure:"method"`
	// Encoding is the body format: json (OTLP JSON), proto (OTLP
	// protobuf), ndjson (one flat JSON object per span, log record or data
	// point) or template (a text/template).
	Encoding Encoding `mapstructure:"encoding"`
	// NDJSON holds the options of encoding ndjson.
	NDJSON configoptional.Optional[NDJSONConfig] `mapstructure:"ndjson"`
	// Template configures encoding template.
	Template configoptional.Optional[TemplateConfig] `mapstructure:"template"`
	// RetryableStatuses are the HTTP statuses that are retried; every other
	// non-2xx status drops the data.
	RetryableStatuses []int `mapstructure:"retryable_statuses"`
	// Signature, when configured, signs every request body.
	Signature configoptional.Optional[SignatureConfig] `mapstructure:"signature"`
	// TestConnection, when configured, sends an empty payload with
	// X-Test-Connection: true when the exporter starts.
	TestConnection configoptional.Optional[TestConnectionConfig] `mapstructure:"test_connection"`
	// RedactContent removes prompt and completion content attributes before
	// the data is queued or sent.
	RedactContent bool `mapstructure:"redact_content"`
	// Delivery, when set, handles failures instead of retry_on_failure:
	// a retry schedule of days outside the sending queue, dead letters and
	// replay.
	Delivery configoptional.Optional[DeliveryConfig] `mapstructure:"delivery"`
	// MaxRequestBodySize, when positive, is the largest (uncompressed)
	// request body in bytes; larger batches are split. 0 means no limit.
	MaxRequestBodySize int `mapstructure:"max_request_body_size"`

	// retryExplicit records that the configuration sets
	// retry_on_failure::enabled: true itself, which delivery forbids.
	retryExplicit bool

	// prevent unkeyed literal initialization
	_ struct{}
}

// SignatureConfig configures the signing of request bodies.
type SignatureConfig struct {
	// Scheme is hmac_sha256 or standard_webhooks.
	Scheme signature.Scheme `mapstructure:"scheme"`
	// Secret is the signing key: used as is for hmac_sha256, base64 with an
	// optional "whsec_" prefix for standard_webhooks.
	Secret configopaque.String `mapstructure:"secret"`
	// Header carries an hmac_sha256 signature; empty means
	// X-Webhook-Signature.
	Header string `mapstructure:"header"`
	// Prefix precedes the hex hmac_sha256 signature, for example "sha256=".
	Prefix string `mapstructure:"prefix"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// TestConnectionConfig configures the connection test run at start.
type TestConnectionConfig struct {
	// FailOnError fails the start of the exporter (and of the collector)
	// when the test fails; otherwise a warning is logged.
	FailOnError bool `mapstructure:"fail_on_error"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

var _ confmap.Unmarshaler = (*Config)(nil)

// Unmarshal reads the configuration, refusing keys that no setting reads:
// the squashed confighttp settings would otherwise ignore them silently.
func (cfg *Config) Unmarshal(conf *confmap.Conf) error {
	if err := configkeys.Check(conf, cfg); err != nil {
		return err
	}
	// plain has Config's fields but not this method, so decoding it does not
	// come back here.
	type plain Config
	if err := conf.Unmarshal((*plain)(cfg)); err != nil {
		return err
	}
	cfg.retryExplicit = conf.IsSet("retry_on_failure::enabled") && cfg.RetryConfig.Enabled
	return nil
}

// Validate checks the configuration. Nested settings owned by the collector
// (queue, retry, TLS, compression) validate themselves.
func (cfg *Config) Validate() error {
	var errs []error
	if err := validateEndpoint(cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	for name, value := range cfg.ClientConfig.Headers.Iter {
		if !httpguts.ValidHeaderFieldName(name) {
			errs = append(errs, fmt.Errorf("\"headers\": %q is not a valid header name", name))
		}
		if !httpguts.ValidHeaderFieldValue(string(value)) {
			// The value may be a credential: it is not quoted.
			errs = append(errs, fmt.Errorf("\"headers\": the value of %q is not a valid header value (control characters or line breaks)", name))
		}
	}
	switch cfg.Method.normalized() {
	case MethodPost, MethodPut:
	default:
		errs = append(errs, fmt.Errorf("\"method\" must be POST or PUT, got %q", string(cfg.Method)))
	}
	errs = append(errs, cfg.validateEncoding()...)
	for i, status := range cfg.RetryableStatuses {
		if status < 400 || status > 599 {
			errs = append(errs, fmt.Errorf("\"retryable_statuses[%d]\" must be an HTTP error status between 400 and 599, got %d", i, status))
		}
	}
	if sig := cfg.Signature.Get(); sig != nil {
		if err := sig.validate(); err != nil {
			errs = append(errs, fmt.Errorf("\"signature\": %w", err))
		}
	}
	if d := cfg.Delivery.Get(); d != nil {
		if err := d.validate(); err != nil {
			errs = append(errs, err)
		}
		if cfg.retryExplicit {
			errs = append(errs, errRetryWithDelivery)
		}
	}
	if cfg.MaxRequestBodySize < 0 {
		errs = append(errs, fmt.Errorf("\"max_request_body_size\" must not be negative (0 means no limit), got %d", cfg.MaxRequestBodySize))
	}
	return errors.Join(errs...)
}

func validateEndpoint(endpoint string) error {
	if endpoint == "" {
		return errors.New(`"endpoint" is required: the absolute http or https URL deliveries are sent to`)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		// The parse error quotes the URL, which may hold credentials.
		return errors.New(`"endpoint" is not a valid URL`)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("\"endpoint\" must be an absolute http or https URL, got %q", redactURL(u))
	}
	return nil
}

// validate checks the signature settings. It is not named Validate so that
// the collector's recursive validation does not report its errors twice.
func (sc *SignatureConfig) validate() error {
	if err := sc.Scheme.Check(); err != nil {
		return fmt.Errorf("\"scheme\": %w", err)
	}
	if sc.Secret == "" {
		return errors.New(`"secret" is required`)
	}
	if _, err := signature.DecodeSecret(sc.Scheme, string(sc.Secret)); err != nil {
		// DecodeSecret's errors never contain the secret.
		return fmt.Errorf("\"secret\": %w", err)
	}
	if sc.Scheme == signature.SchemeStandardWebhooks && (sc.Header != "" || sc.Prefix != "") {
		return errors.New(`"header" and "prefix" apply to scheme hmac_sha256 only; standard_webhooks uses the webhook-* headers`)
	}
	if sc.Header != "" && !httpguts.ValidHeaderFieldName(sc.Header) {
		return fmt.Errorf("\"header\": %q is not a valid header name", sc.Header)
	}
	if !httpguts.ValidHeaderFieldValue(sc.Prefix) {
		return fmt.Errorf("\"prefix\": %q is not valid in a header value", sc.Prefix)
	}
	return nil
}

// redactURL returns u without credentials, query or path tokens, which
// may carry secrets, for errors, logs and the console.
func redactURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User("xxxxx")
	}
	if c.RawQuery != "" {
		c.RawQuery = "xxxxx"
	}
	c.Fragment = ""
	c.RawFragment = ""
	if c.Path != "" {
		segments := strings.Split(c.EscapedPath(), "/")
		redacted := false
		for i, seg := range segments {
			if tokenLike(seg) {
				segments[i], redacted = "xxxxx", true
			}
		}
		if redacted {
			c.RawPath = strings.Join(segments, "/")
			c.Path, _ = url.PathUnescape(c.RawPath)
		}
	}
	return c.String()
}

// tokenLike reports whether a path segment looks like a secret: 16
// characters or more that mix letters with digits, or upper with lower
// case, as the tokens of Slack's and Discord's webhook URLs
// (/services/T…/B…/<token>, /api/webhooks/<id>/<token>) do. Words such as
// "ingest-endpoint-for-traces" are kept.
func tokenLike(seg string) bool {
	if len(seg) < 16 {
		return false
	}
	var digit, upper, lower bool
	for _, r := range seg {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		}
	}
	return (digit && (upper || lower)) || (upper && lower)
}
