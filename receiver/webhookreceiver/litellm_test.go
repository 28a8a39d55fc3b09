package webhookreceiver

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
)

const (
	liteLLMPath       = "/litellm"
	liteLLMAlertsPath = "/litellm/alerts"
	// liteLLMToken is the static header of the generic_api callback's
	// `headers` setting, and of the alert webhook's proxy.
	liteLLMToken = "Bearer litellm-callback-token"
)

func withLiteLLM(c *Config) {
	l := c.LiteLLM.GetOrInsertDefault()
	l.RequiredHeaders = map[string]configopaque.String{"Authorization": liteLLMToken}
}

func readLiteLLM(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "litellm", name))
	require.NoError(t, err)
	return b
}

// postLiteLLM POSTs body to path as LiteLLM does: application/json and the
// callback's static headers.
func (e *testEnv) postLiteLLM(path string, body []byte, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodPost, path, body, append([]string{
		"Content-Type", "application/json", "Authorization", liteLLMToken,
	}, headers...)...)
}

// TestGoldenLiteLLM posts each delivery of testdata/litellm and compares
// the spans with the expected ones: every framing, every kind of call.
func TestGoldenLiteLLM(t *testing.T) {
	tests := []struct {
		payload, expected string
		spans             int
	}{
		{"chat_openai.json", "chat_openai.yaml", 1},
		{"anthropic_model_group.json", "anthropic_model_group.yaml", 1},
		{"embedding.json", "embedding.yaml", 1},
		{"cache_hit.json", "cache_hit.yaml", 1},
		{"failure.json", "failure.yaml", 1},
		// The same three calls as a JSON array and as NDJSON: the same spans.
		{"batch_array.json", "batch.yaml", 3},
		{"batch.ndjson", "batch.yaml", 3},
	}
	for _, tt := range tests {
		t.Run(tt.payload, func(t *testing.T) {
			env := startReceiver(t, withLiteLLM, nil)
			resp := env.postLiteLLM(liteLLMPath, readLiteLLM(t, tt.payload))
			require.Equal(t, http.StatusOK, resp.status, resp.body)
			assert.JSONEq(t, `{"accepted":`+strconv.Itoa(tt.spans)+`,"duplicates":0}`, resp.body)
			require.Len(t, env.sink.AllTraces(), 1)
			actual := env.sink.AllTraces()[0]
			path := filepath.Join("..", "..", "testdata", "litellm", tt.expected)
			if *updateGolden && tt.payload != "batch.ndjson" {
				require.NoError(t, golden.WriteTraces(t, path, actual))
			}
			expected, err := golden.ReadTraces(path)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(expected, actual))
		})
	}
}

// TestGoldenLiteLLMAlerts posts each alert and compares the log record.
func TestGoldenLiteLLMAlerts(t *testing.T) {
	for _, name := range []string{"alert_threshold_crossed", "alert_projected_limit_exceeded", "alert_spend_tracked", "alert_budget_crossed_docs"} {
		t.Run(name, func(t *testing.T) {
			env := startBoth(t, withLiteLLM)
			resp := env.postLiteLLM(liteLLMAlertsPath, readLiteLLM(t, name+".json"))
			require.Equal(t, http.StatusOK, resp.status, resp.body)
			assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, resp.body)
			require.Len(t, env.logs.AllLogs(), 1)
			actual := env.logs.AllLogs()[0]
			path := filepath.Join("..", "..", "testdata", "litellm", name+".yaml")
			if *updateGolden {
				require.NoError(t, golden.WriteLogs(t, path, actual))
			}
			expected, err := golden.ReadLogs(path)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(expected, actual, plogtest.IgnoreObservedTimestamp()))
			assert.Empty(t, env.spans(), "alerts are log records only")
		})
	}
}

// TestLiteLLMRedeliveryIsNotForwardedTwice: each payload's id is its key, so
// a resent batch forwards nothing and a batch resent in part only the new.
func TestLiteLLMRedeliveryIsNotForwardedTwice(t *testing.T) {
	env := startReceiver(t, withLiteLLM, nil)
	require.Equal(t, http.StatusOK, env.postLiteLLM(liteLLMPath, readLiteLLM(t, "chat_openai.json")).status)
	resp := env.postLiteLLM(liteLLMPath, readLiteLLM(t, "batch.ndjson"))
	require.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `{"accepted":2,"duplicates":1}`, resp.body, "the chat call came before in a single-payload delivery")
	resp = env.postLiteLLM(liteLLMPath, readLiteLLM(t, "batch_array.json"))
	assert.JSONEq(t, `{"accepted":0,"duplicates":3}`, resp.body)
	assert.Len(t, env.spans(), 3)
	assert.Equal(t, int64(4), env.counter(metricDupSpans))

	// A cache hit is a call of its own.
	resp = env.postLiteLLM(liteLLMPath, readLiteLLM(t, "cache_hit.json"))
	assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, resp.body)
	// The same ids sent by another sender are that sender's keys.
	assert.Len(t, env.spans(), 4)
}

// TestLiteLLMAlertRedelivery: an alert's body is its key.
func TestLiteLLMAlertRedelivery(t *testing.T) {
	env := startBoth(t, withLiteLLM)
	body := readLiteLLM(t, "alert_threshold_crossed.json")
	require.Equal(t, http.StatusOK, env.postLiteLLM(liteLLMAlertsPath, body).status)
	resp := env.postLiteLLM(liteLLMAlertsPath, body)
	require.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)
	assert.Equal(t, int64(1), env.counter(metricDupDeliveries, "sender", "litellm_alerts"))
	other := strings.Replace(string(body), `"spend":85.0`, `"spend":95.0`, 1)
	require.NotEqual(t, string(body), other)
	assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, env.postLiteLLM(liteLLMAlertsPath, []byte(other)).body)
	assert.Len(t, env.records(), 2)
}

// TestLiteLLMAuth: the callback's static header opens both paths; a
// missing or wrong one is a 401, and other senders' credentials do not.
func TestLiteLLMAuth(t *testing.T) {
	const broadcast = "Bearer broadcast-token"
	env := startBoth(t, func(c *Config) {
		withLiteLLM(c)
		c.RequiredHeaders = map[string]configopaque.String{"Authorization": broadcast}
	})
	batch := readLiteLLM(t, "batch_array.json")
	alert := readLiteLLM(t, "alert_spend_tracked.json")
	for _, tc := range []struct {
		path    string
		body    []byte
		headers []string
	}{
		{liteLLMPath, batch, []string{"Content-Type", "application/json"}},
		{liteLLMPath, batch, []string{"Content-Type", "application/json", "Authorization", "Bearer wrong"}},
		{liteLLMPath, batch, []string{"Content-Type", "application/json", "Authorization", broadcast}},
		{liteLLMAlertsPath, alert, []string{"Content-Type", "application/json"}},
		{liteLLMAlertsPath, alert, []string{"Content-Type", "application/json", "Authorization", "Bearer wrong"}},
	} {
		resp := env.do(http.MethodPost, tc.path, tc.body, tc.headers...)
		require.Equal(t, http.StatusUnauthorized, resp.status, tc.path)
		assert.Contains(t, resp.body, "required header Authorization is missing or has the wrong value")
	}
	assert.Equal(t, int64(3), env.counter(metricAuthFailures, "sender", "litellm"))
	assert.Equal(t, int64(2), env.counter(metricAuthFailures, "sender", "litellm_alerts"))
	assert.Empty(t, env.spans())
	assert.Empty(t, env.records())
	resp := env.do(http.MethodPost, "/v1/traces", readTestdata(t, "chat_privacy_off.json"), "Content-Type", "application/json", "Authorization", liteLLMToken)
	assert.Equal(t, http.StatusUnauthorized, resp.status, "the LiteLLM token does not open the OTLP path")

	require.Equal(t, http.StatusOK, env.postLiteLLM(liteLLMPath, batch).status)
	require.Equal(t, http.StatusOK, env.postLiteLLM(liteLLMAlertsPath, alert).status)
	assert.Len(t, env.spans(), 3)
	assert.Len(t, env.records(), 1)
}

// TestLiteLLMAllowedSources: the section's allowed_sources guard both paths.
func TestLiteLLMAllowedSources(t *testing.T) {
	closed := startBoth(t, func(c *Config) {
		withLiteLLM(c)
		c.LiteLLM.Get().AllowedSources = []string{"192.0.2.0/24"}
	})
	for _, path := range []string{liteLLMPath, liteLLMAlertsPath} {
		resp := closed.postLiteLLM(path, readLiteLLM(t, "alert_spend_tracked.json"))
		assert.Equal(t, http.StatusForbidden, resp.status, path)
	}
	assert.Equal(t, int64(1), closed.counter(metricAuthFailures, "sender", "litellm"))
	assert.Equal(t, int64(1), closed.counter(metricAuthFailures, "sender", "litellm_alerts"))

	open := startBoth(t, func(c *Config) {
		withLiteLLM(c)
		c.LiteLLM.Get().AllowedSources = []string{"127.0.0.1", "::1"}
	})
	assert.Equal(t, http.StatusOK, open.postLiteLLM(liteLLMPath, readLiteLLM(t, "chat_openai.json")).status)
	assert.Equal(t, http.StatusOK, open.postLiteLLM(liteLLMAlertsPath, readLiteLLM(t, "alert_spend_tracked.json")).status)
}

// TestLiteLLMBadPayloadIsRefusedWhole: a 400 naming the payload and the
// field; nothing forwarded, nothing remembered, so the fixed batch goes in.
func TestLiteLLMBadPayloadIsRefusedWhole(t *testing.T) {
	env := startReceiver(t, withLiteLLM, nil)
	lines := strings.Split(string(readLiteLLM(t, "batch.ndjson")), "\n")
	bad := strings.Replace(lines[2], `"startTime": 1796058020.100512`, `"startTime": {"at": 1}`, 1)
	require.NotEqual(t, lines[2], bad)
	resp := env.postLiteLLM(liteLLMPath, []byte(strings.Join([]string{lines[0], lines[1], bad}, "\n")))
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, resp.body, "payloads[2].startTime: not a number or a time, got an object")
	assert.Empty(t, env.spans())
	resp = env.postLiteLLM(liteLLMPath, readLiteLLM(t, "batch.ndjson"))
	assert.JSONEq(t, `{"accepted":3,"duplicates":0}`, resp.body)

	for body, want := range map[string]string{
		`[1]`:             "payloads[0]: not an object, got a number",
		`{"a":`:           "body is not valid JSON",
		`"payload"`:       "got a string",
		`{"id":"a"} junk`: "body is not valid JSON",
	} {
		resp := env.postLiteLLM(liteLLMPath, []byte(body))
		require.Equal(t, http.StatusBadRequest, resp.status, body)
		assert.Contains(t, resp.body, want, body)
	}
	resp = env.postLiteLLM(liteLLMAlertsPath, []byte(`{"spend":1}`))
	assert.Equal(t, http.StatusNotFound, resp.status, "no logs pipeline: the alerts path is not served")
	assert.Contains(t, resp.body, `no logs pipeline uses receiver`)
}

func TestLiteLLMRedactContent(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		withLiteLLM(c)
		c.RedactContent = true
	}, nil)
	require.Equal(t, http.StatusOK, env.postLiteLLM(liteLLMPath, readLiteLLM(t, "anthropic_model_group.json")).status)
	attrs := env.spans()[0].Attributes().AsRaw()
	for _, key := range []string{"litellm.messages", "litellm.response", "gen_ai.input.messages", "gen_ai.output.messages"} {
		assert.NotContains(t, attrs, key)
	}
	assert.Equal(t, int64(318), attrs["gen_ai.usage.input_tokens"], "usage is not content")
	assert.Equal(t, "chatcmpl-7d1e6c2a-90b4-4c5e-a3f2-1b8d9e0c4f5a", attrs["gen_ai.response.id"])
}

// TestSameCallFromThreeGateways: with semconv on, a Broadcast, a Helicone
// and a LiteLLM span of the same call carry the five attributes the LLM
// metrics read, with the same provider, tokens and cost.
func TestSameCallFromThreeGateways(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		withHelicone(c)
		withLiteLLM(c)
		c.Semconv = true
	}, nil)
	require.Equal(t, http.StatusOK, env.postJSON(readTestdata(t, "live_chat_total_cost.json")).status)
	require.Equal(t, http.StatusOK, env.postHelicone(readHelicone(t, "openai_chat.json")).status)
	require.Equal(t, http.StatusOK, env.postLiteLLM(liteLLMPath, readLiteLLM(t, "chat_openai.json")).status)
	spans := env.spans()
	require.Len(t, spans, 3)
	five := map[string]any{
		"gen_ai.provider.name":       "openai",
		"gen_ai.usage.input_tokens":  int64(24),
		"gen_ai.usage.output_tokens": int64(12),
		"gen_ai.usage.total_cost":    0.00018,
	}
	for i, gateway := range []string{"Broadcast", "Helicone", "LiteLLM"} {
		attrs := spans[i].Attributes().AsRaw()
		for k, want := range five {
			assert.Equal(t, want, attrs[k], "%s: %s", gateway, k)
		}
		model, _ := attrs["gen_ai.request.model"].(string)
		// OpenRouter's model id names the vendor too: openai/gpt-4o.
		assert.Equal(t, "gpt-4o", model[strings.LastIndex(model, "/")+1:], gateway)
		assert.Equal(t, "user_12345", attrs["user.id"], gateway)
	}
	assert.Equal(t, spans[1].Attributes().AsRaw()["gen_ai.request.model"], spans[2].Attributes().AsRaw()["gen_ai.request.model"])
}
