package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"golang.org/x/net/http/httpguts"

	"github.com/otelcol-webhook/otelcol-webhook/internal/configkeys"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
)

const (
	defaultEndpoint   = "localhost:4319"
	defaultPath       = "/v1/traces"
	defaultLogsPath   = "/v1/logs"
	defaultHealthPath = "/health"
	// defaultOpenRouterEventsPath is where OpenRouter's event webhooks post.
	defaultOpenRouterEventsPath = "/openrouter/events"
	// defaultHeliconePath is where Helicone's webhooks post.
	defaultHeliconePath = "/helicone"
)

// Config defines the configuration of the webhook receiver.
type Config struct {
	// ServerConfig holds the HTTP server settings: endpoint, TLS, auth
	// extensions, compression, max_request_body_size, include_metadata.
	ServerConfig confighttp.ServerConfig `mapstructure:",squash"`

	// Path is the URL path that accepts OTLP traces with POST and PUT.
	Path string `mapstructure:"path"`
	// LogsPath is the URL path that accepts OTLP logs; empty disables it.
	LogsPath string `mapstructure:"logs_path"`
	// HealthPath answers GET with 200 while the receiver runs; empty disables it.
	HealthPath string `mapstructure:"health_path"`

	// Lenient repairs what real senders get wrong instead of refusing it.
	Lenient bool `mapstructure:"lenient"`
	// Semconv adds current OpenTelemetry GenAI attribute names next to the
	// names the sender used.
	Semconv bool `mapstructure:"semconv"`
	// RedactContent drops prompt and completion content attributes.
	RedactContent bool `mapstructure:"redact_content"`

	// RequiredHeaders must be present with exactly these values on every
	// request to the OTLP paths (path and logs_path).
	RequiredHeaders map[string]configopaque.String `mapstructure:"required_headers"`
	// Signature, when set, verifies a signature of the raw body of every
	// request to the OTLP paths.
	Signature configoptional.Optional[SignatureConfig] `mapstructure:"signature"`
	// AllowedSources, when set, admits to the OTLP paths only clients at
	// these addresses or in these CIDRs; any other client gets 403.
	AllowedSources []string `mapstructure:"allowed_sources"`
	// TrustedProxies are the CIDRs (or addresses) of proxies in front of the
	// receiver whose X-Forwarded-For is believed when telling a client's
	// address for allowed_sources. Empty: the peer address is the client.
	TrustedProxies []string `mapstructure:"trusted_proxies"`
	// Dedup drops repeated deliveries, spans and events, for every sender.
	Dedup configoptional.Optional[DedupConfig] `mapstructure:"dedup"`

	// OpenRouterEvents, when set, receives OpenRouter's event webhooks
	// (usage, credit, key and model-status events) as log records.
	OpenRouterEvents configoptional.Optional[SenderConfig] `mapstructure:"openrouter_events"`
	// Helicone, when set, receives Helicone's webhooks (one per LLM request)
	// as GenAI spans.
	Helicone configoptional.Optional[SenderConfig] `mapstructure:"helicone"`
	// LiteLLM, when set, receives the LiteLLM proxy's logging callback as
	// GenAI spans and its alert webhook as log records.
	LiteLLM configoptional.Optional[LiteLLMConfig] `mapstructure:"litellm"`

	// Webhooks are routes for any other webhook sender, by route name: each
	// a path whose deliveries become log records (config_webhooks.go).
	Webhooks map[string]RouteConfig `mapstructure:"webhooks"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// SenderConfig is the section of a sender that has a format of its own: its
// path and its own authentication, which applies to that path only.
type SenderConfig struct {
	// Path is the URL path the sender posts to.
	Path string `mapstructure:"path"`
	// RequiredHeaders must be present with exactly these values.
	RequiredHeaders map[string]configopaque.String `mapstructure:"required_headers"`
	// Signature, when set, verifies the sender's signature of the raw body.
	Signature configoptional.Optional[SignatureConfig] `mapstructure:"signature"`
	// AllowedSources, when set, admits only clients at these addresses or in
	// these CIDRs, such as the sender's published IP ranges.
	AllowedSources []string `mapstructure:"allowed_sources"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// DedupConfig configures dropping of duplicate deliveries, spans and events:
// the backend that keeps the state (memory, storage, redis), the TTL, bounds
// and the failure policy. See the dedup package.
type DedupConfig = dedup.Config

var (
	errPathRequired      = errors.New(`"path" must start with "/"`)
	errLogsPathInvalid   = errors.New(`"logs_path" must start with "/" or be empty`)
	errHealthPathInvalid = errors.New(`"health_path" must start with "/" or be empty`)
)

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
	return conf.Unmarshal((*plain)(cfg))
}

// Validate checks the configuration at start-up.
func (cfg *Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(cfg.Path, "/") {
		errs = append(errs, errPathRequired)
	}
	if cfg.LogsPath != "" && !strings.HasPrefix(cfg.LogsPath, "/") {
		errs = append(errs, errLogsPathInvalid)
	}
	if cfg.HealthPath != "" && !strings.HasPrefix(cfg.HealthPath, "/") {
		errs = append(errs, errHealthPathInvalid)
	}
	errs = append(errs, validateAuth("", cfg.RequiredHeaders, cfg.Signature.Get(), cfg.AllowedSources, signature.Options{})...)
	if _, err := parsePrefixes("trusted_proxies", cfg.TrustedProxies); err != nil {
		errs = append(errs, err)
	}
	for _, s := range cfg.senders() {
		if !strings.HasPrefix(s.cfg.Path, "/") {
			errs = append(errs, fmt.Errorf("%s: \"path\" must start with \"/\"", s.key))
		}
		errs = append(errs, validateAuth(s.key+": ", s.cfg.RequiredHeaders, s.cfg.Signature.Get(), s.cfg.AllowedSources, senderDefaults(s.key, senderSpecs[s.key].header))...)
	}
	errs = append(errs, cfg.validateWebhooks()...)
	errs = append(errs, cfg.validateLiteLLM()...)
	errs = append(errs, cfg.validatePathsDiffer()...)
	if d := cfg.Dedup.Get(); d != nil {
		errs = append(errs, prefixed("dedup: ", d.Check())...)
	}
	return errors.Join(errs...)
}

// configuredSender is a configured sender section and its key.
type configuredSender struct {
	key string
	cfg *SenderConfig
}

// senders returns the configured sender sections, in a fixed order.
func (cfg *Config) senders() []configuredSender {
	var out []configuredSender
	if s := cfg.OpenRouterEvents.Get(); s != nil {
		out = append(out, configuredSender{key: senderOpenRouterEvents, cfg: s})
	}
	if s := cfg.Helicone.Get(); s != nil {
		out = append(out, configuredSender{key: senderHelicone, cfg: s})
	}
	if s := cfg.LiteLLM.Get(); s != nil {
		out = append(out, configuredSender{key: senderLiteLLM, cfg: &s.SenderConfig})
	}
	return out
}

// validatePathsDiffer checks that no two paths are the same: one path, one
// sender and one authentication.
func (cfg *Config) validatePathsDiffer() []error {
	type named struct{ key, path string }
	paths := []named{{"path", cfg.Path}, {"logs_path", cfg.LogsPath}, {"health_path", cfg.HealthPath}}
	for _, s := range cfg.senders() {
		paths = append(paths, named{s.key + "::path", s.cfg.Path})
	}
	for _, name := range cfg.routeNames() {
		paths = append(paths, named{"webhooks::" + name + "::path", cfg.Webhooks[name].Path})
	}
	paths = append(paths, named{"litellm::alerts_path", cfg.liteLLMAlertsPath()})
	var errs []error
	for i, a := range paths {
		for _, b := range paths[:i] {
			if a.path != "" && a.path == b.path {
				errs = append(errs, fmt.Errorf("%q must differ from %q: both are %q", a.key, b.key, a.path))
			}
		}
	}
	return errs
}

// prefixed names the section of each error err joins.
func prefixed(prefix string, err error) []error {
	if err == nil {
		return nil
	}
	list := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		list = joined.Unwrap()
	}
	out := make([]error, len(list))
	for i, e := range list {
		out[i] = fmt.Errorf("%s%w", prefix, e)
	}
	return out
}

// validateAuth checks required headers, a signature (over the
// sender's defaults base) and allowed sources; prefix names the section they are in.
func validateAuth(prefix string, required map[string]configopaque.String, sig *SignatureConfig, sources []string, base signature.Options) []error {
	var errs []error
	if _, err := parsePrefixes("allowed_sources", sources); err != nil {
		errs = append(errs, fmt.Errorf("%s%w", prefix, err))
	}
	for name, value := range required {
		if !httpguts.ValidHeaderFieldName(name) {
			errs = append(errs, fmt.Errorf("%srequired_headers: %q is not a valid header name", prefix, name))
		}
		if value == "" {
			errs = append(errs, fmt.Errorf("%srequired_headers: value of %q is empty", prefix, name))
		}
	}
	if sig != nil {
		for _, err := range sig.validate(base) {
			errs = append(errs, fmt.Errorf("%ssignature: %w", prefix, err))
		}
	}
	return errs
}
