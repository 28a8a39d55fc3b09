package helicone

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var arrival = time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)

func decodeSpan(t *testing.T, body string) (ptrace.Span, string) {
	t.Helper()
	d, err := Decode([]byte(body), arrival)
	require.NoError(t, err)
	require.Equal(t, 1, d.Traces.SpanCount())
	return d.Traces.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0), d.Key
}

func TestIDs(t *testing.T) {
	span, key := decodeSpan(t, `{"request_id":"550e8400-e29b-41d4-a716-446655440000"}`)
	assert.Equal(t, "550e8400e29b41d4a716446655440000", span.TraceID().String(), "a UUID is the trace ID")
	assert.Equal(t, "550e8400-e29b-41d4-a716-446655440000", key)
	again, _ := decodeSpan(t, `{"request_id":"550e8400-e29b-41d4-a716-446655440000","user_id":"u"}`)
	assert.Equal(t, span.SpanID(), again.SpanID(), "the span ID depends on the request id only")
	assert.False(t, span.SpanID().IsEmpty())

	other, key := decodeSpan(t, `{"request_id":"req-not-a-uuid"}`)
	assert.Equal(t, "req-not-a-uuid", key)
	assert.False(t, other.TraceID().IsEmpty())
	hashed, _ := decodeSpan(t, `{"request_id":"req-not-a-uuid","model":"m"}`)
	assert.Equal(t, other.TraceID(), hashed.TraceID(), "a hash of the id, the same every time")

	// Without a request id the key comes from the body: a replay of the
	// same bytes has the same key, another body another one.
	_, k1 := decodeSpan(t, `{"model":"m"}`)
	_, k2 := decodeSpan(t, `{"model":"m"}`)
	_, k3 := decodeSpan(t, `{"model":"n"}`)
	assert.Equal(t, k1, k2)
	assert.NotEqual(t, k1, k3)
	assert.True(t, strings.HasPrefix(k1, "body-"))
}

func TestTimes(t *testing.T) {
	span, _ := decodeSpan(t, `{"request_id":"r","metadata":{"latencyMs":1500}}`)
	assert.Equal(t, arrival, span.EndTimestamp().AsTime())
	assert.Equal(t, arrival.Add(-1500*time.Millisecond), span.StartTimestamp().AsTime())
	span, _ = decodeSpan(t, `{"request_id":"r","metadata":{"latencyMs":"250"},"response_body":{"created":1796058000}}`)
	assert.Equal(t, time.Unix(1796058000, 0).UTC(), span.StartTimestamp().AsTime())
	assert.Equal(t, 250*time.Millisecond, span.EndTimestamp().AsTime().Sub(span.StartTimestamp().AsTime()))
	span, _ = decodeSpan(t, `{"request_id":"r"}`)
	assert.Equal(t, span.StartTimestamp(), span.EndTimestamp(), "no latency: an instant at arrival")
}

func TestProviderNames(t *testing.T) {
	for in, want := range map[string]string{
		"OPENAI": "openai", "openai": "openai", "ANTHROPIC": "anthropic", "AZURE": "azure.ai.openai",
		"AWS": "aws.bedrock", "GOOGLE": "gcp.gemini", "MISTRAL": "mistral_ai", "X": "x_ai",
		"TOGETHER": "together", "OPENROUTER": "openrouter", " Groq ": "groq",
	} {
		assert.Equal(t, want, ProviderName(in), in)
	}
}

func TestOperations(t *testing.T) {
	tests := []struct{ req, resp, want string }{
		{`{"model":"gpt-4o","messages":[]}`, `{"object":"chat.completion"}`, "chat"},
		{`{"model":"claude","messages":[]}`, `{"type":"message"}`, "chat"},
		{`{"model":"gpt-3.5-turbo-instruct","prompt":"Say hi"}`, `{"object":"text_completion","choices":[{"text":"hi","finish_reason":"stop"}]}`, "text_completion"},
		{`{"model":"text-embedding-3-small","input":"x"}`, `{"object":"list","data":[{"object":"embedding","embedding":[1]}]}`, "embeddings"},
		{`{"model":"nomic-embed-text","input":["a","b"]}`, `"not json"`, "embeddings"},
		{`{"model":"dall-e-3","prompt":"a cat","size":"1024x1024"}`, `{"created":1,"data":[{"url":"https://img"}]}`, ""},
		{`{"contents":[{"parts":[{"text":"hi"}]}]}`, `{"candidates":[]}`, ""},
	}
	for _, tt := range tests {
		span, _ := decodeSpan(t, `{"request_id":"r","request_body":`+tt.req+`,"response_body":`+tt.resp+`}`)
		op, ok := span.Attributes().Get("gen_ai.operation.name")
		if tt.want == "" {
			assert.False(t, ok, tt.req)
			continue
		}
		require.True(t, ok, tt.req)
		assert.Equal(t, tt.want, op.Str(), tt.req)
	}
}

func TestUnknownShapeKeepsEverything(t *testing.T) {
	span, _ := decodeSpan(t, `{"request_id":"r","provider":"GOOGLE","request_body":{"contents":[{"parts":[{"text":"hi"}]}]},"response_body":{"candidates":[{"content":{"parts":[{"text":"hello"}]}}]},"model":"gemini-2.5-pro","metadata":{"cost":0.01,"promptTokens":3,"completionTokens":2,"totalTokens":5,"latencyMs":10,"cacheHit":false}}`)
	assert.Equal(t, "gemini-2.5-pro", span.Name(), "no operation: the model names the span")
	attrs := span.Attributes().AsRaw()
	assert.Equal(t, `{"contents":[{"parts":[{"text":"hi"}]}]}`, attrs[AttrRequestBody])
	assert.Equal(t, `{"candidates":[{"content":{"parts":[{"text":"hello"}]}}]}`, attrs[AttrResponseBody])
	assert.Equal(t, "gcp.gemini", attrs["gen_ai.provider.name"])
	assert.Equal(t, int64(3), attrs["gen_ai.usage.input_tokens"])
	assert.Equal(t, false, attrs["helicone.metadata.cacheHit"])
	assert.NotContains(t, attrs, "gen_ai.input.messages")
}

func TestMessages(t *testing.T) {
	body := `{"request_id":"r","request_body":{"model":"gpt-4o","messages":[` +
		`{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]},` +
		`{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"cat\"}"}}]},` +
		`{"role":"tool","tool_call_id":"call_1","content":"a cat"}]},` +
		`"response_body":{"object":"chat.completion","choices":[{"message":{"role":"assistant","content":"A cat."},"finish_reason":"stop"},{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_2","function":{"name":"f","arguments":"not json"}}]},"finish_reason":"tool_calls"}]}}`
	span, _ := decodeSpan(t, body)
	attrs := span.Attributes().AsRaw()
	assert.JSONEq(t, `[
		{"role":"user","parts":[{"type":"text","content":"What is in this image?"},{"type":"uri","modality":"image","uri":"https://example.com/cat.png"}]},
		{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"lookup","arguments":{"q":"cat"}}]},
		{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","response":"a cat"}]}
	]`, attrs["gen_ai.input.messages"].(string))
	assert.JSONEq(t, `[
		{"role":"assistant","parts":[{"type":"text","content":"A cat."}],"finish_reason":"stop"},
		{"role":"assistant","parts":[{"type":"tool_call","id":"call_2","name":"f","arguments":"not json"}],"finish_reason":"tool_calls"}
	]`, attrs["gen_ai.output.messages"].(string))
	assert.Equal(t, []any{"stop", "tool_calls"}, attrs["gen_ai.response.finish_reasons"])

	anthropic := `{"request_id":"r","request_body":{"model":"claude","system":[{"type":"text","text":"Be brief."}],"messages":[{"role":"user","content":"Hi"}]},` +
		`"response_body":{"type":"message","role":"assistant","content":[{"type":"thinking","thinking":"greet"},{"type":"text","text":"Hello."},{"type":"tool_use","id":"tu_1","name":"wave","input":{"times":2}}],"stop_reason":"tool_use"}}`
	span, _ = decodeSpan(t, anthropic)
	attrs = span.Attributes().AsRaw()
	assert.JSONEq(t, `[{"type":"text","content":"Be brief."}]`, attrs["gen_ai.system_instructions"].(string))
	assert.JSONEq(t, `[{"role":"assistant","finish_reason":"tool_use","parts":[{"type":"reasoning","content":"greet"},{"type":"text","content":"Hello."},{"type":"tool_call","id":"tu_1","name":"wave","arguments":{"times":2}}]}]`,
		attrs["gen_ai.output.messages"].(string))
}

func TestErrorResponses(t *testing.T) {
	span, _ := decodeSpan(t, `{"request_id":"r","response_body":{"error":{"message":"Rate limit reached","type":"rate_limit_exceeded","code":"rate_limit_exceeded"}}}`)
	assert.Equal(t, ptrace.StatusCodeError, span.Status().Code())
	assert.Equal(t, "Rate limit reached", span.Status().Message())
	v, _ := span.Attributes().Get("error.type")
	assert.Equal(t, "rate_limit_exceeded", v.Str())
	span, _ = decodeSpan(t, `{"request_id":"r","response_body":"{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"}`)
	assert.Equal(t, ptrace.StatusCodeError, span.Status().Code())
	v, _ = span.Attributes().Get("error.type")
	assert.Equal(t, "overloaded_error", v.Str())
}

func TestBodies(t *testing.T) {
	span, _ := decodeSpan(t, `{"request_id":"r","request_body":"not json at all","response_body":"`+TruncatedBody+`"}`)
	attrs := span.Attributes().AsRaw()
	assert.Equal(t, "not json at all", attrs[AttrRequestBody])
	assert.Equal(t, TruncatedBody, attrs[AttrResponseBody])
	assert.Equal(t, true, attrs[AttrBodyTruncated])
	span, _ = decodeSpan(t, `{"request_id":"r","request_body":[1, 2],"response_body":42}`)
	attrs = span.Attributes().AsRaw()
	assert.Equal(t, "[1,2]", attrs[AttrRequestBody])
	assert.Equal(t, "42", attrs[AttrResponseBody])
	assert.NotContains(t, attrs, AttrBodyTruncated)
}

func TestNotAnObject(t *testing.T) {
	for body, want := range map[string]string{
		``:          "got nothing",
		`[]`:        "got an array",
		`null`:      "got null",
		`12`:        "got a number",
		`{"a":`:     "body is not valid JSON",
		`{} {}`:     "data after the JSON object",
		`<xml/>`:    "got text that is not JSON",
		`"request"`: "got a string",
	} {
		_, err := Decode([]byte(body), arrival)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
	}
}
