package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/ids"
)

// GenAI semantic-convention names, the ones Broadcast and Helicone spans
// carry too.
const (
	attrOperation     = "gen_ai.operation.name"
	attrProvider      = "gen_ai.provider.name"
	attrRequestModel  = "gen_ai.request.model"
	attrResponseModel = "gen_ai.response.model"
	attrResponseID    = "gen_ai.response.id"
	attrFinishReasons = "gen_ai.response.finish_reasons"
	attrInputTokens   = "gen_ai.usage.input_tokens"
	attrOutputTokens  = "gen_ai.usage.output_tokens"
	attrTotalTokens   = "gen_ai.usage.total_tokens"
	attrTotalCost     = "gen_ai.usage.total_cost"
	attrInputMessages = "gen_ai.input.messages"
	attrOutputMsgs    = "gen_ai.output.messages"
	attrSystem        = "gen_ai.system_instructions"
	attrUserID        = "user.id"
	attrSessionID     = "session.id"
	attrErrorType     = "error.type"
)

// LiteLLM's own attributes that the mapping reads or writes.
const (
	AttrID               = AttrPrefix + "id"
	AttrTraceID          = AttrPrefix + "trace_id"
	AttrCallType         = AttrPrefix + "call_type"
	AttrProvider         = AttrPrefix + "custom_llm_provider"
	AttrStatus           = AttrPrefix + "status"
	AttrTimeToFirstToken = AttrPrefix + "time_to_first_token"
	// AttrMessages and AttrResponse hold the request's messages and the
	// response as sent: content, which redact_content removes.
	AttrMessages = AttrPrefix + "messages"
	AttrResponse = AttrPrefix + "response"

	metadataPrefix = AttrPrefix + "metadata."
	paramsPrefix   = AttrPrefix + "model_parameters."
	errorPrefix    = AttrPrefix + "error_information."
)

// operations maps LiteLLM's call_type to gen_ai.operation.name; any other
// call type is its own name.
var operations = map[string]string{
	"completion": "chat", "acompletion": "chat",
	"text_completion": "text_completion", "atext_completion": "text_completion",
	"embedding": "embeddings", "aembedding": "embeddings",
	"image_generation": "image_generation", "aimage_generation": "image_generation",
}

// providers maps LiteLLM's custom_llm_provider to the semantic conventions'
// gen_ai.provider.name where one exists; any other is kept as LiteLLM names it.
var providers = map[string]string{
	"openai": "openai", "text-completion-openai": "openai",
	"azure": "azure.ai.openai", "azure_text": "azure.ai.openai", "azure_ai": "azure.ai.inference",
	"anthropic": "anthropic", "bedrock": "aws.bedrock",
	"vertex_ai": "gcp.vertex_ai", "vertex_ai_beta": "gcp.vertex_ai", "gemini": "gcp.gemini",
	"mistral": "mistral_ai", "codestral": "mistral_ai", "cohere": "cohere", "cohere_chat": "cohere",
	"groq": "groq", "deepseek": "deepseek", "perplexity": "perplexity", "xai": "x_ai",
	"watsonx": "ibm.watsonx.ai", "watsonx_text": "ibm.watsonx.ai",
}

// ProviderName is the gen_ai.provider.name of a LiteLLM custom_llm_provider.
func ProviderName(provider string) string {
	if v, ok := providers[provider]; ok {
		return v
	}
	return provider
}

// OperationName is the gen_ai.operation.name of a LiteLLM call_type.
func OperationName(callType string) string {
	if v, ok := operations[callType]; ok {
		return v
	}
	return callType
}

// fill builds the span of the call; raw is the payload as sent, for the key
// of a payload without an id. It returns the dedup key.
func (c *call) fill(span ptrace.Span, raw []byte, arrival time.Time) (string, error) {
	span.SetKind(ptrace.SpanKindClient)
	a := c.attrs
	key := c.id
	if key == "" {
		sum := sha256.Sum256(raw)
		key = "body-" + hex.EncodeToString(sum[:16])
	} else {
		a.PutStr(AttrID, c.id)
	}
	span.SetSpanID(ids.SpanID(key))
	if c.traceID != "" {
		span.SetTraceID(ids.TraceID(c.traceID))
		a.PutStr(AttrTraceID, c.traceID)
	} else {
		span.SetTraceID(ids.TraceID(key))
	}

	op := OperationName(c.callType)
	putStr(a, attrOperation, op)
	putStr(a, AttrCallType, c.callType)
	if c.provider != "" {
		a.PutStr(attrProvider, ProviderName(c.provider))
		a.PutStr(AttrProvider, c.provider)
	}
	requestModel := c.modelGroup
	if requestModel == "" {
		requestModel = c.model
	}
	putStr(a, attrRequestModel, requestModel)
	putStr(a, attrResponseModel, c.model)
	span.SetName(spanName(op, requestModel))

	putInt(a, attrInputTokens, c.promptTokens)
	putInt(a, attrOutputTokens, c.completionTokens)
	putInt(a, attrTotalTokens, c.totals)
	if c.cost.ok {
		a.PutDouble(attrTotalCost, c.cost.v)
	}
	if err := c.people(); err != nil {
		return "", err
	}
	c.requestParameters()
	c.content()
	if err := c.setStatus(span.Status()); err != nil {
		return "", err
	}
	c.times(span, arrival)
	return key, nil
}

// people sets user.id (end_user, else the key's user) and session.id (the
// session the request's metadata names).
func (c *call) people() error {
	a := c.attrs
	user := c.endUser
	if user == "" {
		u, err := c.metadataString("user_api_key_user_id")
		if err != nil {
			return err
		}
		user = u
	}
	putStr(a, attrUserID, user)
	for _, k := range []string{"requester_metadata.session_id", "requester_metadata.litellm_session_id"} {
		if v, ok := a.Get(metadataPrefix + k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			a.PutStr(attrSessionID, v.Str())
			break
		}
	}
	return nil
}

// metadataString is a string field of metadata; another type is an error
// naming it, as StandardLoggingMetadata declares it a string.
func (c *call) metadataString(name string) (string, error) {
	v, ok := c.attrs.Get(metadataPrefix + name)
	switch {
	case !ok || v.Type() == pcommon.ValueTypeEmpty:
		return "", nil
	case v.Type() == pcommon.ValueTypeStr:
		return v.Str(), nil
	}
	return "", fmt.Errorf("%s.metadata.%s: not a string, got %s", c.where, name, kindOf(v))
}

// setStatus marks a failed call: status ERROR with error_str, error.type
// from the error's class.
func (c *call) setStatus(st ptrace.Status) error {
	putStr(c.attrs, AttrStatus, c.status)
	if c.status != "failure" {
		return nil
	}
	st.SetCode(ptrace.StatusCodeError)
	msg := c.errorStr
	if msg == "" {
		msg = c.errorField("error_message")
	}
	if msg == "" {
		msg = "failure"
	}
	st.SetMessage(msg)
	typ := c.errorField("error_class")
	if typ == "" {
		typ = c.errorField("error_code")
	}
	if typ == "" {
		// The conventions' value when the type is not known.
		typ = "_OTHER"
	}
	c.attrs.PutStr(attrErrorType, typ)
	return nil
}

func (c *call) errorField(name string) string {
	if v, ok := c.attrs.Get(errorPrefix + name); ok && v.Type() != pcommon.ValueTypeEmpty {
		return v.AsString()
	}
	return ""
}

// times places the span at startTime..endTime; the time to first token is
// kept where completionStartTime differs from the start. Without times the
// span is an instant at arrival.
func (c *call) times(span ptrace.Span, arrival time.Time) {
	start, end := c.start, c.end
	switch {
	case !start.ok && !end.ok:
		start, end = optTime{arrival, true}, optTime{arrival, true}
	case !start.ok:
		start = end
	case !end.ok:
		end = start
	}
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start.t))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(end.t))
	if c.firstToken.ok && !c.firstToken.t.Equal(start.t) {
		c.attrs.PutDouble(AttrTimeToFirstToken, c.firstToken.t.Sub(start.t).Seconds())
	}
}

// spanName is "{operation} {model}", as the conventions name GenAI spans.
func spanName(op, model string) string {
	switch {
	case op != "" && model != "":
		return op + " " + model
	case op != "":
		return op
	case model != "":
		return model
	}
	return "litellm call"
}

func putStr(a pcommon.Map, key, v string) {
	if v != "" {
		a.PutStr(key, v)
	}
}

func putInt(a pcommon.Map, key string, v optInt) {
	if v.ok {
		a.PutInt(key, v.v)
	}
}

func kindOf(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeInt, pcommon.ValueTypeDouble:
		return "a number"
	case pcommon.ValueTypeBool:
		return "a boolean"
	case pcommon.ValueTypeSlice:
		return "an array"
	case pcommon.ValueTypeMap:
		return "an object"
	}
	return v.Type().String()
}
