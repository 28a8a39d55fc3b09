package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

func openRouterSign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// TestDistributionOpenRouterEventsAndBroadcast drives the built collector
// with signed OpenRouter event deliveries and Broadcast traces on one port,
// each sender with its own credentials, and reads the log records and spans
// back from the file exporters.
func TestDistributionOpenRouterEventsAndBroadcast(t *testing.T) {
	const secret = "e2e-openrouter-signing-secret"
	port := harness.FreePort(t)
	c := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    required_headers:
      Authorization: Bearer broadcast-token
    openrouter_events:
      signature:
        secrets: [%s]
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
`, port, secret))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	post := func(name string, headers ...string) (int, string) {
		body := harness.ReadRepoFile(t, "testdata/openrouter_events/"+name)
		return harness.Post(t, http.MethodPost, base+"/openrouter/events", "application/json", body,
			append([]string{"X-OpenRouter-Signature", openRouterSign(secret, body)}, headers...)...)
	}

	status, body := post("webhook_test.json")
	require.Equal(t, http.StatusOK, status, body)
	status, body = post("credit_low_balance.json")
	require.Equal(t, http.StatusOK, status, body)
	status, body = post("batch.json")
	require.Equal(t, http.StatusOK, status, body)
	// OpenRouter retries the first delivery: answered, not forwarded again.
	status, body = post("credit_low_balance.json")
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, body)

	wrong := harness.ReadRepoFile(t, "testdata/openrouter_events/key_revoked.json")
	status, body = harness.Post(t, http.MethodPost, base+"/openrouter/events", "application/json", wrong,
		"X-OpenRouter-Signature", openRouterSign("not-the-secret", wrong))
	require.Equal(t, http.StatusUnauthorized, status, body)

	// Broadcast traces keep working on the same port, with their own auth.
	traces := harness.ReadRepoFile(t, "testdata/broadcast/chat_privacy_off.json")
	status, body = harness.Post(t, http.MethodPost, base+"/v1/traces", "application/json", traces, "Authorization", "Bearer broadcast-token")
	require.Equal(t, http.StatusOK, status, body)
	status, _ = harness.Post(t, http.MethodPost, base+"/v1/traces", "application/json", traces,
		"X-OpenRouter-Signature", openRouterSign(secret, traces))
	require.Equal(t, http.StatusUnauthorized, status, "the events signature does not open the traces path")

	// A last event marks the end: the file exporter writes in order, so
	// once it is there, anything forwarded twice would be too.
	status, body = post("key_expiring.json")
	require.Equal(t, http.StatusOK, status, body)
	records := harness.WaitForRecords(t, filepath.Join(c.Dir, "logs.jsonl"), 5)
	require.Len(t, records, 5, "one record per event, the redelivery and the test event not forwarded")
	assert.Equal(t, "key.expiring", records[4].EventName())
	spans := harness.WaitForSpans(t, filepath.Join(c.Dir, "traces.jsonl"), 1)
	require.Len(t, spans, 1)
	assert.Equal(t, "user_12345", spans[0].Attributes().AsRaw()["user.id"])

	credit := records[0]
	assert.Equal(t, "credit.low_balance", credit.EventName())
	assert.Equal(t, plog.SeverityNumberWarn, credit.SeverityNumber())
	assert.Equal(t, "2026-11-30T15:42:03.512Z", credit.Timestamp().AsTime().UTC().Format("2006-01-02T15:04:05.000Z"))
	attrs := credit.Attributes().AsRaw()
	assert.Equal(t, "evt_01JDX8P4N6S0U2W4Y6A8C0E2GH", attrs["openrouter.event.id"])
	assert.Equal(t, 4.2, attrs["openrouter.data.current_balance"])
	assert.Equal(t, int64(10), attrs["openrouter.data.threshold_amount"])
	assert.Equal(t, "USD", attrs["openrouter.data.currency"])
	var names []string
	for _, r := range records[1:4] {
		names = append(names, r.EventName())
	}
	assert.Equal(t, []string{"key.created", "key.created", "model.status_change"}, names)
}
