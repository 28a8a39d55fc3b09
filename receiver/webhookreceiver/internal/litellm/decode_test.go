package litellm

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var arrival = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	return mustRead(t, name)
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "litellm", name))
	require.NoError(tb, err)
	return b
}

func spansOf(c Calls) []ptrace.Span {
	var out []ptrace.Span
	spans := c.Traces.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := 0; i < spans.Len(); i++ {
		out = append(out, spans.At(i))
	}
	return out
}

func decodeOne(t *testing.T, body string) (ptrace.Span, string) {
	t.Helper()
	c, err := Decode([]byte(body), arrival)
	require.NoError(t, err)
	require.Len(t, c.Keys, 1)
	return spansOf(c)[0], c.Keys[0]
}

func attrs(s ptrace.Span) map[string]any { return s.Attributes().AsRaw() }

// TestFramings: a JSON array, NDJSON and one object per request are told
// apart under the same content type and become the same spans.
func TestFramings(t *testing.T) {
	array, err := Decode(readTestdata(t, "batch_array.json"), arrival)
	require.NoError(t, err)
	ndjson, err := Decode(readTestdata(t, "batch.ndjson"), arrival)
	require.NoError(t, err)
	require.Equal(t, 3, array.Traces.SpanCount())
	assert.Equal(t, array.Keys, ndjson.Keys)
	assert.Equal(t, []string{"chatcmpl-AbC123xYz", "chatcmpl-7d1e6c2a-90b4-4c5e-a3f2-1b8d9e0c4f5a", "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"}, array.Keys)
	for i, s := range spansOf(array) {
		n := spansOf(ndjson)[i]
		assert.Equal(t, s.Name(), n.Name())
		assert.Equal(t, s.SpanID(), n.SpanID())
		assert.Equal(t, attrs(s), attrs(n))
	}
	single, err := Decode(readTestdata(t, "chat_openai.json"), arrival)
	require.NoError(t, err)
	assert.Equal(t, attrs(spansOf(array)[0]), attrs(spansOf(single)[0]))

	// NDJSON with CRLF, blank lines and a trailing newline.
	lines := strings.Split(strings.TrimSpace(string(readTestdata(t, "batch.ndjson"))), "\n")
	loose, err := Decode([]byte("\r\n"+strings.Join(lines, "\r\n\r\n")+"\n"), arrival)
	require.NoError(t, err)
	assert.Equal(t, array.Keys, loose.Keys)

	empty, err := Decode([]byte(" [ ] "), arrival)
	require.NoError(t, err)
	assert.Equal(t, 0, empty.Traces.SpanCount())
}

func TestIDs(t *testing.T) {
	span, key := decodeOne(t, `{"id":"chatcmpl-1","trace_id":"3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9"}`)
	assert.Equal(t, "chatcmpl-1", key)
	assert.Equal(t, "3f2a1b0c9d8e4f7ab6c5d4e3f2a1b0c9", span.TraceID().String(), "a UUID trace_id is the trace ID")
	sum := sha256.Sum256([]byte("chatcmpl-1"))
	assert.Equal(t, hex.EncodeToString(sum[:8]), span.SpanID().String(), "the span ID is the SHA-256 of id")

	named, _ := decodeOne(t, `{"id":"chatcmpl-2","trace_id":"session_abc123"}`)
	other, _ := decodeOne(t, `{"id":"chatcmpl-3","trace_id":"session_abc123"}`)
	sum = sha256.Sum256([]byte("session_abc123"))
	assert.Equal(t, hex.EncodeToString(sum[:16]), named.TraceID().String(), "another text: its SHA-256")
	assert.Equal(t, named.TraceID(), other.TraceID(), "calls of one session share a trace")
	assert.NotEqual(t, named.SpanID(), other.SpanID())

	for _, body := range []string{`{"id":"chatcmpl-4"}`, `{"id":"chatcmpl-4","trace_id":null}`, `{"id":"chatcmpl-4","trace_id":""}`} {
		span, _ := decodeOne(t, body)
		sum = sha256.Sum256([]byte("chatcmpl-4"))
		assert.Equal(t, hex.EncodeToString(sum[:16]), span.TraceID().String(), "no trace_id: derived from id, %s", body)
	}

	// A cache hit is a call of its own: the suffix is part of the key.
	hit, hitKey := decodeOne(t, string(readTestdata(t, "cache_hit.json")))
	orig, origKey := decodeOne(t, string(readTestdata(t, "chat_openai.json")))
	assert.Equal(t, "chatcmpl-AbC123xYz_cache_hit1796058123.456789", hitKey)
	assert.NotEqual(t, origKey, hitKey)
	assert.NotEqual(t, orig.SpanID(), hit.SpanID())
	assert.Equal(t, orig.TraceID(), hit.TraceID(), "same session")

	// Without an id the payload's bytes stand in: a replay is recognised.
	_, k1 := decodeOne(t, `{"model":"m"}`)
	_, k2 := decodeOne(t, `{"model":"m"}`)
	_, k3 := decodeOne(t, `{"model":"n"}`)
	assert.Equal(t, k1, k2)
	assert.NotEqual(t, k1, k3)
	assert.True(t, strings.HasPrefix(k1, "body-"))
	batch, err := Decode([]byte(`[{"model":"m"}, {"model":"m"}]`), arrival)
	require.NoError(t, err)
	assert.Equal(t, []string{k1, k1}, batch.Keys, "the bytes of each payload, without the separator")
}

func TestTimes(t *testing.T) {
	span, _ := decodeOne(t, `{"id":"a","startTime":1737710446.847371,"endTime":1737710448.1,"completionStartTime":1737710446.9}`)
	assert.Equal(t, time.Date(2025, 1, 24, 9, 20, 46, 847371000, time.UTC), span.StartTimestamp().AsTime())
	assert.Equal(t, time.Date(2025, 1, 24, 9, 20, 48, 100000000, time.UTC), span.EndTimestamp().AsTime())
	assert.InDelta(t, 0.052629, attrs(span)[AttrTimeToFirstToken], 1e-9)

	// The text some loggers write, naive (UTC) or with an offset.
	span, _ = decodeOne(t, `{"id":"a","startTime":"2025-01-24 09:20:46.847371","endTime":"2025-01-24T10:20:48.5+01:00"}`)
	assert.Equal(t, time.Date(2025, 1, 24, 9, 20, 46, 847371000, time.UTC), span.StartTimestamp().AsTime())
	assert.Equal(t, time.Date(2025, 1, 24, 9, 20, 48, 500000000, time.UTC), span.EndTimestamp().AsTime())

	// Not a TTFT when it is the start; only one time: an instant there.
	span, _ = decodeOne(t, `{"id":"a","endTime":1737710448.0,"completionStartTime":1737710448.0}`)
	assert.Equal(t, span.StartTimestamp(), span.EndTimestamp())
	assert.NotContains(t, attrs(span), AttrTimeToFirstToken)
	span, _ = decodeOne(t, `{"id":"a"}`)
	assert.Equal(t, arrival, span.StartTimestamp().AsTime(), "no times: an instant at arrival")
	assert.Equal(t, arrival, span.EndTimestamp().AsTime())
}

func TestUnixSeconds(t *testing.T) {
	for in, want := range map[string]time.Time{
		"1737710446.847371":  time.Date(2025, 1, 24, 9, 20, 46, 847371000, time.UTC),
		"1737710446.8473709": time.Date(2025, 1, 24, 9, 20, 46, 847371000, time.UTC),
		"1737710446.9999996": time.Date(2025, 1, 24, 9, 20, 47, 0, time.UTC),
		"1737710446":         time.Date(2025, 1, 24, 9, 20, 46, 0, time.UTC),
		"1.7377104468e9":     time.Date(2025, 1, 24, 9, 20, 46, 800000000, time.UTC),
	} {
		got, err := unixSeconds(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"1737710446847", "-5", "1e300", "12a"} {
		_, err := unixSeconds(in)
		assert.Error(t, err, in)
	}
}

func TestOperationsAndProviders(t *testing.T) {
	for in, want := range map[string]string{
		"completion": "chat", "acompletion": "chat", "text_completion": "text_completion", "atext_completion": "text_completion",
		"embedding": "embeddings", "aembedding": "embeddings", "image_generation": "image_generation",
		"aimage_generation": "image_generation", "aresponses": "aresponses", "anthropic_messages": "anthropic_messages",
	} {
		assert.Equal(t, want, OperationName(in), in)
	}
	for in, want := range map[string]string{
		"openai": "openai", "azure": "azure.ai.openai", "anthropic": "anthropic", "bedrock": "aws.bedrock",
		"vertex_ai": "gcp.vertex_ai", "gemini": "gcp.gemini", "mistral": "mistral_ai", "xai": "x_ai",
		"together_ai": "together_ai", "ollama": "ollama",
	} {
		assert.Equal(t, want, ProviderName(in), in)
	}
	span, _ := decodeOne(t, `{"id":"a","call_type":"aembedding","model":"text-embedding-3-small","model_group":""}`)
	assert.Equal(t, "embeddings text-embedding-3-small", span.Name())
	assert.Equal(t, "text-embedding-3-small", attrs(span)["gen_ai.request.model"], "no group: the model")
	span, _ = decodeOne(t, `{"id":"a","call_type":"acompletion","model":"claude-3-5-sonnet-20241022","model_group":"claude-sonnet"}`)
	assert.Equal(t, "chat claude-sonnet", span.Name(), "the group is what the client asked for")
	assert.Equal(t, "claude-3-5-sonnet-20241022", attrs(span)["gen_ai.response.model"])
	span, _ = decodeOne(t, `{"id":"a"}`)
	assert.Equal(t, "litellm call", span.Name())
	assert.Equal(t, ptrace.SpanKindClient, span.Kind())
}

func TestUserAndSession(t *testing.T) {
	span, _ := decodeOne(t, `{"id":"a","end_user":"user_1","metadata":{"user_api_key_user_id":"internal-7","requester_metadata":{"session_id":"s-1"}}}`)
	assert.Equal(t, "user_1", attrs(span)["user.id"])
	assert.Equal(t, "s-1", attrs(span)["session.id"])
	span, _ = decodeOne(t, `{"id":"a","end_user":"","metadata":{"user_api_key_user_id":"internal-7","requester_metadata":null}}`)
	assert.Equal(t, "internal-7", attrs(span)["user.id"], "no end user: the key's user")
	assert.NotContains(t, attrs(span), "session.id")
	span, _ = decodeOne(t, `{"id":"a","metadata":{"user_api_key_user_id":null}}`)
	assert.NotContains(t, attrs(span), "user.id")
}

func TestFailure(t *testing.T) {
	span, _ := decodeOne(t, string(readTestdata(t, "failure.json")))
	assert.Equal(t, ptrace.StatusCodeError, span.Status().Code())
	assert.True(t, strings.HasPrefix(span.Status().Message(), "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached"))
	a := attrs(span)
	assert.Equal(t, "RateLimitError", a["error.type"])
	assert.Equal(t, "429", a["litellm.error_information.error_code"])
	assert.Equal(t, "failure", a[AttrStatus])

	span, _ = decodeOne(t, `{"id":"a","status":"failure","error_information":{"error_code":"500"}}`)
	assert.Equal(t, "500", attrs(span)["error.type"], "no class: the code")
	assert.Equal(t, "failure", span.Status().Message())
	span, _ = decodeOne(t, `{"id":"a","status":"failure"}`)
	assert.Equal(t, "_OTHER", attrs(span)["error.type"])
	span, _ = decodeOne(t, `{"id":"a","status":"success"}`)
	assert.Equal(t, ptrace.StatusCodeUnset, span.Status().Code())
}

func TestRequestParameters(t *testing.T) {
	span, _ := decodeOne(t, `{"id":"a","model_parameters":{"temperature":1,"top_p":0.9,"max_completion_tokens":300,"seed":7,"n":2,"stop":"END","user":"u","temperature_text":"x","frequency_penalty":"high"}}`)
	a := attrs(span)
	assert.Equal(t, 1.0, a["gen_ai.request.temperature"])
	assert.Equal(t, 0.9, a["gen_ai.request.top_p"])
	assert.Equal(t, int64(300), a["gen_ai.request.max_tokens"])
	assert.Equal(t, int64(7), a["gen_ai.request.seed"])
	assert.Equal(t, int64(2), a["gen_ai.request.choice.count"])
	assert.Equal(t, []any{"END"}, a["gen_ai.request.stop_sequences"])
	assert.Equal(t, "u", a["litellm.model_parameters.user"], "no convention name: kept")
	assert.Equal(t, "high", a["litellm.model_parameters.frequency_penalty"], "not a number: kept as sent")
	assert.NotContains(t, a, "gen_ai.request.frequency_penalty")
	assert.NotContains(t, a, "litellm.model_parameters.temperature", "moved, not copied")
	span, _ = decodeOne(t, `{"id":"a","model_parameters":{"stop":["a","b"]}}`)
	assert.Equal(t, []any{"a", "b"}, attrs(span)["gen_ai.request.stop_sequences"])
}

func TestContent(t *testing.T) {
	span, _ := decodeOne(t, string(readTestdata(t, "chat_openai.json")))
	a := attrs(span)
	assert.JSONEq(t, `[{"role":"system","parts":[{"type":"text","content":"You are a helpful support agent."}]},{"role":"user","parts":[{"type":"text","content":"How do I reset my password?"}]}]`, a["gen_ai.input.messages"].(string))
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"Open Settings, choose Security and click Reset password."}],"finish_reason":"stop"}]`, a["gen_ai.output.messages"].(string))
	assert.Equal(t, []any{"stop"}, a["gen_ai.response.finish_reasons"])
	assert.Equal(t, "chatcmpl-AbC123xYz", a["gen_ai.response.id"])
	assert.Contains(t, a[AttrMessages], `{"role":"user","content":"How do I reset my password?"}`, "as sent, compact")
	assert.Contains(t, a[AttrResponse], `"system_fingerprint":"fp_7f6be3efb0"`)

	// A text prompt, a response that is a string, content LiteLLM left out.
	span, _ = decodeOne(t, `{"id":"a","messages":"Say hi","response":"hi"}`)
	a = attrs(span)
	assert.JSONEq(t, `[{"role":"user","parts":[{"type":"text","content":"Say hi"}]}]`, a["gen_ai.input.messages"].(string))
	assert.Equal(t, "hi", a[AttrResponse])
	assert.NotContains(t, a, "gen_ai.output.messages")
	span, _ = decodeOne(t, `{"id":"a","messages":null,"response":null}`)
	assert.NotContains(t, attrs(span), AttrMessages)
	assert.NotContains(t, attrs(span), AttrResponse)
}

func TestEverythingElseIsKept(t *testing.T) {
	span, _ := decodeOne(t, `{"id":"a","api_base":"https://api.openai.com/v1","cache_hit":true,"cache_key":"k","request_tags":["t1","t2"],`+
		`"requester_ip_address":"203.0.113.7","guardrail_information":[{"guardrail_name":"pii","guardrail_status":"success"}],`+
		`"metadata":{"user_api_key_alias":"bot","user_api_key_hash":"h","user_api_key_team_id":"t","user_api_key_org_id":"o","spend_logs_metadata":null},`+
		`"model_map_information":{"model_map_key":"gpt-4o","model_map_value":{"mode":"chat"}},"new_field":{"x":[1]},"hidden_params":{"additional_headers":{"x_ratelimit_remaining_requests":9}}}`)
	a := attrs(span)
	for k, want := range map[string]any{
		"litellm.api_base": "https://api.openai.com/v1", "litellm.cache_hit": true, "litellm.cache_key": "k",
		"litellm.request_tags": []any{"t1", "t2"}, "litellm.requester_ip_address": "203.0.113.7",
		"litellm.guardrail_information":                                           []any{map[string]any{"guardrail_name": "pii", "guardrail_status": "success"}},
		"litellm.metadata.user_api_key_alias":                                     "bot",
		"litellm.metadata.user_api_key_hash":                                      "h",
		"litellm.metadata.user_api_key_team_id":                                   "t",
		"litellm.metadata.user_api_key_org_id":                                    "o",
		"litellm.model_map_information.model_map_key":                             "gpt-4o",
		"litellm.model_map_information.model_map_value":                           `{"mode":"chat"}`,
		"litellm.new_field.x":                                                     []any{int64(1)},
		"litellm.hidden_params.additional_headers.x_ratelimit_remaining_requests": int64(9),
	} {
		assert.Equal(t, want, a[k], k)
	}
	assert.NotContains(t, a, "litellm.metadata.spend_logs_metadata", "null says there is no value")
}

func TestRefusals(t *testing.T) {
	good := `{"id":"ok","startTime":1.5}`
	for body, want := range map[string]string{
		``:                                "the body must be a JSON array of LiteLLM payloads, NDJSON or one payload object, got nothing",
		`"x"`:                             "got a string",
		`[` + good + `, 5]`:               "payloads[1]: not an object, got a number",
		good + "\n[1]":                    "payloads[1]: not an object, got an array",
		`[` + good + `,{"startTime":{}}]`: "payloads[1].startTime: not a number or a time, got an object",
		`[{},{},{},{"startTime":"soon"}]`: `payloads[3].startTime: not a time: "soon"`,
		`{"prompt_tokens":1.5}`:           "payloads[0].prompt_tokens: not an integer, got 1.5",
		`{"prompt_tokens":"12"}`:          "payloads[0].prompt_tokens: not an integer, got a string",
		`{"response_cost":"0.1"}`:         "payloads[0].response_cost: not a number, got a string",
		`{"id":5}`:                        "payloads[0].id: not a string, got a number",
		`{"metadata":[]}`:                 "payloads[0].metadata: not an object, got an array",
		`{"request_tags":"a"}`:            "payloads[0].request_tags: not an array, got a string",
		`{"cache_hit":"yes"}`:             "payloads[0].cache_hit: not a boolean, got a string",
		`{"metadata":{"user_api_key_user_id":7}}`: "payloads[0].metadata.user_api_key_user_id: not a string, got a number",
		`[` + good:              "body is not valid JSON",
		`[` + good + `] x`:      "body is not valid JSON",
		good + ` x`:             "body is not valid JSON",
		`{"id":"a",}`:           "body is not valid JSON",
		`{"a":`:                 "body is not valid JSON: it ends inside a value",
		`{"prompt_tokens":1.}`:  "body is not valid JSON: invalid character in numeric literal at byte 20",
		`{"response_cost":-x}`:  "body is not valid JSON: invalid character in numeric literal",
		`{"startTime":1.e5}`:    "body is not valid JSON: invalid character",
		`{"startTime":"2025-01`: "body is not valid JSON: it ends inside a value",
		`{"endTime":"\x"}`:      "body is not valid JSON: invalid character in string escape code",
		`{"cache_hit":tru}`:     "body is not valid JSON",
		`{"metadata":{"x":`:     "body is not valid JSON: it ends inside a value",
		`{"a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`:              "payloads[0].a: nested more than 64 levels",
		`{"metadata":{"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}`: "payloads[0].metadata.x: nested more than 64 levels",
	} {
		c, err := Decode([]byte(body), arrival)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
		assert.Equal(t, Calls{}, c, "nothing of a refused delivery is returned")
	}
}
