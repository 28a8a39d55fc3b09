package webhookreceiver

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

const (
	heliconePath = "/helicone"
	// heliconeKey is shaped like the 64-character hmac_key of Helicone's
	// dashboard, used as its UTF-8 bytes.
	heliconeKey = "9f2c4b7e1a8d3f6c0b5e9a2d7c4f1b8e3a6d9c2f5b8e1a4d7c0f3b6e9a2d5c8f"
)

func withHelicone(c *Config) {
	s := c.Helicone.GetOrInsertDefault()
	s.Signature.GetOrInsertDefault().Secrets = []configopaque.String{heliconeKey}
}

func readHelicone(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "helicone", name))
	require.NoError(t, err)
	return b
}

// postHelicone POSTs body as Helicone does, signed with its hmac_key.
func (e *testEnv) postHelicone(body []byte, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodPost, heliconePath, body, append([]string{
		"Content-Type", "application/json",
		headerHeliconeSignature, badHMAC(heliconeKey, body),
	}, headers...)...)
}

// TestGoldenHelicone posts each Helicone payload, signed, and compares the
// span with the expected one next to it. The times come from the arrival
// and are checked apart.
func TestGoldenHelicone(t *testing.T) {
	tests := []struct {
		payload string
		latency time.Duration
		created time.Time // the response's own time, when it has one
	}{
		{"test_webhook.json", 350 * time.Millisecond, time.Time{}},
		{"openai_chat.json", 1240 * time.Millisecond, time.Unix(1796058000, 0)},
		{"anthropic_message.json", 2130 * time.Millisecond, time.Time{}},
		{"include_data_off.json", 0, time.Unix(1796058000, 0)},
		{"truncated_body.json", 18400 * time.Millisecond, time.Time{}},
		{"embeddings.json", 95 * time.Millisecond, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.payload, func(t *testing.T) {
			env := startReceiver(t, withHelicone, nil)
			before := time.Now()
			resp := env.postHelicone(readHelicone(t, tt.payload))
			after := time.Now()
			require.Equal(t, http.StatusOK, resp.status, resp.body)
			assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, resp.body)
			spans := env.spans()
			require.Len(t, spans, 1)
			span := spans[0]
			start, end := span.StartTimestamp().AsTime(), span.EndTimestamp().AsTime()
			assert.Equal(t, tt.latency, end.Sub(start), "the span lasts latencyMs")
			if tt.created.IsZero() {
				assert.False(t, end.Before(before.Truncate(time.Microsecond)) || end.After(after), "it ends at arrival")
			} else {
				assert.True(t, tt.created.Equal(start), "it starts when the provider created the response: %s", start)
			}

			actual := env.sink.AllTraces()[0]
			path := filepath.Join("..", "..", "testdata", "helicone", strings.TrimSuffix(tt.payload, ".json")+".yaml")
			if *updateGolden {
				stable := ptrace.NewTraces()
				actual.CopyTo(stable)
				for _, s := range harness.SpansIn([]ptrace.Traces{stable}) {
					if tt.created.IsZero() {
						s.SetStartTimestamp(0)
						s.SetEndTimestamp(0)
					}
				}
				require.NoError(t, golden.WriteTraces(t, path, stable))
			}
			expected, err := golden.ReadTraces(path)
			require.NoError(t, err)
			var opts []ptracetest.CompareTracesOption
			if tt.created.IsZero() {
				opts = append(opts, ptracetest.IgnoreStartTimestamp(), ptracetest.IgnoreEndTimestamp())
			}
			require.NoError(t, ptracetest.CompareTraces(expected, actual, opts...))
		})
	}
}

func TestHeliconeReplayIsDropped(t *testing.T) {
	env := startReceiver(t, withHelicone, nil)
	body := readHelicone(t, "openai_chat.json")
	require.Equal(t, http.StatusOK, env.postHelicone(body).status)
	resp := env.postHelicone(body)
	require.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)
	assert.Len(t, env.spans(), 1)
	assert.Equal(t, int64(1), env.counter(metricDupDeliveries, "sender", "helicone"))
	// The same request id sent to the OTLP path is another sender's key.
	assert.Equal(t, int64(1), env.counter(metricAccepted))
}

func TestHeliconeSignature(t *testing.T) {
	env := startReceiver(t, withHelicone, nil)
	body := readHelicone(t, "anthropic_message.json")
	resp := env.do(http.MethodPost, heliconePath, body, "Content-Type", "application/json")
	require.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Contains(t, gjson(t, resp.body, "message"), "signature header is missing")
	resp = env.do(http.MethodPost, heliconePath, body, "Content-Type", "application/json", headerHeliconeSignature, badHMAC("not-the-key", body))
	require.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Contains(t, gjson(t, resp.body, "message"), "signature does not match the body")
	// The key is used as its text, not hex-decoded.
	resp = env.do(http.MethodPost, heliconePath, body, "Content-Type", "application/json",
		headerHeliconeSignature, badHMAC(string(decodeHex(t, heliconeKey)), body))
	require.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Equal(t, int64(3), env.counter(metricAuthFailures, "sender", "helicone"))
	assert.Empty(t, env.spans())
	require.Equal(t, http.StatusOK, env.postHelicone(body).status)
}

func TestHeliconeBodyThatIsNotAnObject(t *testing.T) {
	env := startReceiver(t, withHelicone, nil)
	for body, want := range map[string]string{
		`[{"request_id":"x"}]`: "the body must be a JSON object (one Helicone request), got an array",
		`"hello"`:              "got a string",
		`{"request_id":`:       "body is not valid JSON",
		`{"a":1} {"b":2}`:      "body is not valid JSON",
	} {
		resp := env.postHelicone([]byte(body))
		require.Equal(t, http.StatusBadRequest, resp.status, body)
		assert.Contains(t, gjson(t, resp.body, "message"), want)
	}
	// Any object a valid signature covers is a span, however odd.
	resp := env.postHelicone([]byte(`{"request_id":42,"metadata":"none","surprise":{"a":[1]}}`))
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	require.Len(t, env.spans(), 1)
	attrs := env.spans()[0].Attributes().AsRaw()
	assert.Equal(t, "42", attrs["helicone.request_id"])
	assert.Equal(t, `"none"`, attrs["helicone.metadata"])
	assert.Equal(t, `{"a":[1]}`, attrs["helicone.surprise"])
	assert.Equal(t, "helicone request", env.spans()[0].Name())
}

func TestHeliconeRedactContent(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		withHelicone(c)
		c.RedactContent = true
	}, nil)
	require.Equal(t, http.StatusOK, env.postHelicone(readHelicone(t, "openai_chat.json")).status)
	attrs := env.spans()[0].Attributes().AsRaw()
	for _, key := range []string{"helicone.request_body", "helicone.response_body", "helicone.request_response_url", "gen_ai.input.messages", "gen_ai.output.messages"} {
		assert.NotContains(t, attrs, key)
	}
	assert.Equal(t, int64(24), attrs["gen_ai.usage.input_tokens"], "usage is not content")
	assert.Equal(t, "550e8400-e29b-41d4-a716-446655440000", attrs["helicone.request_id"])
}

// TestHeliconeNamesDoNotDependOnSemconv: the names are already current.
func TestHeliconeNamesDoNotDependOnSemconv(t *testing.T) {
	keys := func(semconv bool) []string {
		env := startReceiver(t, func(c *Config) {
			withHelicone(c)
			c.Semconv = semconv
		}, nil)
		require.Equal(t, http.StatusOK, env.postHelicone(readHelicone(t, "anthropic_message.json")).status)
		var out []string
		for k := range env.spans()[0].Attributes().All() {
			out = append(out, k)
		}
		return out
	}
	assert.ElementsMatch(t, keys(false), keys(true))
}

// TestThreeSendersOnOnePort: Broadcast, OpenRouter events and Helicone,
// each with its own credentials, on one receiver.
func TestThreeSendersOnOnePort(t *testing.T) {
	const token = "Bearer broadcast-token"
	env := startBoth(t, func(c *Config) {
		withEvents(c)
		withHelicone(c)
		c.RequiredHeaders = map[string]configopaque.String{"Authorization": token}
	})
	require.Equal(t, http.StatusOK, env.postJSON(readTestdata(t, "chat_privacy_off.json"), "Authorization", token).status)
	require.Equal(t, http.StatusOK, env.postEvent(readEvents(t, "model_status_change.json")).status)
	require.Equal(t, http.StatusOK, env.postHelicone(readHelicone(t, "openai_chat.json")).status)
	helicone := readHelicone(t, "anthropic_message.json")
	resp := env.do(http.MethodPost, heliconePath, helicone, "Content-Type", "application/json", "Authorization", token)
	assert.Equal(t, http.StatusUnauthorized, resp.status, "the Broadcast token does not open the Helicone path")
	resp = env.do(http.MethodPost, heliconePath, helicone, "Content-Type", "application/json", headerHeliconeSignature, badHMAC(eventsSecret, helicone))
	assert.Equal(t, http.StatusUnauthorized, resp.status, "the events secret does not open the Helicone path")

	spans := env.spans()
	require.Len(t, spans, 2)
	assert.Equal(t, "chat openai/gpt-4o", spans[0].Name())
	assert.Equal(t, "chat gpt-4o", spans[1].Name())
	assert.Len(t, env.records(), 1)
}
