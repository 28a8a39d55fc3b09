package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/extension"

	"github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension/internal/metadata"
)

// NewFactory returns the factory of the webhook_console extension.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	return &Config{ServerConfig: server, Received: defaultReceivedConfig()}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newConsole(cfg.(*Config), set), nil
}
