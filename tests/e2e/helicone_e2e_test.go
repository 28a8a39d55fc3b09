package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestDistributionHelicone drives the built collector with signed Helicone
// deliveries next to Broadcast traces, and reads the spans back from the
// file exporter.
func TestDistributionHelicone(t *testing.T) {
	// Shaped like the 64-character hmac_key of Helicone's dashboard.
	const key = "3e7a1c9f5b2d8e4a6c0f1b3d5e7a9c2f4b6d8e0a1c3f5b7d9e2a4c6f8b0d1e3a"
	port := harness.FreePort(t)
	c := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    helicone:
      signature:
        secrets: [%s]
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
`, port, key))
	url := fmt.Sprintf("http://127.0.0.1:%d/helicone", port)
	post := func(name string) (int, string) {
		body := harness.ReadRepoFile(t, "testdata/helicone/"+name)
		return harness.Post(t, http.MethodPost, url, "application/json", body, "Helicone-Signature", openRouterSign(key, body))
	}

	status, body := post("openai_chat.json")
	require.Equal(t, http.StatusOK, status, body)
	status, body = post("openai_chat.json")
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, body, "a replay is dropped")
	forged := harness.ReadRepoFile(t, "testdata/helicone/anthropic_message.json")
	status, _ = harness.Post(t, http.MethodPost, url, "application/json", forged, "Helicone-Signature", openRouterSign("guess", forged))
	require.Equal(t, http.StatusUnauthorized, status)
	status, body = harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port), "application/json",
		harness.ReadRepoFile(t, "testdata/broadcast/live_chat_total_cost.json"))
	require.Equal(t, http.StatusOK, status, body)
	status, body = post("anthropic_message.json")
	require.Equal(t, http.StatusOK, status, body)

	spans := harness.WaitForSpans(t, filepath.Join(c.Dir, "traces.jsonl"), 3)
	require.Len(t, spans, 3, "the replay and the forged delivery were not forwarded")
	openai, broadcast, anthropic := spans[0], spans[1], spans[2]
	assert.Equal(t, "chat gpt-4o", openai.Name())
	assert.Equal(t, ptrace.SpanKindClient, openai.Kind())
	assert.Equal(t, "550e8400e29b41d4a716446655440000", openai.TraceID().String())
	assert.Equal(t, "claude-sonnet-4-20250514", anthropic.Attributes().AsRaw()["gen_ai.request.model"])

	// The same call seen by both gateways lines up attribute by attribute.
	h, b := openai.Attributes().AsRaw(), broadcast.Attributes().AsRaw()
	for _, k := range []string{"gen_ai.operation.name", "gen_ai.usage.total_cost", "user.id", "gen_ai.request.temperature", "gen_ai.request.max_tokens", "gen_ai.usage.total_tokens"} {
		assert.Equal(t, b[k], h[k], k)
	}
	assert.Equal(t, int64(24), h["gen_ai.usage.input_tokens"])
	assert.Equal(t, b["gen_ai.usage.prompt_tokens"], h["gen_ai.usage.input_tokens"])
}
