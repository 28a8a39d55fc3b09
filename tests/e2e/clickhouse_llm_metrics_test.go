package e2e

// The LLM metrics of examples/llm-metrics.yaml into the ClickHouse table
// of examples/metrics-to-clickhouse.yaml, from Broadcast spans.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestClickHouseMetricsTableFromBroadcastSpans: the LLM metrics of
// examples/llm-metrics.yaml (its signal_to_metrics connector, as it is),
// made from Broadcast spans that the webhook receiver takes, go into the
// table of examples/metrics-to-clickhouse.yaml through the example's
// exporter. The connector sends deltas, so a row is one batch's share: the
// test adds them up per stream, as a query would, whatever the batching.
func TestClickHouseMetricsTableFromBroadcastSpans(t *testing.T) {
	ch := harness.StartClickHouse(t)
	ch.Exec(t, string(harness.ReadRepoFile(t, "examples/metrics-to-clickhouse.sql")))

	const token = "Bearer clickhouse-metrics-e2e-token"
	webhookPort := harness.FreePort(t)
	conf := exampleLoad(t, "examples/metrics-to-clickhouse.yaml")
	exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t)), "receivers", "otlp", "protocols", "grpc", "endpoint")
	exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t)), "receivers", "otlp", "protocols", "http", "endpoint")
	exampleSet(t, conf, "200ms", "processors", "batch", "timeout")
	endpoint := conf["exporters"].(map[string]any)["webhook/clickhouse"].(map[string]any)["endpoint"].(string)
	exampleSet(t, conf, strings.Replace(endpoint, "${env:CLICKHOUSE_URL}/", ch.URL, 1), "exporters", "webhook/clickhouse", "endpoint")
	exampleSet(t, conf, map[string]any{"X-ClickHouse-User": "default", "X-ClickHouse-Key": ""}, "exporters", "webhook/clickhouse", "headers")

	// The webhook receiver and the connector of llm-metrics.yaml; the
	// connector's logs section (OpenRouter events) has no logs pipeline here.
	llm := exampleLoad(t, "examples/llm-metrics.yaml")
	webhook := llm["receivers"].(map[string]any)["webhook"].(map[string]any)
	require.Equal(t, true, webhook["semconv"], "the metrics read the semantic-convention names")
	exampleSet(t, llm, fmt.Sprintf("127.0.0.1:%d", webhookPort), "receivers", "webhook", "endpoint")
	exampleSet(t, llm, map[string]any{"Authorization": token}, "receivers", "webhook", "required_headers")
	delete(webhook, "openrouter_events")
	delete(webhook, "helicone")
	conf["receivers"].(map[string]any)["webhook"] = webhook
	connector := llm["connectors"].(map[string]any)["signal_to_metrics"].(map[string]any)
	delete(connector, "logs")
	conf["connectors"] = map[string]any{"signal_to_metrics": connector}
	pipelines := conf["service"].(map[string]any)["pipelines"].(map[string]any)
	pipelines["traces"] = map[string]any{"receivers": []any{"webhook"}, "exporters": []any{"signal_to_metrics"}}
	metrics := pipelines["metrics"].(map[string]any)
	metrics["receivers"] = append(metrics["receivers"].([]any), "signal_to_metrics")
	conf["service"].(map[string]any)["telemetry"] = exampleTelemetry(0)
	exampleStartCollector(t, conf)

	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", webhookPort)
	for _, payload := range []string{"chat_privacy_off.json", "chat_privacy_on.json", "numbers_as_strings.json", "agent_trace_uuid_ids.json"} {
		status, body := harness.Post(t, http.MethodPost, url, "application/json", harness.ReadRepoFile(t, "testdata/broadcast/"+payload), "Authorization", token)
		require.Equal(t, http.StatusOK, status, "%s: %s", payload, body)
	}

	// Four GenAI calls: gpt-4o twice (privacy mode off and on), Claude, and
	// gpt-4o-mini in the agent trace (whose agent span has no gen_ai.*
	// attribute, and whose second call the receiver drops for its start
	// time "yesterday").
	const callCount = "SELECT sum(value) FROM otel_metrics WHERE name = 'otelcol_webhook.gen_ai.client.calls'"
	require.Eventually(t, func() bool {
		return strings.TrimSpace(ch.Exec(t, callCount)) == "4"
	}, 60*time.Second, 100*time.Millisecond, "the calls did not reach ClickHouse")

	// Per stream: the sums of the deltas, the bucket counts added up.
	const streams = "SELECT name, unit, type, temporality, monotonic, service_name, `gen_ai.request.model` AS model, " +
		"`gen_ai.provider.name` AS provider, `gen_ai.operation.name` AS operation, `gen_ai.response.model` AS response_model, " +
		"`gen_ai.token.type` AS token_type, sum(value) AS value, sum(count) AS count, sum(sum) AS sum, " +
		"sumForEach(bucket_counts) AS buckets, any(explicit_bounds) AS bounds " +
		"FROM otel_metrics GROUP BY name, unit, type, temporality, monotonic, service_name, model, provider, operation, response_model, token_type " +
		"ORDER BY name, model, token_type FORMAT JSONEachRow"
	// The attributes of a call of each model, as the receiver's semconv
	// names them: gpt-4o's provider from gen_ai.system, Claude's too (its
	// delivery has no operation name nor response model), gpt-4o-mini's
	// nothing but the model.
	gpt4o := map[string]any{"model": "openai/gpt-4o", "provider": "openai", "operation": "chat", "response_model": "openai/gpt-4o-2024-08-06"}
	claude := map[string]any{"model": "anthropic/claude-3.5-sonnet", "provider": "anthropic", "operation": "", "response_model": ""}
	mini := map[string]any{"model": "openai/gpt-4o-mini", "provider": "", "operation": "", "response_model": ""}
	durationBounds := []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}
	tokenBounds := []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}
	// buckets has n in bucket i of 15 (one more than the bounds).
	buckets := func(i, n int) []int {
		b := make([]int, 15)
		b[i] = n
		return b
	}
	stream := func(name, unit, typ string, call map[string]any, tokenType string, set map[string]any) string {
		row := map[string]any{
			"name": name, "unit": unit, "type": typ, "temporality": "delta", "monotonic": 0, "service_name": "openrouter",
			"token_type": tokenType, "value": 0, "count": 0, "sum": nil, "buckets": []int{}, "bounds": []float64{},
		}
		if typ == "sum" {
			row["monotonic"] = 1
		}
		for _, m := range []map[string]any{call, set} {
			for k, v := range m {
				row[k] = v
			}
		}
		b, err := json.Marshal(row)
		require.NoError(t, err)
		return string(b)
	}
	const duration, tokens, callsName, cost = "gen_ai.client.operation.duration", "gen_ai.client.token.usage", "otelcol_webhook.gen_ai.client.calls", "otelcol_webhook.gen_ai.client.cost"
	d := func(count int, sum float64, bucket int) map[string]any {
		return map[string]any{"count": count, "sum": sum, "buckets": buckets(bucket, count), "bounds": durationBounds}
	}
	tk := func(count int, sum float64, bucket int) map[string]any {
		return map[string]any{"count": count, "sum": sum, "buckets": buckets(bucket, count), "bounds": tokenBounds}
	}
	clickhouseRequireRows(t, []string{
		// 2.5 s is in (1.28, 2.56]; 1.25 s and 1 s in (0.64, 1.28].
		stream(duration, "s", "histogram", claude, "", d(1, 2.5, 8)),
		stream(duration, "s", "histogram", gpt4o, "", d(2, 2.5, 7)),
		stream(duration, "s", "histogram", mini, "", d(1, 1, 7)),
		// Tokens: 1200 in (1024, 4096], 350 in (256, 1024], 100 and 80 in
		// (64, 256], 42 in (16, 64], 12 in (4, 16].
		stream(tokens, "{token}", "histogram", claude, "input", tk(1, 1200, 6)),
		stream(tokens, "{token}", "histogram", claude, "output", tk(1, 350, 5)),
		stream(tokens, "{token}", "histogram", gpt4o, "input", tk(2, 200, 4)),
		stream(tokens, "{token}", "histogram", gpt4o, "output", tk(2, 84, 3)),
		stream(tokens, "{token}", "histogram", mini, "input", tk(1, 80, 4)),
		stream(tokens, "{token}", "histogram", mini, "output", tk(1, 12, 2)),
		stream(callsName, "{call}", "sum", claude, "", map[string]any{"value": 1}),
		stream(callsName, "{call}", "sum", gpt4o, "", map[string]any{"value": 2}),
		stream(callsName, "{call}", "sum", mini, "", map[string]any{"value": 1}),
		// Claude's delivery sends gen_ai.usage.total_cost "0" next to its
		// gen_ai.usage.cost; gpt-4o-mini's no cost at all.
		stream(cost, "USD", "sum", claude, "", map[string]any{"value": 0}),
		stream(cost, "USD", "sum", gpt4o, "", map[string]any{"value": 0.001342}),
	}, ch.Exec(t, streams))
}
