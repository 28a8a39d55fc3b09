package e2e

// examples/spans-to-automation-hook.yaml, run as it is but for the
// addresses: a Broadcast span sent to its otlp receiver reaches the hook as
// one small flat JSON object, and spans that are not LLM calls do not.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

func TestAutomationHookExampleSendsFlatObjects(t *testing.T) {
	var mu sync.Mutex
	var objects []map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		var obj map[string]any
		if err != nil || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &obj) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		objects = append(objects, obj)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"status": "success"}`))
	}))
	t.Cleanup(hook.Close)

	port := harness.FreePort(t)
	conf := exampleLoad(t, "examples/spans-to-automation-hook.yaml")
	exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", port), "receivers", "otlp", "protocols", "http", "endpoint")
	exampleSet(t, conf, hook.URL+"/hooks/catch/123/abc", "exporters", "webhook/automation", "endpoint")
	// Without a queue the otlp receiver answers once the hook has the data.
	conf["exporters"].(map[string]any)["webhook/automation"].(map[string]any)["sending_queue"] = map[string]any{"enabled": false}
	conf["service"].(map[string]any)["telemetry"] = exampleTelemetry(0)
	exampleStartCollector(t, conf)

	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port)
	notLLM := []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"7f3e2a105c4b4d1e9a8f0b6c2d3e4f5a","spanId":"0102030405060708","name":"support-agent","startTimeUnixNano":"1705313000000000000","endTimeUnixNano":"1705313004000000000","attributes":[{"key":"user.id","value":{"stringValue":"user_12345"}}]}]}]}]}`)
	for _, body := range [][]byte{harness.ReadRepoFile(t, "testdata/broadcast/chat_privacy_off.json"), notLLM} {
		status, resp := harness.Post(t, http.MethodPost, url, "application/json", body)
		require.Equal(t, http.StatusOK, status, resp)
	}

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, objects, 1, "one object for the LLM call, none for the span without a model")
	assert.Equal(t, map[string]any{
		"event":         "llm_call",
		"model":         "openai/gpt-4o",
		"input_tokens":  float64(100),
		"output_tokens": float64(42),
		"cost_usd":      0.000671,
		"user":          "user_12345",
		"session":       "session_abc123",
		"status":        "ok",
		"duration_ms":   float64(1250),
		"trace_id":      "5b8efff798038103d269b633813fc60c",
		"at":            "2024-01-15T10:00:00Z",
	}, objects[0])
}
