package webhookreceiver

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks/webhookstest"
)

// The openrouter_events route verifies both forms of X-OpenRouter-Signature:
// the hex HMAC of the body (the third-party page's) and OpenRouter's own
// t=...,v1=... over "<t>,<body>" with its window.
func TestOpenRouterEventsSignatureForms(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testdataOpenRouterEvents, "signature_forms.json"))
	require.NoError(t, err)
	var f struct{ Cases []webhookstest.Vector }
	require.NoError(t, json.Unmarshal(raw, &f))
	require.NotEmpty(t, f.Cases)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			env := startPipelinesWith(t, func(cfg *Config) {
				cfg.OpenRouterEvents.GetOrInsertDefault().Signature.GetOrInsertDefault().Secrets = []configopaque.String{configopaque.String(c.Secrets[0])}
			}, func(r *webhookReceiver) {
				r.routes[eventsPath].auth.now = c.Now
			}, nil, nil, false, true)
			resp := env.request(c.Method, c.Target, c.Headers, c.Body)
			require.Equal(t, c.Status, resp.status, "%s: %s", c.Expect, resp.body)
			if c.Valid {
				assert.Len(t, env.records(), 1)
				return
			}
			assert.Empty(t, env.logs.AllLogs())
		})
	}
}

var testdataOpenRouterEvents = filepath.Join("..", "..", "testdata", "openrouter_events")

// OpenRouter's signed callbacks posted to the openrouter_events route: the
// event has no id of its own, so X-OpenRouter-Idempotency-Key is its id;
// a failed job is an ERROR.
func TestOpenRouterEventsTakesSignedCallbacks(t *testing.T) {
	d := readDelivery(t, "openrouter", "video_generation_failed")
	env := startPipelinesWith(t, func(cfg *Config) {
		cfg.OpenRouterEvents.GetOrInsertDefault().Signature.GetOrInsertDefault().Secrets = []configopaque.String{"dev_secret"}
	}, func(r *webhookReceiver) {
		now := webhookstest.Clock(1777032005)
		r.routes[eventsPath].auth.now = func() time.Time { return now }
	}, nil, nil, false, true)
	resp := env.post(eventsPath, d)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, resp.body)
	recs := env.records()
	require.Len(t, recs, 1)
	assert.Equal(t, "video.generation.failed", recs[0].EventName())
	assert.Equal(t, plog.SeverityNumberError, recs[0].SeverityNumber())
	id, ok := recs[0].Attributes().Get("openrouter.event.id")
	require.True(t, ok)
	assert.Equal(t, "abc123-failed", id.Str())
	// OpenRouter's retry of the same callback is dropped by its key.
	resp = env.post(eventsPath, d)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)

	// Without the key, an event without an id is refused, naming both.
	d.header.Del("X-OpenRouter-Idempotency-Key")
	resp = env.post(eventsPath, d)
	assert.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, resp.body, "event.id: missing: every event needs its id (or the delivery its X-OpenRouter-Idempotency-Key header)")
}

// Nothing of a refused callback is remembered: after a 401, the same
// callback signed right is forwarded, not taken for a duplicate.
func TestRefusedDeliveryIsNotRemembered(t *testing.T) {
	env := startWebhooksAt(t, presetRouteYAML("openrouter", "/openrouter", "", []string{"dev_secret"}, nil), webhookstest.Clock(1777032005))
	d := readDelivery(t, "openrouter", "video_generation_completed")
	resp := env.post("/openrouter", d, "X-OpenRouter-Signature", "t=1777032000,v1="+hexOf(64))
	require.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
	assert.Contains(t, resp.body, "signature does not match the timestamp and body with any configured secret")
	resp = env.post("/openrouter", d)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, resp.body)
	resp = env.post("/openrouter", d)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)
	assert.Len(t, env.records(), 1)
}

func hexOf(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789abcdef"[i%16]
	}
	return string(b)
}

// A Broadcast request whose only span is openrouter-connection-test with
// no attributes is OpenRouter's destination test: answered 200, counted as
// a test connection, and not forwarded; the same span with attributes is a
// span like any other.
func TestBroadcastConnectionTestSpan(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "broadcast", "test_connection_span.json"))
	require.NoError(t, err)
	env := startReceiver(t, nil, nil)
	resp := env.postJSON(body)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{}`, resp.body)
	assert.Empty(t, env.spans(), "not forwarded")
	assert.Equal(t, int64(1), env.counter(metricTestConnections, "sender", "otlp"))

	var doc map[string]any
	require.NoError(t, json.Unmarshal(body, &doc))
	span := doc["resourceSpans"].([]any)[0].(map[string]any)["scopeSpans"].([]any)[0].(map[string]any)["spans"].([]any)[0].(map[string]any)
	span["attributes"] = []any{map[string]any{"key": "gen_ai.request.model", "value": map[string]any{"stringValue": "openai/gpt-4o"}}}
	withAttr, err := json.Marshal(doc)
	require.NoError(t, err)
	resp = env.postJSON(withAttr)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	require.Len(t, env.spans(), 1, "a span with attributes is forwarded")
	assert.Equal(t, "openrouter-connection-test", env.spans()[0].Name())
}
