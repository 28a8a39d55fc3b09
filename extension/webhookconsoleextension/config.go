package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/configkeys"
)

// defaultEndpoint listens on loopback only: the console replays and deletes
// deliveries, so exposing it is a decision made in the configuration.
const defaultEndpoint = "localhost:13134"

// Config is the configuration of the webhook_console extension.
type Config struct {
	// ServerConfig holds the HTTP server settings: endpoint, TLS, auth and
	// the other confighttp server keys. A named field, not embedded, so
	// that its Unmarshal method is not promoted to Config.
	ServerConfig confighttp.ServerConfig `mapstructure:",squash"`

	// Received configures what the console keeps of the requests the
	// webhook receivers answered (received.go).
	Received ReceivedConfig `mapstructure:"received"`

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
	type plain Config
	return conf.Unmarshal((*plain)(cfg))
}

// Validate checks the configuration; confighttp validates its own keys.
func (cfg *Config) Validate() error {
	if cfg.ServerConfig.NetAddr.Endpoint == "" {
		return errors.New(`"endpoint" is required: the host:port the console listens on`)
	}
	return cfg.Received.validate()
}
