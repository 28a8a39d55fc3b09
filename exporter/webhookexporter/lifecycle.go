package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// helperExporter is what exporterhelper builds for every signal.
type helperExporter interface {
	component.Component
	Capabilities() consumer.Capabilities
}

// lifecycleGuard wraps the exporterhelper exporter so that Start and
// Shutdown are safe to call twice (exporterhelper's retry sender panics on a
// second Shutdown), and tells the pipeline that the data is changed when
// content is redacted.
type lifecycleGuard[E helperExporter] struct {
	inner  E
	redact bool

	mu       sync.Mutex
	started  bool
	shutdown bool
}

// Start starts the exporter once; later calls, and calls after Shutdown, do
// nothing.
func (g *lifecycleGuard[E]) Start(ctx context.Context, host component.Host) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started || g.shutdown {
		return nil
	}
	if err := g.inner.Start(ctx, host); err != nil {
		return err
	}
	g.started = true
	return nil
}

// Shutdown stops the exporter once; it is safe before Start and when called
// twice.
func (g *lifecycleGuard[E]) Shutdown(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shutdown {
		return nil
	}
	g.shutdown = true
	return g.inner.Shutdown(ctx)
}

// Capabilities reports MutatesData when redaction is on, so the pipeline
// hands over data this exporter may change.
func (g *lifecycleGuard[E]) Capabilities() consumer.Capabilities {
	c := g.inner.Capabilities()
	c.MutatesData = c.MutatesData || g.redact
	return c
}

// tracesExporter redacts content, if configured, before the spans reach the
// queue, so that a persistent queue never stores prompts or completions.
type tracesExporter struct {
	*lifecycleGuard[exporter.Traces]
}

func newTracesExporter(inner exporter.Traces, redact bool) *tracesExporter {
	return &tracesExporter{&lifecycleGuard[exporter.Traces]{inner: inner, redact: redact}}
}

// ConsumeTraces redacts content, if configured, then queues or sends td.
func (t *tracesExporter) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	if t.redact {
		genai.RedactTraces(td)
	}
	return t.inner.ConsumeTraces(ctx, td)
}

// logsExporter is tracesExporter for log records.
type logsExporter struct {
	*lifecycleGuard[exporter.Logs]
}

func newLogsExporter(inner exporter.Logs, redact bool) *logsExporter {
	return &logsExporter{&lifecycleGuard[exporter.Logs]{inner: inner, redact: redact}}
}

// ConsumeLogs redacts content, if configured, then queues or sends ld.
func (l *logsExporter) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if l.redact {
		genai.RedactLogs(ld)
	}
	return l.inner.ConsumeLogs(ctx, ld)
}

// metricsExporter is tracesExporter for metrics.
type metricsExporter struct {
	*lifecycleGuard[exporter.Metrics]
}

func newMetricsExporter(inner exporter.Metrics, redact bool) *metricsExporter {
	return &metricsExporter{&lifecycleGuard[exporter.Metrics]{inner: inner, redact: redact}}
}

// ConsumeMetrics redacts content, if configured, then queues or sends md.
func (m *metricsExporter) ConsumeMetrics(ctx context.Context, md pmetric.Metrics) error {
	if m.redact {
		redactMetrics(md)
	}
	return m.inner.ConsumeMetrics(ctx, md)
}
