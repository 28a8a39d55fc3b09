package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

// NewFactory returns the factory of the webhook receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithTraces(createTraces, metadata.TracesStability),
	)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	return &Config{
		ServerConfig: server,
		Path:         defaultPath,
		HealthPath:   defaultHealthPath,
		Lenient:      true,
		Signature:    configoptional.Default(SignatureConfig{Tolerance: signature.DefaultTolerance}),
		Dedup: configoptional.Some(DedupConfig{
			TTL:        defaultDedupTTL,
			MaxEntries: defaultDedupMaxEntries,
		}),
	}
}

func createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	return newReceiver(cfg.(*Config), set, next)
}
