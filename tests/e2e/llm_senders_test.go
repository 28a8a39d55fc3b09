package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// The deliveries of the LLM metrics test are the repository's sender test
// data (testdata/broadcast, testdata/helicone, testdata/openrouter_events,
// whose golden tests pin what the receiver makes of them) with the numbers
// changed. Where the shapes come from:
//   - OpenRouter Broadcast, OTLP JSON with gen_ai.* attributes:
//     https://openrouter.ai/docs/guides/features/broadcast/overview
//   - Helicone webhooks, signed with the hmac_key (Helicone-Signature):
//     https://docs.helicone.ai/features/webhooks
//   - OpenAI's error response that Helicone forwards for a refused request:
//     https://platform.openai.com/docs/guides/error-codes
//   - OpenRouter event webhooks, signed in X-OpenRouter-Signature: the
//     README's "OpenRouter event webhooks" and testdata/openrouter_events
//   - LiteLLM's StandardLoggingPayload, posted by its generic_api callback
//     as a JSON array with the configured headers: testdata/litellm/README.md
//   - spans an application exports with the GenAI semantic conventions
//     v1.41.0 (chat and invoke_agent):
//     https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-spans.md
//     https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-agent-spans.md

// llmCall is one LLM call as a sender reports it, and the labels the
// metrics must give it.
type llmCall struct {
	sender   string // the llmSender that delivers it
	template string // the repository test data its delivery starts from
	op       string // gen_ai.operation.name; "" when not sent
	model    string // gen_ai.request.model; "" when not sent
	response string // gen_ai.response.model; "" when not sent
	provider string // gen_ai.provider.name as the receiver writes it
	user     string // user.id; "" when not sent
	in, out  int64  // input and output tokens; -1 when not sent
	cost     float64
	priced   bool // whether the sender reports a cost
	duration time.Duration
	// errorType is the error_type label of a failed call ("" when it
	// succeeded): the sender's error.type, or _OTHER when it only marked
	// the span failed.
	errorType string
}

// wrapper reports whether the call is an agent or workflow span, whose
// tokens and cost the metrics leave to the model calls inside it.
func (c llmCall) wrapper() bool { return c.op == "invoke_agent" || c.op == "invoke_workflow" }

// llmEvent is one OpenRouter event webhook.
type llmEvent struct {
	template string // testdata/openrouter_events/<template>.json
	typ      string
}

// llmSecrets are the credentials the example reads from the environment.
type llmSecrets struct {
	broadcastToken, eventsSecret, heliconeKey, liteLLMToken string
}

// llmSender delivers calls the way one gateway does: its path, its
// credentials and its body. Adding a sender is adding an entry.
type llmSender struct {
	name    string // the service.name of its spans, the sender label
	path    string
	deliver func(t *testing.T, s llmSecrets, c llmCall, seq int) (body []byte, headers []string)
}

var llmSenders = map[string]llmSender{
	"broadcast": {name: "openrouter", path: "/v1/traces", deliver: broadcastDelivery},
	"helicone":  {name: "helicone", path: "/helicone", deliver: heliconeDelivery},
	// Any OTLP/HTTP exporter of GenAI spans (an SDK, a gateway) on the OTLP
	// path, with the current semantic-convention names.
	"otlp":    {name: otlpGatewayService, path: "/v1/traces", deliver: otlpGatewayDelivery},
	"litellm": {name: "litellm", path: "/litellm", deliver: liteLLMDelivery},
}

// llmPost delivers one call and requires a 200.
func llmPost(t *testing.T, base string, s llmSecrets, c llmCall, seq int) {
	t.Helper()
	sender, ok := llmSenders[c.sender]
	require.True(t, ok, "no sender %q", c.sender)
	body, headers := sender.deliver(t, s, c, seq)
	status, answer := harness.Post(t, http.MethodPost, base+sender.path, "application/json", body, headers...)
	require.Equal(t, http.StatusOK, status, "%s call %d: %s", c.sender, seq, answer)
}

// llmPostEvent delivers one signed OpenRouter event with a fresh id.
func llmPostEvent(t *testing.T, base string, s llmSecrets, e llmEvent, seq int) {
	t.Helper()
	var ev map[string]any
	require.NoError(t, json.Unmarshal(harness.ReadRepoFile(t, "testdata/openrouter_events/"+e.template+".json"), &ev))
	require.Equal(t, e.typ, ev["type"])
	ev["id"] = fmt.Sprintf("evt_llm_metrics_%04d", seq)
	body, err := json.Marshal(ev)
	require.NoError(t, err)
	status, answer := harness.Post(t, http.MethodPost, base+"/openrouter/events", "application/json", body,
		"X-OpenRouter-Signature", openRouterSign(s.eventsSecret, body))
	require.Equal(t, http.StatusOK, status, "event %d: %s", seq, answer)
	require.JSONEq(t, `{"accepted":1,"duplicates":0}`, answer)
}

// llmIDs gives every delivery its own trace and span IDs, so dedup keeps
// them all.
func llmIDs(seq int) (pcommon.TraceID, pcommon.SpanID) {
	return pcommon.TraceID{0x11, 0x4d, byte(seq >> 8), byte(seq), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		pcommon.SpanID{0x5b, byte(seq >> 8), byte(seq), 1, 2, 3, 4, 5}
}

// llmStart is when every test call starts; the metrics do not read it.
var llmStart = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// broadcastDelivery is an OpenRouter Broadcast span: the template's span
// with the call's model, provider (gen_ai.system), tokens
// (gen_ai.usage.prompt_tokens, completion_tokens), cost (under the name the
// template uses: gen_ai.usage.total_cost or the older gen_ai.usage.cost)
// and times; a failed call is status ERROR without usage, as a generation
// that failed has none.
func broadcastDelivery(t *testing.T, s llmSecrets, c llmCall, seq int) ([]byte, []string) {
	t.Helper()
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(harness.ReadRepoFile(t, c.template))
	require.NoError(t, err)
	span := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	attrs := span.Attributes()
	costKey := "gen_ai.usage.total_cost"
	if _, ok := attrs.Get("gen_ai.usage.cost"); ok {
		costKey = "gen_ai.usage.cost"
	}
	for _, k := range []string{"gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens", "gen_ai.usage.total_tokens",
		"gen_ai.usage.input_cost", "gen_ai.usage.output_cost", "gen_ai.usage.total_cost", "gen_ai.usage.cost",
		"gen_ai.usage.input_tokens.cached", "gen_ai.usage.output_tokens.reasoning"} {
		attrs.Remove(k)
	}
	attrs.PutStr("gen_ai.request.model", c.model)
	attrs.PutStr("gen_ai.system", c.provider)
	llmPutOrRemove(attrs, "gen_ai.response.model", c.response)
	llmPutOrRemove(attrs, "user.id", c.user)
	if c.in >= 0 {
		attrs.PutInt("gen_ai.usage.prompt_tokens", c.in)
		attrs.PutInt("gen_ai.usage.completion_tokens", c.out)
		attrs.PutInt("gen_ai.usage.total_tokens", c.in+c.out)
	}
	if c.priced {
		attrs.PutDouble(costKey, c.cost)
	}
	if c.errorType != "" {
		span.Status().SetCode(ptrace.StatusCodeError)
		span.Status().SetMessage("Provider returned error")
		attrs.Remove("gen_ai.response.finish_reasons")
	}
	llmSetSpan(span, c, seq)
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return body, []string{"Authorization", "Bearer " + s.broadcastToken}
}

// otlpGatewayService is the service.name of the application in the test.
const otlpGatewayService = "support-bot"

// otlpGatewayDelivery is a span of an application that exports OTLP with
// the current GenAI names itself: no cost, and for an agent the summed
// tokens of its model calls.
func otlpGatewayDelivery(t *testing.T, s llmSecrets, c llmCall, seq int) ([]byte, []string) {
	t.Helper()
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", otlpGatewayService)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("opentelemetry.instrumentation.google_genai")
	span := ss.Spans().AppendEmpty()
	span.SetKind(ptrace.SpanKindClient)
	attrs := span.Attributes()
	attrs.PutStr("gen_ai.operation.name", c.op)
	attrs.PutStr("gen_ai.provider.name", c.provider)
	if c.model != "" {
		attrs.PutStr("gen_ai.request.model", c.model)
		attrs.PutStr("gen_ai.response.model", c.response)
		span.SetName(c.op + " " + c.model)
	} else {
		attrs.PutStr("gen_ai.agent.name", "support-bot")
		span.SetName(c.op + " support-bot")
	}
	if c.in >= 0 {
		attrs.PutInt("gen_ai.usage.input_tokens", c.in)
		attrs.PutInt("gen_ai.usage.output_tokens", c.out)
	}
	llmPutOrRemove(attrs, "user.id", c.user)
	llmSetSpan(span, c, seq)
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return body, []string{"Authorization", "Bearer " + s.broadcastToken}
}

func llmPutOrRemove(attrs pcommon.Map, key, value string) {
	if value == "" {
		attrs.Remove(key)
		return
	}
	attrs.PutStr(key, value)
}

func llmSetSpan(span ptrace.Span, c llmCall, seq int) {
	traceID, spanID := llmIDs(seq)
	span.SetTraceID(traceID)
	span.SetSpanID(spanID)
	start := llmStart.Add(time.Duration(seq) * time.Second)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(c.duration)))
}

// heliconeProviders are Helicone's provider names for the test's providers.
var heliconeProviders = map[string]string{"openai": "OPENAI", "anthropic": "ANTHROPIC"}

// heliconeDelivery is a signed Helicone webhook: the template's bodies with
// the call's model, its metadata (cost, promptTokens, completionTokens,
// totalTokens, latencyMs) and, for a failed call, an OpenAI error response
// and metadata with the latency only.
func heliconeDelivery(t *testing.T, s llmSecrets, c llmCall, seq int) ([]byte, []string) {
	t.Helper()
	var d map[string]any
	require.NoError(t, json.Unmarshal(harness.ReadRepoFile(t, c.template), &d))
	traceID, _ := llmIDs(seq)
	id := traceID.String()
	d["request_id"] = id[0:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:32]
	if c.user == "" {
		delete(d, "user_id")
	} else {
		d["user_id"] = c.user
	}
	d["provider"] = heliconeProviders[c.provider]
	d["model"] = c.response
	d["request_body"].(map[string]any)["model"] = c.model
	meta := map[string]any{"latencyMs": c.duration.Milliseconds()}
	if c.errorType != "" {
		// OpenAI's error object, as its API answers a request it refuses.
		d["response_body"] = map[string]any{"error": map[string]any{
			"message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.",
			"type":    c.errorType,
			"param":   "messages",
			"code":    "context_length_exceeded",
		}}
		delete(d, "model")
	} else {
		resp := d["response_body"].(map[string]any)
		resp["model"] = c.response
		meta["promptTokens"], meta["completionTokens"], meta["totalTokens"] = c.in, c.out, c.in+c.out
		if c.priced {
			meta["cost"] = c.cost
		}
	}
	d["metadata"] = meta
	body, err := json.Marshal(d)
	require.NoError(t, err)
	return body, []string{"Helicone-Signature", openRouterSign(s.heliconeKey, body)}
}

// liteLLMDelivery is a batch of LiteLLM's generic_api callback (its default
// json_array framing) holding the template's StandardLoggingPayload with the
// call's model (model_group, and model for the deployment's answer),
// provider (custom_llm_provider), tokens, response_cost, end_user and
// times; its failure template keeps LiteLLM's zero usage and cost.
func liteLLMDelivery(t *testing.T, s llmSecrets, c llmCall, seq int) ([]byte, []string) {
	t.Helper()
	var p map[string]any
	require.NoError(t, json.Unmarshal(harness.ReadRepoFile(t, c.template), &p))
	traceID, _ := llmIDs(seq)
	p["id"] = "chatcmpl-llm-metrics-" + traceID.String()
	p["litellm_call_id"] = traceID.String()
	p["trace_id"] = traceID.String()
	p["model_group"] = c.model
	p["model"] = c.response
	p["custom_llm_provider"] = c.provider
	p["end_user"] = c.user
	p["prompt_tokens"], p["completion_tokens"], p["total_tokens"] = c.in, c.out, c.in+c.out
	p["response_cost"] = c.cost
	start := llmStart.Add(time.Duration(seq) * time.Second)
	p["startTime"] = float64(start.UnixMilli()) / 1000
	p["endTime"] = float64(start.Add(c.duration).UnixMilli()) / 1000
	p["completionStartTime"] = p["endTime"]
	body, err := json.Marshal([]any{p})
	require.NoError(t, err)
	return body, []string{"Authorization", "Bearer " + s.liteLLMToken}
}
