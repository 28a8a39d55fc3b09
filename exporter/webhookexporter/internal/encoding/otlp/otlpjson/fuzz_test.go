package otlpjson

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// FuzzRoundTrip builds traces, logs and metrics from the fuzz bytes, writes
// them and reads them back with pdata's JSON unmarshaler: the result must
// be the data written (invalid UTF-8 replaced), and the bytes what pdata's
// marshaler writes when no string holds invalid UTF-8, U+2028 or U+2029.
// Every run of items, written without copying, must be what the whole
// writer writes for a copy of the run.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	f.Add(all)
	rng := rand.New(rand.NewPCG(19, 2))
	for range 8 {
		b := make([]byte, 64+rng.IntN(2048))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		raw, clean := newGen(data, true), newGen(data, false)
		td := raw.traces()
		checkRoundTrip(t, tracesCodec, td, clean.traces(), raw.exact)
		checkSpanRuns(t, td)

		raw, clean = newGen(data, true), newGen(data, false)
		ld := raw.logs()
		checkRoundTrip(t, logsCodec, ld, clean.logs(), raw.exact)
		checkLogRuns(t, ld)

		raw, clean = newGen(data, true), newGen(data, false)
		md := raw.metrics()
		checkRoundTrip(t, metricsCodec, md, clean.metrics(), raw.exact)
		checkMetricRuns(t, md)
	})
}

// checkSpanRuns checks AppendSpans against AppendTraces of a copy, for
// every run of the batch.
func checkSpanRuns(t *testing.T, td ptrace.Traces) {
	items := encoding.NewTraces(td)
	for from := range items.Len() {
		for to := from + 1; to <= items.Len(); to++ {
			want := AppendTraces(nil, items.Slice(from, to))
			require.Equal(t, string(want), string(AppendSpans(nil, td, from, to)), "spans [%d, %d)", from, to)
		}
	}
}

func checkLogRuns(t *testing.T, ld plog.Logs) {
	items := encoding.NewLogs(ld)
	for from := range items.Len() {
		for to := from + 1; to <= items.Len(); to++ {
			want := AppendLogs(nil, items.Slice(from, to))
			require.Equal(t, string(want), string(AppendLogRecords(nil, ld, from, to)), "log records [%d, %d)", from, to)
		}
	}
}

func checkMetricRuns(t *testing.T, md pmetric.Metrics) {
	n := 0
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			n += sm.Metrics().Len()
		}
	}
	for from := range n {
		for to := from + 1; to <= n; to++ {
			want := AppendMetrics(nil, sliceMetrics(md, from, to))
			require.Equal(t, string(want), string(AppendMetricRange(nil, md, from, to)), "metrics [%d, %d)", from, to)
		}
	}
}

// sliceMetrics copies metrics [from, to) of md under copies of their
// resources and scopes, as encoding.Traces.Slice copies spans.
func sliceMetrics(md pmetric.Metrics, from, to int) pmetric.Metrics {
	out := pmetric.NewMetrics()
	pos := 0
	for _, rm := range md.ResourceMetrics().All() {
		var rmOut pmetric.ResourceMetrics
		opened := false
		for _, sm := range rm.ScopeMetrics().All() {
			var smOut pmetric.ScopeMetrics
			scopeOpened := false
			for _, m := range sm.Metrics().All() {
				if pos >= from && pos < to {
					if !opened {
						rmOut = out.ResourceMetrics().AppendEmpty()
						rm.Resource().CopyTo(rmOut.Resource())
						rmOut.SetSchemaUrl(rm.SchemaUrl())
						opened = true
					}
					if !scopeOpened {
						smOut = rmOut.ScopeMetrics().AppendEmpty()
						scopeOpened = true
						sm.Scope().CopyTo(smOut.Scope())
						smOut.SetSchemaUrl(sm.SchemaUrl())
					}
					m.CopyTo(smOut.Metrics().AppendEmpty())
				}
				pos++
			}
		}
	}
	return out
}
