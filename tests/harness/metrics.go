package harness

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// ReadMetricsExport reads what a file exporter in a metrics pipeline wrote:
// one OTLP JSON request a line. A line still being written is ignored.
func ReadMetricsExport(t testing.TB, path string) []pmetric.Metrics {
	t.Helper()
	return readExport(t, path, (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics)
}

// WaitForDataPoints waits until the file at path holds at least n data
// points and returns the requests it holds.
func WaitForDataPoints(t testing.TB, path string, n int) []pmetric.Metrics {
	t.Helper()
	var got []pmetric.Metrics
	waitFor(t, "data points", path, n, func() []struct{} {
		got = ReadMetricsExport(t, path)
		count := 0
		for _, md := range got {
			count += md.DataPointCount()
		}
		return make([]struct{}, count)
	})
	return got
}
