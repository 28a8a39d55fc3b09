package dedup

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

var receiverID = component.MustNewIDWithName("webhook", "test")

// clock is a settable clock for expiries.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a Deduplicator's surroundings in a test: its telemetry and logs.
type env struct {
	tel  *componenttest.Telemetry
	logs *observer.ObservedLogs
	set  Settings
}

func newEnv(t testing.TB, now func() time.Time) *env {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	core, logs := observer.New(zap.DebugLevel)
	ts := tel.NewTelemetrySettings()
	ts.Logger = zap.New(core)
	tb, err := metadata.NewTelemetryBuilder(ts)
	require.NoError(t, err)
	return &env{tel: tel, logs: logs, set: Settings{ID: receiverID, Telemetry: ts, Metrics: tb, Now: now}}
}

// start builds and starts a Deduplicator that is shut down when the test ends.
func (e *env) start(t testing.TB, cfg Config, host component.Host, adjust ...func(*Deduplicator)) *Deduplicator {
	t.Helper()
	d, err := NewDeduplicator(cfg, e.set)
	require.NoError(t, err)
	for _, a := range adjust {
		a(d)
	}
	if host == nil {
		host = componenttest.NewNopHost()
	}
	require.NoError(t, d.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, d.Shutdown(context.Background())) })
	return d
}

// counter is the value of an int counter for a backend attribute value.
func (e *env) counter(t testing.TB, name, backend string) int64 {
	t.Helper()
	m, err := e.tel.GetMetric(name)
	if err != nil {
		return 0 // nothing recorded yet
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if v, _ := dp.Attributes.Value("backend"); v.AsString() == backend {
			n += dp.Value
		}
	}
	return n
}

func (e *env) hits(t testing.TB, backend string) int64 {
	return e.counter(t, "otelcol_receiver_webhook_dedup_hits", backend)
}

func (e *env) misses(t testing.TB, backend string) int64 {
	return e.counter(t, "otelcol_receiver_webhook_dedup_misses", backend)
}

func (e *env) errors(t testing.TB, backend string) int64 {
	return e.counter(t, "otelcol_receiver_webhook_dedup_errors", backend)
}

// calls is the number of latency observations (backend calls) of a backend.
func (e *env) calls(t testing.TB, backend string) uint64 {
	t.Helper()
	m, err := e.tel.GetMetric("otelcol_receiver_webhook_dedup_latency")
	if err != nil {
		return 0
	}
	var n uint64
	for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
		if v, _ := dp.Attributes.Value("backend"); v.AsString() == backend {
			n += dp.Count
		}
	}
	return n
}

// warnings counts the logged warnings about failed backend calls.
func (e *env) warnings() int {
	return e.logs.FilterMessage("Dedup backend call failed").Len()
}

// spanKeys returns n distinct span keys of the otlp sender, as the receiver
// builds them.
func spanKeys(round, n int) []Key {
	keys := make([]Key, n)
	var tid [16]byte
	var sid [8]byte
	for i := range keys {
		copy(tid[:], fmt.Sprintf("%08x", round))
		copy(sid[:], fmt.Sprintf("%08x", i))
		keys[i] = SpanKey("otlp:s:", tid, sid)
	}
	return keys
}

func states(n int, s State) []State {
	out := make([]State, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func reserve(t testing.TB, d *Deduplicator, keys ...string) []State {
	t.Helper()
	return reserveKeys(t, d, K(keys...)...)
}

func reserveKeys(t testing.TB, d *Deduplicator, keys ...Key) []State {
	t.Helper()
	st, err := d.Reserve(context.Background(), keys, nil)
	require.NoError(t, err)
	require.Len(t, st, len(keys))
	return st
}

// host hands extensions to Start.
type host map[component.ID]component.Component

func (h host) GetExtensions() map[component.ID]component.Component { return h }

// K is the keys of strs, each "<sender>:<kind>:<id>".
func K(strs ...string) []Key {
	keys := make([]Key, len(strs))
	for i, s := range strs {
		keys[i] = ParseKey(s)
	}
	return keys
}
