package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

// source is the value of the metrics' backend attribute.
type source uint8

const (
	srcMemory source = iota
	srcStorage
	srcRedis
	srcLocal // the in-process cache in front of storage or redis
	numSources
)

var sourceNames = [numSources]string{"memory", "storage", "redis", "local"}

func sourceOf(b Backend) source {
	switch b {
	case BackendStorage:
		return srcStorage
	case BackendRedis:
		return srcRedis
	default:
		return srcMemory
	}
}

// telemetry records the dedup metrics. The option slices are built once:
// passing a new one to every call would allocate on the hot path.
type telemetry struct {
	tb     *metadata.TelemetryBuilder
	add    [numSources][]metric.AddOption
	record [numSources][]metric.RecordOption
}

func newTelemetry(tb *metadata.TelemetryBuilder) *telemetry {
	t := &telemetry{tb: tb}
	for i, name := range sourceNames {
		attrs := metric.WithAttributeSet(attribute.NewSet(attribute.String("backend", name)))
		t.add[i] = []metric.AddOption{attrs}
		t.record[i] = []metric.RecordOption{attrs}
	}
	return t
}

func (t *telemetry) hits(ctx context.Context, s source, n int) {
	if n > 0 {
		t.tb.ReceiverWebhookDedupHits.Add(ctx, int64(n), t.add[s]...)
	}
}

func (t *telemetry) misses(ctx context.Context, s source, n int) {
	if n > 0 {
		t.tb.ReceiverWebhookDedupMisses.Add(ctx, int64(n), t.add[s]...)
	}
}

func (t *telemetry) failed(ctx context.Context, s source) {
	t.tb.ReceiverWebhookDedupErrors.Add(ctx, 1, t.add[s]...)
}

// latency records the duration of a backend call that began at start.
func (t *telemetry) latency(ctx context.Context, s source, start time.Time) {
	t.tb.ReceiverWebhookDedupLatency.Record(ctx, time.Since(start).Seconds(), t.record[s]...)
}

// warnEvery is the least time between two warnings of failed backend calls:
// a backend that is down fails every request, and one line a request would
// flood the log.
const warnEvery = time.Minute

// warner logs at most one warning a minute and counts the ones it held back.
type warner struct {
	log *zap.Logger
	now func() time.Time

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (w *warner) warn(msg string, fields ...zap.Field) {
	now := w.now()
	w.mu.Lock()
	if !w.last.IsZero() && now.Sub(w.last) < warnEvery {
		w.suppressed++
		w.mu.Unlock()
		return
	}
	suppressed := w.suppressed
	w.last, w.suppressed = now, 0
	w.mu.Unlock()
	w.log.Warn(msg, append(fields, zap.Int("suppressed_since_last_warning", suppressed))...)
}
