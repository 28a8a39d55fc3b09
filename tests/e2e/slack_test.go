package e2e

// A collector with the webhook exporter sends one Slack-shaped message per
// OpenRouter alert event: the exporter of examples/openrouter-alerts-to-slack.yaml,
// fed through the stock otlp receiver with log records shaped exactly as the
// webhook receiver makes them from OpenRouter events, to a sink that reads
// bodies as Slack's incoming webhooks do.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// openrouterEvent appends the log record the webhook receiver makes of one
// OpenRouter event: event_name and openrouter.event.type are the type, the
// body is the event as sent, and every field of data is an
// openrouter.data.<field> attribute (nested objects flattened with dots).
func openrouterEvent(records plog.LogRecordSlice, id, typ string, created time.Time, warn bool, data map[string]any) {
	event := map[string]any{"id": id, "type": typ, "created_at": created.Format(time.RFC3339), "data": data}
	body, _ := json.Marshal(event)
	rec := records.AppendEmpty()
	rec.SetEventName(typ)
	rec.SetTimestamp(pcommon.NewTimestampFromTime(created))
	rec.SetObservedTimestamp(pcommon.NewTimestampFromTime(created.Add(800 * time.Millisecond)))
	rec.SetSeverityNumber(plog.SeverityNumberInfo)
	rec.SetSeverityText("INFO")
	if warn {
		rec.SetSeverityNumber(plog.SeverityNumberWarn)
		rec.SetSeverityText("WARN")
	}
	rec.Body().SetStr(string(body))
	rec.Attributes().PutStr("openrouter.event.id", id)
	rec.Attributes().PutStr("openrouter.event.type", typ)
	var put func(prefix string, m map[string]any)
	put = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch x := v.(type) {
			case map[string]any:
				put(prefix+k+".", x)
			case int:
				rec.Attributes().PutInt(prefix+k, int64(x))
			case float64:
				rec.Attributes().PutDouble(prefix+k, x)
			case string:
				rec.Attributes().PutStr(prefix+k, x)
			}
		}
	}
	put("openrouter.data.", data)
}

func TestSlackExampleSendsOneMessagePerAlert(t *testing.T) {
	sink := harness.StartSlackSink(t)

	exporter := exampleLoad(t, "examples/openrouter-alerts-to-slack.yaml")["exporters"].(map[string]any)["webhook/slack"].(map[string]any)
	exporter["endpoint"] = sink.URL + "/services/T000/B000/XXXX"
	// Without a queue the otlp receiver answers once every message is sent.
	exporter["sending_queue"] = map[string]any{"enabled": false}
	port := harness.FreePort(t)
	exampleStartCollector(t, map[string]any{
		"receivers": map[string]any{"otlp": map[string]any{"protocols": map[string]any{"http": map[string]any{"endpoint": fmt.Sprintf("127.0.0.1:%d", port)}}}},
		"exporters": map[string]any{"webhook/slack": exporter},
		"service": map[string]any{
			"telemetry": exampleTelemetry(0),
			"pipelines": map[string]any{"logs": map[string]any{"receivers": []any{"otlp"}, "exporters": []any{"webhook/slack"}}},
		},
	})

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "openrouter")
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	openrouterEvent(records, "evt_credit_1", "credit.low_balance", at, true, map[string]any{
		"current_balance": 4.2, "threshold_amount": 10, "currency": "USD", "account_id": "acct_42",
	})
	openrouterEvent(records, "evt_key_1", "key.created", at.Add(time.Minute), false, map[string]any{
		"key_id": "key_1", "name": "ci",
	})
	openrouterEvent(records, "evt_model_1", "model.status_change", at.Add(2*time.Minute), true, map[string]any{
		"model_id": "openai/gpt-4o", "provider": "OpenAI", "new_status": "degraded", "timestamp": "2026-03-04T05:08:00Z",
	})
	openrouterEvent(records, "evt_usage_1", "usage.threshold", at.Add(3*time.Minute), true, map[string]any{
		"threshold": 80, "period": "month",
	})
	// Text with quotes and a line break reaches Slack intact through json.
	openrouterEvent(records, "evt_credit_2", "credit.low_balance", at.Add(4*time.Minute), true, map[string]any{
		"current_balance": 0.5, "threshold_amount": 5, "currency": `"EUR"`, "account_id": "acct\n43",
	})
	body, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	status, resp := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/logs", port), "application/json", body)
	require.Equal(t, http.StatusOK, status, "%s; refused by Slack: %v", resp, sink.Refused())

	assert.Empty(t, sink.Refused(), "every body is a valid Slack message")
	messages := sink.Messages()
	require.Len(t, messages, 3, "one message per credit.low_balance and model.status_change event, none for the others")
	credit1, status0, credit0 := messages[0], messages[1], messages[2]
	assert.Equal(t, ":rotating_light: openai/gpt-4o (OpenAI) is now degraded", status0.Text)
	assert.Equal(t, ":warning: OpenRouter credit is low: 0.5 \"EUR\" left (alert below 5 \"EUR\")", credit0.Text)
	assert.Equal(t, ":warning: OpenRouter credit is low: 4.2 USD left (alert below 10 USD)", credit1.Text)
	for _, m := range messages {
		assert.Equal(t, "OpenRouter", m.Username)
		require.Len(t, m.Blocks, 2)
		assert.Equal(t, "section", m.Blocks[0].Type)
		assert.Equal(t, "mrkdwn", m.Blocks[0].Text.Type)
		assert.True(t, strings.HasPrefix(m.Blocks[0].Text.Text, "*"+m.Text+"*\n"), m.Blocks[0].Text.Text)
		assert.Equal(t, "context", m.Blocks[1].Type)
	}
	assert.Contains(t, credit0.Blocks[0].Text.Text, "Account `acct\n43`")
	assert.Equal(t, "2026-03-04 05:10 UTC · event evt_credit_2", credit0.Blocks[1].Elements[0].Text)
	assert.Equal(t, "2026-03-04 05:06 UTC · event evt_credit_1", credit1.Blocks[1].Elements[0].Text)
	assert.Contains(t, status0.Blocks[0].Text.Text, "Severity WARN")
	assert.Equal(t, "changed 2026-03-04T05:08:00Z · event evt_model_1", status0.Blocks[1].Elements[0].Text)
}

// TestSlackExampleWithTheReceiver runs the whole example: OpenRouter signs
// its event deliveries, the webhook receiver turns them into log records,
// and the exporter sends one Slack message per alert.
func TestSlackExampleWithTheReceiver(t *testing.T) {
	const secret = "slack-example-openrouter-secret"
	sink := harness.StartSlackSink(t)
	conf := exampleLoad(t, "examples/openrouter-alerts-to-slack.yaml")
	port := harness.FreePort(t)
	exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", port), "receivers", "webhook", "endpoint")
	exampleSet(t, conf, []any{secret}, "receivers", "webhook", "openrouter_events", "signature", "secrets")
	exampleSet(t, conf, sink.URL+"/services/T000/B000/XXXX", "exporters", "webhook/slack", "endpoint")
	// Without a queue the receiver answers once the messages are sent.
	exampleSet(t, conf, map[string]any{"enabled": false}, "exporters", "webhook/slack", "sending_queue")
	conf["service"].(map[string]any)["telemetry"] = exampleTelemetry(0)
	exampleStartCollector(t, conf)

	url := fmt.Sprintf("http://127.0.0.1:%d/openrouter/events", port)
	for _, name := range []string{"webhook_test.json", "credit_low_balance.json", "key_created.json", "model_status_change.json", "credit_low_balance.json"} {
		body := harness.ReadRepoFile(t, "testdata/openrouter_events/"+name)
		status, resp := harness.Post(t, http.MethodPost, url, "application/json", body, "X-OpenRouter-Signature", openRouterSign(secret, body))
		require.Equal(t, http.StatusOK, status, "%s: %s; refused by Slack: %v", name, resp, sink.Refused())
	}

	assert.Empty(t, sink.Refused())
	messages := sink.Messages()
	require.Len(t, messages, 2, "the credit alert (its redelivery dropped) and the model status change; nothing for the test event and the new key")
	assert.Equal(t, ":warning: OpenRouter credit is low: 4.2 USD left (alert below 10 USD)", messages[0].Text)
	assert.Equal(t, ":rotating_light: openai/gpt-4o (OpenAI) is now degraded", messages[1].Text)
	assert.Contains(t, messages[0].Blocks[0].Text.Text, "Account `acct_7f3a2c91`")
	assert.Equal(t, "2026-11-30 15:42 UTC · event evt_01JDX8P4N6S0U2W4Y6A8C0E2GH", messages[0].Blocks[1].Elements[0].Text)
}
