package e2e

// A collector with the webhook exporter fills a real ClickHouse table with
// metric data points of every type: examples/metrics-to-clickhouse.yaml and
// its table (examples/metrics-to-clickhouse.sql), run as they are but for
// the addresses, against Debian's clickhouse-server started by the test.

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// clickhouseMetricsTime is the time of every data point of
// clickhouseMetrics, which started a minute before.
var clickhouseMetricsTime = time.Date(2026, 3, 4, 5, 7, 7, 250_000_000, time.UTC)

// clickhouseMetrics are GenAI client metrics of one minute, as a
// signaltometrics connector makes them from LLM spans, and one metric of
// each other type: every type of data point, optional fields set and not,
// a NaN quantile.
func clickhouseMetrics() pmetric.Metrics {
	end := pcommon.NewTimestampFromTime(clickhouseMetricsTime)
	start := pcommon.NewTimestampFromTime(clickhouseMetricsTime.Add(-time.Minute))
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "llm-gateway")
	rm.Resource().Attributes().PutStr("deployment.environment.name", "production")
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("signaltometrics")

	tokens := sm.Metrics().AppendEmpty()
	tokens.SetName("gen_ai.client.token.usage")
	tokens.SetUnit("{token}")
	th := tokens.SetEmptyHistogram()
	th.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	for _, tc := range []struct {
		typ           string
		sum, min, max float64
		buckets       []uint64
	}{{"input", 1300, 100, 1200, []uint64{0, 1, 1}}, {"output", 392, 42, 350, []uint64{1, 1, 0}}} {
		p := th.DataPoints().AppendEmpty()
		p.SetStartTimestamp(start)
		p.SetTimestamp(end)
		p.Attributes().PutStr("gen_ai.request.model", "openai/gpt-4o")
		p.Attributes().PutStr("gen_ai.provider.name", "openai")
		p.Attributes().PutStr("gen_ai.token.type", tc.typ)
		p.SetCount(2)
		p.SetSum(tc.sum)
		p.SetMin(tc.min)
		p.SetMax(tc.max)
		p.BucketCounts().FromRaw(tc.buckets)
		p.ExplicitBounds().FromRaw([]float64{64, 1024})
	}

	duration := sm.Metrics().AppendEmpty()
	duration.SetName("gen_ai.client.operation.duration")
	duration.SetUnit("s")
	dh := duration.SetEmptyHistogram()
	dh.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp := dh.DataPoints().AppendEmpty()
	dp.SetStartTimestamp(start)
	dp.SetTimestamp(end)
	dp.Attributes().PutStr("gen_ai.request.model", "anthropic/claude-3.5-sonnet")
	dp.Attributes().PutStr("gen_ai.operation.name", "chat")
	dp.SetCount(3) // no sum, min or max
	dp.BucketCounts().FromRaw([]uint64{0, 2, 1})
	dp.ExplicitBounds().FromRaw([]float64{0.5, 2.5})

	cost := sm.Metrics().AppendEmpty()
	cost.SetName("gen_ai.client.cost")
	cost.SetUnit("USD")
	cs := cost.SetEmptySum()
	cs.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	cs.SetIsMonotonic(true)
	cp := cs.DataPoints().AppendEmpty()
	cp.SetStartTimestamp(start)
	cp.SetTimestamp(end)
	cp.SetDoubleValue(0.001342)
	cp.Attributes().PutStr("gen_ai.request.model", "openai/gpt-4o")

	calls := sm.Metrics().AppendEmpty()
	calls.SetName("gen_ai.client.calls")
	ks := calls.SetEmptySum()
	ks.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	ks.SetIsMonotonic(true)
	kp := ks.DataPoints().AppendEmpty()
	kp.SetStartTimestamp(start)
	kp.SetTimestamp(end)
	kp.SetIntValue(2)
	kp.Attributes().PutStr("gen_ai.request.model", "openai/gpt-4o")

	other := rm.ScopeMetrics().AppendEmpty()
	other.Scope().SetName("otelcol/webhook")
	queue := other.Metrics().AppendEmpty()
	queue.SetName("queue.size")
	qp := queue.SetEmptyGauge().DataPoints().AppendEmpty()
	qp.SetTimestamp(end) // a gauge without a start time
	qp.SetIntValue(-2)

	size := other.Metrics().AppendEmpty()
	size.SetName("request.body.size")
	size.SetUnit("By")
	eh := size.SetEmptyExponentialHistogram()
	eh.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	ep := eh.DataPoints().AppendEmpty()
	ep.SetStartTimestamp(start)
	ep.SetTimestamp(end)
	ep.SetCount(9)
	ep.SetSum(4321.5)
	ep.SetMin(-3)
	ep.SetMax(2048)
	ep.SetScale(3)
	ep.SetZeroCount(1)
	ep.SetZeroThreshold(0.001)
	ep.Positive().SetOffset(-2)
	ep.Positive().BucketCounts().FromRaw([]uint64{1, 0, 3, 2})
	ep.Negative().SetOffset(4)
	ep.Negative().BucketCounts().FromRaw([]uint64{2})

	latency := other.Metrics().AppendEmpty()
	latency.SetName("rpc.latency")
	latency.SetUnit("ms")
	sp := latency.SetEmptySummary().DataPoints().AppendEmpty()
	sp.SetStartTimestamp(start)
	sp.SetTimestamp(end)
	sp.SetCount(12)
	sp.SetSum(340.5)
	for _, q := range [][2]float64{{0.5, 21}, {0.99, math.NaN()}} {
		qv := sp.QuantileValues().AppendEmpty()
		qv.SetQuantile(q[0])
		qv.SetValue(q[1])
	}
	return md
}

// clickhouseMetricsSelect reads back what every row has, then the value
// columns; a NaN is written as text, which JSON numbers cannot carry.
const (
	clickhouseMetricsCommon = "SELECT name, unit, type, temporality, monotonic, toString(start_time, 'UTC') AS start, " +
		"toString(time, 'UTC') AS time, time_unix_nano, no_recorded_value, service_name, scope_name, " +
		"`resource.deployment.environment.name` AS environment, `gen_ai.request.model` AS model, " +
		"`gen_ai.provider.name` AS provider, `gen_ai.token.type` AS token_type, `gen_ai.operation.name` AS operation " +
		"FROM otel_metrics ORDER BY name, token_type FORMAT JSONEachRow"
	clickhouseMetricsValues = "SELECT name, value, count, sum, min, max, bucket_counts, explicit_bounds, scale, zero_count, " +
		"zero_threshold, positive_offset, positive_bucket_counts, negative_offset, negative_bucket_counts, quantiles, " +
		"arrayMap(x -> toString(x), quantile_values) AS quantile_values FROM otel_metrics ORDER BY name, `gen_ai.token.type` FORMAT JSONEachRow"
)

// clickhouseRequireRows requires the JSON lines of out to be want, line by
// line.
func clickhouseRequireRows(t *testing.T, want []string, out string) {
	t.Helper()
	got := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, got, len(want), out)
	for i := range want {
		assert.JSONEq(t, want[i], got[i], "row %d", i)
	}
}

func TestClickHouseMetricsExampleFillsTheTableWithEveryType(t *testing.T) {
	ch := harness.StartClickHouse(t)
	ch.Exec(t, string(harness.ReadRepoFile(t, "examples/metrics-to-clickhouse.sql")))

	grpcPort, httpPort := harness.FreePort(t), harness.FreePort(t)
	conf := exampleLoad(t, "examples/metrics-to-clickhouse.yaml")
	exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", grpcPort), "receivers", "otlp", "protocols", "grpc", "endpoint")
	exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", httpPort), "receivers", "otlp", "protocols", "http", "endpoint")
	exampleSet(t, conf, "200ms", "processors", "batch", "timeout")
	endpoint := conf["exporters"].(map[string]any)["webhook/clickhouse"].(map[string]any)["endpoint"].(string)
	require.Contains(t, endpoint, "${env:CLICKHOUSE_URL}/?query=INSERT%20INTO%20otel_metrics%20FORMAT%20JSONEachRow")
	exampleSet(t, conf, strings.Replace(endpoint, "${env:CLICKHOUSE_URL}/", ch.URL, 1), "exporters", "webhook/clickhouse", "endpoint")
	exampleSet(t, conf, map[string]any{"X-ClickHouse-User": "default", "X-ClickHouse-Key": ""}, "exporters", "webhook/clickhouse", "headers")
	// Small enough that the batch is split into several inserts, between rows.
	exampleSet(t, conf, 2048, "exporters", "webhook/clickhouse", "max_request_body_size")
	exampleSet(t, conf, map[string]any{"fail_on_error": true}, "exporters", "webhook/clickhouse", "test_connection")
	conf["service"].(map[string]any)["telemetry"] = exampleTelemetry(0)
	exampleStartCollector(t, conf)

	md := clickhouseMetrics()
	peerPostMetrics(t, httpPort, md)
	require.Eventually(t, func() bool {
		n, err := strconv.Atoi(strings.TrimSpace(ch.Exec(t, "SELECT count() FROM otel_metrics")))
		return err == nil && n >= md.DataPointCount()
	}, 60*time.Second, 100*time.Millisecond, "the data points did not reach ClickHouse")
	require.Equal(t, "8\n", ch.Exec(t, "SELECT count() FROM otel_metrics"), "one row per data point")

	// DateTime keeps seconds; time_unix_nano the nanoseconds.
	const at, from, nano = `"2026-03-04 05:07:07"`, `"2026-03-04 05:06:07"`, `1772600827250000000`
	common := func(name, unit, typ, temporality string, monotonic int, start, model, provider, tokenType, operation string) string {
		scope := "signaltometrics"
		if model == "" {
			scope = "otelcol/webhook"
		}
		return fmt.Sprintf(`{"name":%q,"unit":%q,"type":%q,"temporality":%q,"monotonic":%d,"start":%s,"time":%s,"time_unix_nano":%s,`+
			`"no_recorded_value":0,"service_name":"llm-gateway","scope_name":%q,"environment":"production",`+
			`"model":%q,"provider":%q,"token_type":%q,"operation":%q}`,
			name, unit, typ, temporality, monotonic, start, at, nano, scope, model, provider, tokenType, operation)
	}
	clickhouseRequireRows(t, []string{
		common("gen_ai.client.calls", "", "sum", "cumulative", 1, from, "openai/gpt-4o", "", "", ""),
		common("gen_ai.client.cost", "USD", "sum", "delta", 1, from, "openai/gpt-4o", "", "", ""),
		common("gen_ai.client.operation.duration", "s", "histogram", "cumulative", 0, from, "anthropic/claude-3.5-sonnet", "", "", "chat"),
		common("gen_ai.client.token.usage", "{token}", "histogram", "delta", 0, from, "openai/gpt-4o", "openai", "input", ""),
		common("gen_ai.client.token.usage", "{token}", "histogram", "delta", 0, from, "openai/gpt-4o", "openai", "output", ""),
		common("queue.size", "", "gauge", "", 0, "null", "", "", "", ""),
		common("request.body.size", "By", "exponential_histogram", "delta", 0, from, "", "", "", ""),
		common("rpc.latency", "ms", "summary", "", 0, from, "", "", "", ""),
	}, ch.Exec(t, clickhouseMetricsCommon))

	// The value columns of each type; those of the other types keep their
	// defaults.
	values := func(name string, set map[string]any) string {
		row := map[string]any{
			"name": name, "value": 0, "count": 0, "sum": nil, "min": nil, "max": nil,
			"bucket_counts": []any{}, "explicit_bounds": []any{}, "scale": 0, "zero_count": 0, "zero_threshold": 0,
			"positive_offset": 0, "positive_bucket_counts": []any{}, "negative_offset": 0, "negative_bucket_counts": []any{},
			"quantiles": []any{}, "quantile_values": []any{},
		}
		for k, v := range set {
			row[k] = v
		}
		b, err := json.Marshal(row)
		require.NoError(t, err)
		return string(b)
	}
	clickhouseRequireRows(t, []string{
		values("gen_ai.client.calls", map[string]any{"value": 2}),
		values("gen_ai.client.cost", map[string]any{"value": 0.001342}),
		values("gen_ai.client.operation.duration", map[string]any{"count": 3, "bucket_counts": []int{0, 2, 1}, "explicit_bounds": []float64{0.5, 2.5}}),
		values("gen_ai.client.token.usage", map[string]any{"count": 2, "sum": 1300, "min": 100, "max": 1200, "bucket_counts": []int{0, 1, 1}, "explicit_bounds": []int{64, 1024}}),
		values("gen_ai.client.token.usage", map[string]any{"count": 2, "sum": 392, "min": 42, "max": 350, "bucket_counts": []int{1, 1, 0}, "explicit_bounds": []int{64, 1024}}),
		values("queue.size", map[string]any{"value": -2}),
		values("request.body.size", map[string]any{
			"count": 9, "sum": 4321.5, "min": -3, "max": 2048, "scale": 3, "zero_count": 1, "zero_threshold": 0.001,
			"positive_offset": -2, "positive_bucket_counts": []int{1, 0, 3, 2}, "negative_offset": 4, "negative_bucket_counts": []int{2},
		}),
		values("rpc.latency", map[string]any{"count": 12, "sum": 340.5, "quantiles": []float64{0.5, 0.99}, "quantile_values": []string{"21", "nan"}}),
	}, ch.Exec(t, clickhouseMetricsValues))

	// The tokens per model and type, as the example's query adds them up.
	assert.Equal(t, "openai/gpt-4o\tinput\t1300\nopenai/gpt-4o\toutput\t392\n", ch.Exec(t,
		"SELECT `gen_ai.request.model` AS model, `gen_ai.token.type` AS type, sum(sum) AS tokens FROM otel_metrics "+
			"WHERE name = 'gen_ai.client.token.usage' GROUP BY model, type ORDER BY type"))
}
