package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestLLMMetricsExampleScrape runs examples/llm-metrics.yaml with its
// defaults (no per-user metrics), posts the README's Broadcast delivery
// and reads the prometheus exporter's page as Prometheus would: the names,
// units and labels the README and the dashboard use, and no user_id.
func TestLLMMetricsExampleScrape(t *testing.T) {
	const token = "llm-example-token"
	webhookPort, promPort := harness.FreePort(t), harness.FreePort(t)
	harness.StartCollectorFile(t, filepath.Join(harness.RepoRoot, "examples", "llm-metrics.yaml"), []string{
		fmt.Sprintf("WEBHOOK_RECEIVER_ENDPOINT=127.0.0.1:%d", webhookPort),
		fmt.Sprintf("PROMETHEUS_ENDPOINT=127.0.0.1:%d", promPort),
		// Nothing listens there: the spans wait in otlp_http's retries.
		fmt.Sprintf("OTLP_ENDPOINT=http://127.0.0.1:%d", harness.FreePort(t)),
		"OPENROUTER_WEBHOOK_TOKEN=" + token,
		"OPENROUTER_EVENTS_SECRET=llm-example-secret",
		"HELICONE_WEBHOOK_KEY=llm-example-key",
	}, "--set", "service.telemetry.metrics.level=none")

	status, body := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", webhookPort), "application/json",
		harness.ReadRepoFile(t, "testdata/broadcast/live_chat_total_cost.json"), "Authorization", "Bearer "+token)
	require.Equal(t, http.StatusOK, status, body)

	var page string
	require.Eventually(t, func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", promPort))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		page = string(b)
		return strings.Contains(page, "otelcol_webhook_gen_ai_client_calls_total{")
	}, 30*time.Second, 100*time.Millisecond, "the call was never counted")

	labels := `gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="openai/gpt-4o",gen_ai_response_model="openai/gpt-4o-2024-08-06",job="openrouter",service_name="openrouter"`
	for _, line := range []string{
		"# TYPE otelcol_webhook_gen_ai_client_calls_total counter",
		"otelcol_webhook_gen_ai_client_calls_total{" + labels + "} 1",
		"# TYPE otelcol_webhook_gen_ai_client_cost_USD_total counter",
		"otelcol_webhook_gen_ai_client_cost_USD_total{" + labels + "} 0.00018",
		"# TYPE gen_ai_client_token_usage histogram",
		"gen_ai_client_token_usage_sum{" + strings.Replace(labels, `,job=`, `,gen_ai_token_type="input",job=`, 1) + "} 24",
		"gen_ai_client_token_usage_sum{" + strings.Replace(labels, `,job=`, `,gen_ai_token_type="output",job=`, 1) + "} 12",
		`gen_ai_client_token_usage_bucket{` + strings.Replace(labels, `,job=`, `,gen_ai_token_type="input",job=`, 1) + `,le="16"} 0`,
		`gen_ai_client_token_usage_bucket{` + strings.Replace(labels, `,job=`, `,gen_ai_token_type="input",job=`, 1) + `,le="64"} 1`,
		"# TYPE gen_ai_client_operation_duration_seconds histogram",
		`gen_ai_client_operation_duration_seconds_bucket{` + labels + `,le="0.64"} 0`,
		`gen_ai_client_operation_duration_seconds_bucket{` + labels + `,le="1.28"} 1`,
		"gen_ai_client_operation_duration_seconds_sum{" + labels + "} 1.24",
		"gen_ai_client_operation_duration_seconds_count{" + labels + "} 1",
	} {
		assert.Contains(t, page, line+"\n")
	}
	// docs/llm-metrics.md's curl, run as the page shows it, prints every
	// line the page says it prints.
	doc := string(harness.ReadRepoFile(t, "docs/llm-metrics.md"))
	const docCurl = "$ curl -s http://localhost:8889/metrics | grep -v _bucket\n"
	start := strings.Index(doc, docCurl)
	require.GreaterOrEqual(t, start, 0, "docs/llm-metrics.md shows its curl")
	printed := doc[start+len(docCurl):]
	printed = printed[:strings.Index(printed, "```")]
	command := strings.Replace(strings.TrimPrefix(strings.TrimSuffix(docCurl, "\n"), "$ "), "localhost:8889", fmt.Sprintf("127.0.0.1:%d", promPort), 1)
	out, err := exec.Command("bash", "-c", "set -o pipefail; "+command).CombinedOutput()
	require.NoError(t, err, "%s\n%s", command, out)
	lines := strings.Split(strings.TrimSpace(printed), "\n")
	require.GreaterOrEqual(t, len(lines), 10)
	for _, line := range lines {
		assert.Contains(t, string(out), line+"\n", "docs/llm-metrics.md prints it after its curl")
	}

	assert.NotContains(t, page, "user_id", "per-user labels are opt-in")
	assert.NotContains(t, page, "error_type", "the call succeeded")
	assert.NotContains(t, page, "otel_scope_", "without_scope_info")
}
