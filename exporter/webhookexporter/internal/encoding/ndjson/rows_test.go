package ndjson

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// Any run of rows is the rows of its items, one a line, whatever was
// encoded before it; batches split on row boundaries.
func TestRunsAreRowsOfTheirItems(t *testing.T) {
	raw := encodeInput(t, "spans", Config{})
	rows := requireRows(t, raw)
	require.Len(t, rows, 3)

	td := ptrace.NewTraces()
	require.NoError(t, td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes().FromRaw(map[string]any{"k": "v"}))
	for range 4 {
		sp := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
		sp.At(0).CopyTo(sp.AppendEmpty())
	}
	items := encoding.NewTraces(td)
	enc := New(Config{})
	single := make([]string, items.Len())
	for i := range single {
		b, err := enc.Traces(items).Encode(i, i+1)
		require.NoError(t, err)
		single[i] = string(b)
	}
	batch := enc.Traces(items)
	for _, run := range [][2]int{{2, 4}, {0, 1}, {0, 5}, {4, 5}, {1, 3}} {
		b, err := batch.Encode(run[0], run[1])
		require.NoError(t, err)
		want := ""
		for i := run[0]; i < run[1]; i++ {
			want += single[i]
		}
		assert.Equal(t, want, string(b), "run %v", run)
		// Appending to a body never writes over the next row.
		_ = append(b, "garbage"...)
	}
	whole, err := batch.Encode(0, 5)
	require.NoError(t, err)
	assert.NotContains(t, string(whole), "garbage")
}

func TestEncoderContract(t *testing.T) {
	enc := New(Config{})
	assert.Equal(t, "application/x-ndjson", enc.ContentType())
	assert.False(t, enc.PerItem())
	assert.Empty(t, enc.TestBody(), "the test payload has no rows")
	b, err := enc.Logs(encoding.NewLogs(plog.NewLogs())).Encode(0, 0)
	require.NoError(t, err)
	assert.Empty(t, b)
	b, err = enc.Metrics(encoding.NewMetrics(pmetric.NewMetrics())).Encode(0, 0)
	require.NoError(t, err)
	assert.Empty(t, b)
}

// Every key of a data point row is one of metricFields, which the
// flattener keeps free, and each type has its own value keys.
func TestMetricRowKeysAreFixedFields(t *testing.T) {
	common := []string{"name", "description", "unit", "type", "temporality", "monotonic",
		"start_time", "time", "start_time_unix_nano", "time_unix_nano", "no_recorded_value",
		"service_name", "scope_name", "resource", "attributes"}
	counts := []string{"count", "sum", "min", "max"}
	byType := map[string][]string{
		"gauge":     {"value", "exemplars"},
		"sum":       {"value", "exemplars"},
		"histogram": append([]string{"bucket_counts", "explicit_bounds", "exemplars"}, counts...),
		"exponential_histogram": append([]string{"scale", "zero_count", "zero_threshold", "positive_offset",
			"positive_bucket_counts", "negative_offset", "negative_bucket_counts", "exemplars"}, counts...),
		"summary": {"count", "sum", "quantiles", "quantile_values"},
	}
	seen := map[string]bool{}
	for _, row := range requireRows(t, encodeInput(t, "metrics", Config{})) {
		typ := row["type"].(string)
		seen[typ] = true
		var keys []string
		for k := range row {
			keys = append(keys, k)
			assert.Contains(t, metricFields, k)
		}
		assert.ElementsMatch(t, append(append([]string{}, common...), byType[typ]...), keys, "a %s row", typ)
	}
	assert.Len(t, seen, len(byType), "the golden input has every type")
}
