package tmpl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"
)

// goldenMetrics are the ndjson golden input: data points of every type,
// from LLM metrics to a summary with a NaN quantile.
func goldenMetrics(t *testing.T) *encoding.Metrics {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "ndjson", "testdata", "metrics.json"))
	require.NoError(t, err)
	md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(raw)
	require.NoError(t, err)
	return encoding.NewMetrics(md)
}

func TestPerItemDataPointFields(t *testing.T) {
	const body = `{{.Name}}|{{.Type}}|{{.Temporality}}|{{.Monotonic}}|{{.Unit}}|{{.ServiceName}}|{{resource "deployment.environment.name"}}|` +
		`{{attr "gen_ai.request.model"}}|{{.Time.Unix}}|{{.StartTime.IsZero}}|{{.Value}}|{{.Count}}|{{.Sum}}|{{.Min}}|{{.Max}}|` +
		`{{.BucketCounts}}|{{.ExplicitBounds}}|{{.Scale}}|{{.Positive.Offset}}|{{.Positive.BucketCounts}}|{{.Negative.BucketCounts}}|` +
		`{{.Quantiles}}|{{.QuantileValues}}|{{len .Exemplars}}|{{.NoRecordedValue}}`
	b := newEncoder(t, body, PerItem, "text/plain").Metrics(goldenMetrics(t))
	tests := []struct {
		point int
		want  string
	}{
		{0, "gen_ai.client.token.usage|histogram|delta|false|{token}|llm-gateway|production|openai/gpt-4o|1772600827|false|<no value>|2|1300|100|1200|[0 1 0 1 0]|[64 256 1024 4096]|0|0|[]|[]|[]|[]|1|false"},
		{2, "gen_ai.client.operation.duration|histogram|cumulative|false|s|llm-gateway|production|anthropic/claude-3.5-sonnet|1772600827|false|<no value>|3|<no value>|<no value>|<no value>|[0 2 1]|[0.5 2.5]|0|0|[]|[]|[]|[]|0|false"},
		{3, "gen_ai.client.cost|sum|delta|true|USD|llm-gateway|production|openai/gpt-4o|1772600827|false|0.000671|0|<no value>|<no value>|<no value>|[]|[]|0|0|[]|[]|[]|[]|0|false"},
		{4, "gen_ai.client.calls|sum|cumulative|true|{call}|llm-gateway|production|openai/gpt-4o|1772600827|false|3|0|<no value>|<no value>|<no value>|[]|[]|0|0|[]|[]|[]|[]|1|false"},
		{5, "queue.size|gauge||false|{request}|llm-gateway|production||1772600827|true|-2|0|<no value>|<no value>|<no value>|[]|[]|0|0|[]|[]|[]|[]|0|false"},
		{7, "queue.size|gauge||false|{request}|llm-gateway|production||1772600829|true|NaN|0|<no value>|<no value>|<no value>|[]|[]|0|0|[]|[]|[]|[]|0|true"},
		{8, "request.body.size|exponential_histogram|delta|false|By|llm-gateway|production||1772600827|false|<no value>|9|4321.5|-3|2048|[]|[]|3|-2|[1 0 3 2]|[2]|[]|[]|1|false"},
		{9, "rpc.latency|summary||false|ms|llm-gateway|production||1772600827|false|<no value>|12|340.5|<no value>|<no value>|[]|[]|0|0|[]|[]|[0.5 0.99]|[21 NaN]|0|false"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, render(t, b, tt.point, tt.point+1), "point %d", tt.point)
	}
}

// {{json .}} of a data point has the keys and values of its ndjson row;
// only the times are written as Go writes them.
func TestDataPointJSONIsItsRow(t *testing.T) {
	items := goldenMetrics(t)
	rowsBody, err := ndjson.New(ndjson.Config{}).Metrics(items).Encode(0, items.Len())
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSuffix(string(rowsBody), "\n"), "\n")
	require.Len(t, rows, items.Len())
	b := newEncoder(t, `{{json .}}`, PerItem, "").Metrics(items)
	for i, line := range rows {
		var row, got map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &row))
		require.NoError(t, json.Unmarshal([]byte(render(t, b, i, i+1)), &got))
		requireSameInstant(t, row["time"], got["time"])
		if row["start_time"] == nil {
			assert.Equal(t, "0001-01-01T00:00:00Z", got["start_time"], "point %d: the zero time", i)
		} else {
			requireSameInstant(t, row["start_time"], got["start_time"])
		}
		if exemplars, ok := row["exemplars"].([]any); ok {
			for k, ex := range exemplars {
				gotEx := got["exemplars"].([]any)[k].(map[string]any)
				requireSameInstant(t, ex.(map[string]any)["time"], gotEx["time"])
				delete(ex.(map[string]any), "time")
				delete(gotEx, "time")
			}
		}
		for _, k := range []string{"time", "start_time"} {
			delete(row, k)
			delete(got, k)
		}
		assert.Equal(t, row, got, "point %d", i)
	}
}

func requireSameInstant(t *testing.T, want, got any) {
	t.Helper()
	w, err := time.Parse(time.RFC3339Nano, want.(string))
	require.NoError(t, err)
	g, err := time.Parse(time.RFC3339Nano, got.(string))
	require.NoError(t, err)
	require.True(t, w.Equal(g), "%v is %v", got, want)
}

func TestPerRequestRendersDataPoints(t *testing.T) {
	const body = `[{{range $i, $p := .}}{{if $i}},{{end}}{"metric": {{json $p.Name}}, "model": {{json (attr "gen_ai.request.model" $p)}}, "count": {{$p.Count}}}{{end}}]`
	b := newEncoder(t, body, PerRequest, "").Metrics(goldenMetrics(t))
	assert.JSONEq(t, `[{"metric":"gen_ai.client.token.usage","model":"openai/gpt-4o","count":2},{"metric":"gen_ai.client.operation.duration","model":"anthropic/claude-3.5-sonnet","count":3}]`,
		render(t, b, 1, 3))
}
