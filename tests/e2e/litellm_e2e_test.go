package e2e

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestDistributionLiteLLM drives the built collector as a LiteLLM proxy
// does: generic_api batches in each of its three framings with the
// callback's static header, and alert webhook events posted to a URL with
// the same credentials as user and password, read back from the file
// exporters.
func TestDistributionLiteLLM(t *testing.T) {
	token := "Basic " + base64.StdEncoding.EncodeToString([]byte("litellm:e2e-token"))
	port := harness.FreePort(t)
	c := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    semconv: true
    litellm:
      required_headers:
        Authorization: %q
exporters:
  file/traces:
    path: {{dir}}/traces.jsonl
    flush_interval: 100ms
  file/logs:
    path: {{dir}}/logs.jsonl
    flush_interval: 100ms
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [webhook]
      exporters: [file/traces]
    logs:
      receivers: [webhook]
      exporters: [file/logs]
`, port, token))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	post := func(path, name string, headers ...string) (int, string) {
		if headers == nil {
			headers = []string{"Authorization", token}
		}
		return harness.Post(t, http.MethodPost, base+path, "application/json", harness.ReadRepoFile(t, "testdata/litellm/"+name), headers...)
	}
	// WEBHOOK_URL=http://litellm:e2e-token@host/litellm/alerts: the client
	// sends the user and password as a Basic header, as LiteLLM's does.
	postAlert := func(name string) (int, string) {
		return harness.Post(t, http.MethodPost, fmt.Sprintf("http://litellm:e2e-token@127.0.0.1:%d/litellm/alerts", port),
			"application/json", harness.ReadRepoFile(t, "testdata/litellm/"+name))
	}
	expect := func(wantStatus int, wantBody string) func(int, string) {
		return func(status int, body string) {
			t.Helper()
			require.Equal(t, wantStatus, status, body)
			if wantBody != "" {
				assert.JSONEq(t, wantBody, body)
			}
		}
	}

	// log_format ndjson, then the same batch as json_array: a redelivery.
	expect(http.StatusOK, `{"accepted":3,"duplicates":0}`)(post("/litellm", "batch.ndjson"))
	expect(http.StatusOK, `{"accepted":0,"duplicates":3}`)(post("/litellm", "batch_array.json"))
	// log_format single: one payload per request.
	expect(http.StatusOK, `{"accepted":1,"duplicates":0}`)(post("/litellm", "cache_hit.json"))
	expect(http.StatusOK, `{"accepted":1,"duplicates":0}`)(post("/litellm", "failure.json"))
	// Without the callback's header, or with another, nothing goes in.
	expect(http.StatusUnauthorized, "")(post("/litellm", "embedding.json", "X-Other", "1"))
	expect(http.StatusUnauthorized, "")(post("/litellm", "embedding.json", "Authorization", "Bearer guess"))
	expect(http.StatusUnauthorized, "")(post("/litellm/alerts", "alert_threshold_crossed.json", "X-Other", "1"))
	// The alert webhook, and a copy of the same alert.
	expect(http.StatusOK, `{"accepted":1,"duplicates":0}`)(postAlert("alert_threshold_crossed.json"))
	expect(http.StatusOK, `{"accepted":0,"duplicates":1}`)(postAlert("alert_threshold_crossed.json"))
	expect(http.StatusOK, `{"accepted":1,"duplicates":0}`)(postAlert("alert_spend_tracked.json"))

	spans := harness.WaitForSpans(t, filepath.Join(c.Dir, "traces.jsonl"), 5)
	require.Len(t, spans, 5, "the redelivered batch and the refused requests were not forwarded")
	byID := map[string]ptrace.Span{}
	for _, s := range spans {
		id, _ := s.Attributes().Get("litellm.id")
		byID[id.Str()] = s
	}
	chat := byID["chatcmpl-AbC123xYz"]
	assert.Equal(t, "chat gpt-4o", chat.Name())
	assert.Equal(t, ptrace.SpanKindClient, chat.Kind())
	a := chat.Attributes().AsRaw()
	assert.Equal(t, "openai", a["gen_ai.provider.name"])
	assert.Equal(t, int64(24), a["gen_ai.usage.input_tokens"])
	assert.Equal(t, 0.00018, a["gen_ai.usage.total_cost"])
	assert.Equal(t, "session_abc123", a["gen_ai.conversation.id"], "semconv names the session too")
	assert.Equal(t, "chat claude-sonnet", byID["chatcmpl-7d1e6c2a-90b4-4c5e-a3f2-1b8d9e0c4f5a"].Name())
	assert.Equal(t, "embeddings text-embedding-3-small", byID["b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"].Name())
	hit := byID["chatcmpl-AbC123xYz_cache_hit1796058123.456789"]
	assert.Equal(t, true, hit.Attributes().AsRaw()["litellm.cache_hit"])
	assert.Equal(t, chat.TraceID(), hit.TraceID(), "one session, one trace")
	failed := byID["8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d"]
	assert.Equal(t, ptrace.StatusCodeError, failed.Status().Code())
	assert.Equal(t, "RateLimitError", failed.Attributes().AsRaw()["error.type"])

	records := harness.WaitForRecords(t, filepath.Join(c.Dir, "logs.jsonl"), 2)
	require.Len(t, records, 2, "the copy of the alert was not forwarded")
	assert.Equal(t, "threshold_crossed", records[0].EventName())
	assert.Equal(t, plog.SeverityNumberWarn, records[0].SeverityNumber())
	assert.Equal(t, "spend_tracked", records[1].EventName())
	assert.Equal(t, plog.SeverityNumberInfo, records[1].SeverityNumber())
	assert.Equal(t, "user_12345", records[1].Attributes().AsRaw()["litellm.customer_id"])
}
