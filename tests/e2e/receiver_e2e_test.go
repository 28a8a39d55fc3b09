package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestDistributionReceivesPostAndPut drives the built collector with a real
// POST and PUT of Broadcast payloads and reads what its file exporter wrote.
func TestDistributionReceivesPostAndPut(t *testing.T) {
	port := harness.FreePort(t)
	c := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    required_headers:
      Authorization: Bearer e2e-token
exporters:
  file:
    path: {{dir}}/traces.jsonl
    flush_interval: 100ms
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [webhook]
      exporters: [file]
`, port))
	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port)

	status, body := harness.Post(t, http.MethodPost, url, "application/json", nil, "Authorization", "Bearer e2e-token", "X-Test-Connection", "true")
	require.Equal(t, http.StatusOK, status, body)

	status, body = harness.Post(t, http.MethodPost, url, "application/json", harness.ReadRepoFile(t, "testdata/broadcast/chat_privacy_off.json"), "Authorization", "Bearer e2e-token")
	require.Equal(t, http.StatusOK, status, body)
	status, body = harness.Post(t, http.MethodPut, url, "application/json", harness.ReadRepoFile(t, "testdata/broadcast/docs_example.json"), "Authorization", "Bearer e2e-token")
	require.Equal(t, http.StatusOK, status, body)
	status, body = harness.Post(t, http.MethodPost, url, "application/json", harness.ReadRepoFile(t, "testdata/broadcast/docs_example.json"))
	require.Equal(t, http.StatusUnauthorized, status, body)

	spans := harness.WaitForSpans(t, filepath.Join(c.Dir, "traces.jsonl"), 2)
	require.Len(t, spans, 2)
	attrs := spans[0].Attributes().AsRaw()
	assert.Equal(t, "production", attrs["trace.metadata.environment"])
	assert.Equal(t, "support-bot", attrs["trace.metadata.feature"])
	assert.Equal(t, "user_12345", attrs["user.id"])
	assert.Equal(t, "session_abc123", attrs["session.id"])
	assert.Equal(t, int64(100), attrs["gen_ai.usage.prompt_tokens"])
	assert.Equal(t, 0.000671, attrs["gen_ai.usage.cost"])

	docs := spans[1].Attributes().AsRaw()
	assert.Equal(t, "abc123...", docs["webhook.original_trace_id"])
	assert.Equal(t, "5399339a6d55a019e76da7eadee40371", spans[1].TraceID().String())
}
