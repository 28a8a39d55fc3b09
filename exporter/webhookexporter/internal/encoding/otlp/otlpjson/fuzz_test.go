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
	items := encoding.NewMetrics(md)
	for from := range items.Len() {
		for to := from + 1; to <= items.Len(); to++ {
			want := AppendMetrics(nil, items.Slice(from, to))
			require.Equal(t, string(want), string(AppendDataPoints(nil, md, from, to)), "data points [%d, %d)", from, to)
		}
	}
}
