package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"context"
	"net/http"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/tmpl"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadata"
)

const (
	defaultTimeout = 30 * time.Second
	// compressionNone is configcompression's "none", which it does not export.
	compressionNone configcompression.Type = "none"
	// defaultMaxIdleConnsPerHost keeps as many connections to the endpoint
	// as requests went to it at once (up to confighttp's max_idle_conns):
	// with Go's default of 2, every burst of the sending queue's 10
	// consumers closed all but 2 connections and opened them again, a TCP
	// (and TLS) handshake per request or so.
	defaultMaxIdleConnsPerHost = 100
)

// defaultRetryableStatuses are the statuses OTLP/HTTP retries.
func defaultRetryableStatuses() []int {
	return []int{
		http.StatusTooManyRequests,
		http.StatusBadGateway,
		http.StatusServiceUnavailable,
		http.StatusGatewayTimeout,
	}
}

// NewFactory returns the factory of the webhook exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithTraces(createTraces, metadata.TracesStability),
		exporter.WithLogs(createLogs, metadata.LogsStability),
		exporter.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

func createDefaultConfig() component.Config {
	client := confighttp.NewDefaultClientConfig()
	client.Timeout = defaultTimeout
	client.Compression = compressionNone
	keepalive := confighttp.NewDefaultKeepaliveClientConfig()
	keepalive.MaxIdleConnsPerHost = defaultMaxIdleConnsPerHost
	client.Keepalive = configoptional.Some(keepalive)
	return &Config{
		ClientConfig:      client,
		QueueConfig:       configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
		RetryConfig:       configretry.NewDefaultBackOffConfig(),
		Method:            MethodPost,
		Encoding:          EncodingJSON,
		NDJSON:            configoptional.Default(NDJSONConfig{}),
		Template:          configoptional.Default(TemplateConfig{ContentType: tmpl.DefaultContentType}),
		RetryableStatuses: defaultRetryableStatuses(),
		Signature:         configoptional.Default(SignatureConfig{}),
		TestConnection:    configoptional.Default(TestConnectionConfig{FailOnError: true}),
		Delivery:          configoptional.Default(defaultDeliveryConfig()),
	}
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	c := cfg.(*Config)
	e, err := newWebhookExporter(c, set)
	if err != nil {
		return nil, err
	}
	e.signal = "traces"
	inner, err := exporterhelper.NewTraces(ctx, set, cfg, e.pushTraces, helperOptions(c, e)...)
	if err != nil {
		e.telemetry.Shutdown()
		return nil, err
	}
	return newTracesExporter(inner, c.RedactContent), nil
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	e, err := newWebhookExporter(c, set)
	if err != nil {
		return nil, err
	}
	e.signal = "logs"
	inner, err := exporterhelper.NewLogs(ctx, set, cfg, e.pushLogs, helperOptions(c, e)...)
	if err != nil {
		e.telemetry.Shutdown()
		return nil, err
	}
	return newLogsExporter(inner, c.RedactContent), nil
}

func createMetrics(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	c := cfg.(*Config)
	e, err := newWebhookExporter(c, set)
	if err != nil {
		return nil, err
	}
	e.signal = "metrics"
	inner, err := exporterhelper.NewMetrics(ctx, set, cfg, e.pushMetrics, helperOptions(c, e)...)
	if err != nil {
		e.telemetry.Shutdown()
		return nil, err
	}
	return newMetricsExporter(inner, c.RedactContent), nil
}

// helperOptions are the exporterhelper settings of every signal.
func helperOptions(c *Config, e *webhookExporter) []exporterhelper.Option {
	return []exporterhelper.Option{
		exporterhelper.WithStart(e.start),
		exporterhelper.WithShutdown(e.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: c.RedactContent}),
		// The HTTP client's timeout bounds each request; exporterhelper's
		// would bound all the requests of a split batch together.
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
		exporterhelper.WithRetry(retryConfig(c)),
		exporterhelper.WithQueue(c.QueueConfig),
	}
}

// retryConfig is retry_on_failure, off in delivery mode: the delivery
// schedule retries outside the sending queue instead.
func retryConfig(c *Config) configretry.BackOffConfig {
	retry := c.RetryConfig
	if c.Delivery.HasValue() {
		retry.Enabled = false
	}
	return retry
}
