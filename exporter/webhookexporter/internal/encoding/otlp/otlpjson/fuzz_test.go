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
// A run of items, written without copying, must be what the whole writer
// writes for a copy of the run.
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

// runs are the runs of n items the checks write: every run of a small
// batch; of a larger one, every single item, prefix and suffix.
func runs(n int) [][2]int {
	var out [][2]int
	for from := range n {
		for to := from + 1; to <= n; to++ {
			if n <= 8 || to == from+1 || from == 0 || to == n {
				out = append(out, [2]int{from, to})
			}
		}
	}
	return out
}

// checkSpanRuns checks AppendSpans against AppendTraces of a copy of the
// run.
func checkSpanRuns(t *testing.T, td ptrace.Traces) {
	items := encoding.NewTraces(td)
	for _, r := range runs(items.Len()) {
		want := AppendTraces(nil, items.Slice(r[0], r[1]))
		require.Equal(t, string(want), string(AppendSpans(nil, td, r[0], r[1])), "spans %v", r)
	}
}

func checkLogRuns(t *testing.T, ld plog.Logs) {
	items := encoding.NewLogs(ld)
	for _, r := range runs(items.Len()) {
		want := AppendLogs(nil, items.Slice(r[0], r[1]))
		require.Equal(t, string(want), string(AppendLogRecords(nil, ld, r[0], r[1])), "log records %v", r)
	}
}

func checkMetricRuns(t *testing.T, md pmetric.Metrics) {
	items := encoding.NewMetrics(md)
	for _, r := range runs(items.Len()) {
		want := AppendMetrics(nil, items.Slice(r[0], r[1]))
		require.Equal(t, string(want), string(AppendDataPoints(nil, md, r[0], r[1])), "data points %v", r)
	}
}
