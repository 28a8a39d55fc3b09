package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

// NewFactory returns the factory of the webhook receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithTraces(createTraces, metadata.TracesStability),
		receiver.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	return &Config{
		ServerConfig:     server,
		Path:             defaultPath,
		LogsPath:         defaultLogsPath,
		HealthPath:       defaultHealthPath,
		Lenient:          true,
		Signature:        configoptional.Default(SignatureConfig{Tolerance: signature.DefaultTolerance}),
		Dedup:            configoptional.Some(dedup.NewDefaultConfig()),
		OpenRouterEvents: configoptional.Default(defaultSenderConfig(defaultOpenRouterEventsPath, signature.SchemeOpenRouter)),
		Helicone:         configoptional.Default(defaultSenderConfig(defaultHeliconePath, signature.SchemeHMACSHA256)),
		LiteLLM:          configoptional.Default(defaultLiteLLMConfig()),
	}
}

// defaultSenderConfig is a sender section as it is when only named: its
// path, and a signature of scheme once secrets are given.
func defaultSenderConfig(path string, scheme signature.Scheme) SenderConfig {
	return SenderConfig{
		Path: path,
		Signature: configoptional.Default(SignatureConfig{
			Scheme:    scheme,
			Tolerance: signature.DefaultTolerance,
		}),
	}
}

// shared returns the receiver of cfg, shared by the pipelines that use it.
func shared(cfg component.Config, set receiver.Settings) (*sharedReceiver, error) {
	c := cfg.(*Config)
	return receivers.loadOrStore(c, func() (*webhookReceiver, error) {
		return newReceiver(c, set)
	})
}

func createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	r, err := shared(cfg, set)
	if err != nil {
		return nil, err
	}
	r.nextTraces = next
	return r, nil
}

func createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	r, err := shared(cfg, set)
	if err != nil {
		return nil, err
	}
	r.nextLogs = next
	return r, nil
}
