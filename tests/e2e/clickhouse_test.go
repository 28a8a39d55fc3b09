package e2e

// A collector with the webhook exporter fills a real ClickHouse table from
// Broadcast traces: examples/llm-spans-to-clickhouse.yaml and its table
// (examples/llm-spans-to-clickhouse.sql), run as they are but for the
// addresses, against Debian's clickhouse-server started by the test.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// clickhouseRow is what the test reads back from llm_spans.
type clickhouseRow struct {
	Name         string   `json:"name"`
	Model        string   `json:"model"`
	InputTokens  int64    `json:"input_tokens"`
	OutputTokens int64    `json:"output_tokens"`
	TotalTokens  int64    `json:"total_tokens"`
	Cost         float64  `json:"cost"`
	User         string   `json:"user"`
	Session      string   `json:"session"`
	Service      string   `json:"service_name"`
	Environment  string   `json:"environment"`
	Finish       []string `json:"finish_reasons"`
}

const clickhouseSelect = "SELECT name, `gen_ai.request.model` AS model, `gen_ai.usage.input_tokens` AS input_tokens, " +
	"`gen_ai.usage.output_tokens` AS output_tokens, `gen_ai.usage.total_tokens` AS total_tokens, `gen_ai.usage.cost` AS cost, " +
	"`user.id` AS user, `session.id` AS session, service_name, `trace.metadata.environment` AS environment, " +
	"`gen_ai.response.finish_reasons` AS finish_reasons FROM llm_spans FORMAT JSONEachRow"

func TestClickHouseExampleFillsTheTableFromBroadcastTraces(t *testing.T) {
	ch := harness.StartClickHouse(t)
	ch.Exec(t, string(harness.ReadRepoFile(t, "examples/llm-spans-to-clickhouse.sql")))

	const token = "Bearer clickhouse-e2e-token"
	port := harness.FreePort(t)
	conf := exampleLoad(t, "examples/llm-spans-to-clickhouse.yaml")
	exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", port), "receivers", "webhook", "endpoint")
	exampleSet(t, conf, map[string]any{"Authorization": token}, "receivers", "webhook", "required_headers")
	exampleSet(t, conf, "200ms", "processors", "batch", "timeout")
	exporter := conf["exporters"].(map[string]any)["webhook/clickhouse"].(map[string]any)
	endpoint := exporter["endpoint"].(string)
	require.Contains(t, endpoint, "${env:CLICKHOUSE_URL}/?query=INSERT%20INTO%20llm_spans%20FORMAT%20JSONEachRow")
	exampleSet(t, conf, strings.Replace(endpoint, "${env:CLICKHOUSE_URL}/", ch.URL, 1), "exporters", "webhook/clickhouse", "endpoint")
	exampleSet(t, conf, map[string]any{"X-ClickHouse-User": "default", "X-ClickHouse-Key": ""}, "exporters", "webhook/clickhouse", "headers")
	// Small enough that each batch is split into several inserts, between rows.
	exampleSet(t, conf, 2048, "exporters", "webhook/clickhouse", "max_request_body_size")
	exampleSet(t, conf, map[string]any{"fail_on_error": true}, "exporters", "webhook/clickhouse", "test_connection")
	conf["service"].(map[string]any)["telemetry"] = exampleTelemetry(0)
	exampleStartCollector(t, conf)

	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port)
	for _, payload := range []string{"chat_privacy_off.json", "chat_privacy_on.json", "numbers_as_strings.json", "agent_trace_uuid_ids.json"} {
		status, body := harness.Post(t, http.MethodPost, url, "application/json", harness.ReadRepoFile(t, "testdata/broadcast/"+payload), "Authorization", token)
		require.Equal(t, http.StatusOK, status, "%s: %s", payload, body)
	}

	// Six spans, of which the receiver drops one whose start time is
	// "yesterday".
	require.Eventually(t, func() bool {
		n, err := strconv.Atoi(strings.TrimSpace(ch.Exec(t, "SELECT count() FROM llm_spans")))
		return err == nil && n >= 5
	}, 60*time.Second, 100*time.Millisecond, "the five spans did not reach ClickHouse")

	var rows []clickhouseRow
	for _, line := range strings.Split(strings.TrimSpace(ch.Exec(t, clickhouseSelect)), "\n") {
		var row clickhouseRow
		require.NoError(t, json.Unmarshal([]byte(line), &row), line)
		rows = append(rows, row)
	}
	stop := []string{"stop"}
	// Every row with its model, tokens, cost, user and session; keys the
	// span does not have take the column's default.
	assert.ElementsMatch(t, []clickhouseRow{
		{"chat openai/gpt-4o", "openai/gpt-4o", 100, 42, 142, 0.000671, "user_12345", "session_abc123", "openrouter", "production", stop},
		{"chat openai/gpt-4o", "openai/gpt-4o", 100, 42, 142, 0.000671, "user_12345", "session_abc123", "openrouter", "production", stop},
		{"chat anthropic/claude-3.5-sonnet", "anthropic/claude-3.5-sonnet", 1200, 350, 1550, 0.00885, "user_67890", "session_def456", "openrouter", "", []string{"end_turn"}},
		{"support-agent", "", 0, 0, 0, 0, "user_12345", "session_abc123", "openrouter", "", []string{}},
		{"chat openai/gpt-4o-mini", "openai/gpt-4o-mini", 80, 12, 0, 0, "user_12345", "session_abc123", "openrouter", "", []string{}},
	}, rows)

	// The times are the spans' own, to the second (DateTime).
	assert.Equal(t, "2024-01-15 10:00:00\n", ch.Exec(t, "SELECT toString(start_time, 'UTC') FROM llm_spans WHERE span_id = 'eee19b7ec3c1b174'"))
	// No prompt or completion reached the table: redact_content is on, and
	// the table has no column for them anyway.
	assert.Equal(t, "0\n", ch.Exec(t, "SELECT count() FROM system.columns WHERE table = 'llm_spans' AND name LIKE '%prompt%'"))
}
