package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// lifecycleGuard wraps the exporterhelper exporter so that Start and
// Shutdown are safe to call twice (exporterhelper's retry sender panics on a
// second Shutdown), and redacts content before the data reaches the queue, so
// that a persistent queue never stores prompts or completions.
type lifecycleGuard struct {
	exporter.Traces
	redact bool

	mu       sync.Mutex
	started  bool
	shutdown bool
}

func newLifecycleGuard(inner exporter.Traces, redact bool) *lifecycleGuard {
	return &lifecycleGuard{Traces: inner, redact: redact}
}

// Start starts the exporter once; later calls, and calls after Shutdown, do
// nothing.
func (g *lifecycleGuard) Start(ctx context.Context, host component.Host) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started || g.shutdown {
		return nil
	}
	if err := g.Traces.Start(ctx, host); err != nil {
		return err
	}
	g.started = true
	return nil
}

// Shutdown stops the exporter once; it is safe before Start and when called
// twice.
func (g *lifecycleGuard) Shutdown(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shutdown {
		return nil
	}
	g.shutdown = true
	return g.Traces.Shutdown(ctx)
}

// Capabilities reports MutatesData when redaction is on, so the pipeline
// hands over data this exporter may change.
func (g *lifecycleGuard) Capabilities() consumer.Capabilities {
	c := g.Traces.Capabilities()
	c.MutatesData = c.MutatesData || g.redact
	return c
}

// ConsumeTraces redacts content, if configured, then queues or sends td.
func (g *lifecycleGuard) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	if g.redact {
		genai.RedactTraces(td)
	}
	return g.Traces.ConsumeTraces(ctx, td)
}
