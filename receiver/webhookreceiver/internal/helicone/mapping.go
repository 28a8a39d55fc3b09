package helicone // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/helicone"

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/chatmsg"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// GenAI semantic-convention attribute names, the ones Broadcast spans use.
const (
	attrOperation      = "gen_ai.operation.name"
	attrProvider       = "gen_ai.provider.name"
	attrRequestModel   = "gen_ai.request.model"
	attrResponseModel  = "gen_ai.response.model"
	attrResponseID     = "gen_ai.response.id"
	attrFinishReasons  = "gen_ai.response.finish_reasons"
	attrTemperature    = "gen_ai.request.temperature"
	attrMaxTokens      = "gen_ai.request.max_tokens"
	attrTopP           = "gen_ai.request.top_p"
	attrInputTokens    = "gen_ai.usage.input_tokens"
	attrOutputTokens   = "gen_ai.usage.output_tokens"
	attrTotalTokens    = "gen_ai.usage.total_tokens"
	attrTotalCost      = "gen_ai.usage.total_cost"
	attrInputMessages  = "gen_ai.input.messages"
	attrOutputMessages = "gen_ai.output.messages"
	attrSystem         = "gen_ai.system_instructions"
	attrUserID         = "user.id"
	attrErrorType      = "error.type"
)

// providers maps Helicone's provider names to the semantic-convention
// values where one exists; any other is lower-cased.
var providers = map[string]string{
	"OPENAI":     "openai",
	"ANTHROPIC":  "anthropic",
	"AZURE":      "azure.ai.openai",
	"AWS":        "aws.bedrock",
	"BEDROCK":    "aws.bedrock",
	"GOOGLE":     "gcp.gemini",
	"VERTEX":     "gcp.vertex_ai",
	"MISTRAL":    "mistral_ai",
	"GROQ":       "groq",
	"DEEPSEEK":   "deepseek",
	"PERPLEXITY": "perplexity",
	"COHERE":     "cohere",
	"X":          "x_ai",
}

// ProviderName is the gen_ai.provider.name of a Helicone provider.
func ProviderName(provider string) string {
	p := strings.TrimSpace(provider)
	if v, ok := providers[strings.ToUpper(p)]; ok {
		return v
	}
	return strings.ToLower(p)
}

// body is a request or response body as Helicone sent it.
type body struct {
	text      string         // as sent: the string, or the object's JSON
	obj       map[string]any // the body as an object, when it is one
	truncated bool
	present   bool
}

func readBody(raw []byte) body {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return body{}
	}
	b := body{present: true}
	if raw[0] == '"' {
		b.text = jsonvalue.Unquote(raw)
		if strings.TrimSpace(b.text) == TruncatedBody {
			b.truncated = true
			return b
		}
		// A body sent as text is JSON text most often: an object that
		// leads it is read, whatever follows.
		if v, _, err := jsonvalue.Decode([]byte(b.text)); err == nil {
			b.obj, _ = v.(map[string]any)
		}
		return b
	}
	b.text = string(jsonvalue.AppendCompact(make([]byte, 0, len(raw)), raw))
	if raw[0] == '{' {
		v, _, _ := jsonvalue.Decode(raw) // the tokenizer has read it
		b.obj = v.(map[string]any)
	}
	return b
}

// mapping turns a payload into span attributes.
type mapping struct {
	attrs     pcommon.Map
	p         payload
	req, resp body
	operation string
	latency   time.Duration
	created   time.Time
}

func newMapping(attrs pcommon.Map, p payload) *mapping {
	return &mapping{attrs: attrs, p: p, req: readBody(p.RequestBody), resp: readBody(p.ResponseBody)}
}

func (m *mapping) apply() {
	a, req, resp := m.attrs, m.req.obj, m.resp.obj
	m.operation = operationOf(req, resp)
	putStr(a, attrOperation, m.operation)
	if p := m.p.Provider; p != nil && *p != "" {
		a.PutStr(attrProvider, ProviderName(*p))
		a.PutStr(AttrProvider, *p)
	}
	putStr(a, attrRequestModel, str(req["model"]))
	if m.p.Model != nil && *m.p.Model != "" {
		a.PutStr(attrResponseModel, *m.p.Model)
	} else {
		putStr(a, attrResponseModel, str(resp["model"]))
	}
	putStr(a, attrResponseID, str(resp["id"]))
	if reasons := finishReasons(resp); len(reasons) > 0 {
		s := a.PutEmptySlice(attrFinishReasons)
		for _, r := range reasons {
			s.AppendEmpty().SetStr(r)
		}
	}
	putDouble(a, attrTemperature, req["temperature"])
	putDouble(a, attrTopP, req["top_p"])
	if !putInt(a, attrMaxTokens, req["max_tokens"]) {
		putInt(a, attrMaxTokens, req["max_completion_tokens"])
	}
	m.usage()
	if m.p.UserID != nil && *m.p.UserID != "" {
		a.PutStr(attrUserID, *m.p.UserID)
	}
	if m.p.RequestID != nil {
		a.PutStr(AttrRequestID, *m.p.RequestID)
	}
	if m.p.RequestResponseURL != nil && *m.p.RequestResponseURL != "" {
		a.PutStr(AttrRequestResponseURL, *m.p.RequestResponseURL)
	}
	m.content()
	if c, ok := number(resp["created"]); ok && c > 0 {
		m.created = time.Unix(int64(c), 0)
	}
}

// usage takes tokens and cost from metadata, else from the response.
func (m *mapping) usage() {
	a, md := m.attrs, m.p.Metadata
	usage, _ := m.resp.obj["usage"].(map[string]any)
	if !putInt(a, attrInputTokens, md["promptTokens"]) &&
		!putInt(a, attrInputTokens, usage["prompt_tokens"]) {
		putInt(a, attrInputTokens, usage["input_tokens"])
	}
	if !putInt(a, attrOutputTokens, md["completionTokens"]) &&
		!putInt(a, attrOutputTokens, usage["completion_tokens"]) {
		putInt(a, attrOutputTokens, usage["output_tokens"])
	}
	if !putInt(a, attrTotalTokens, md["totalTokens"]) {
		putInt(a, attrTotalTokens, usage["total_tokens"])
	}
	putDouble(a, attrTotalCost, md["cost"])
	if ms, ok := number(md["latencyMs"]); ok && ms >= 0 {
		m.latency = time.Duration(ms * float64(time.Millisecond))
		putInt(a, AttrLatencyMs, md["latencyMs"])
	}
	for k, v := range md {
		switch k {
		case "cost", "promptTokens", "completionTokens", "totalTokens", "latencyMs":
		default:
			putAny(a, attrPrefix+"metadata."+k, v)
		}
	}
}

// content keeps both bodies whole, and the messages where the body is a
// chat the conventions describe.
func (m *mapping) content() {
	a := m.attrs
	if m.req.present {
		a.PutStr(AttrRequestBody, m.req.text)
	}
	if m.resp.present {
		a.PutStr(AttrResponseBody, m.resp.text)
	}
	if m.req.truncated || m.resp.truncated {
		a.PutBool(AttrBodyTruncated, true)
	}
	system, input := chatmsg.InputMessages(m.req.obj)
	if len(system) > 0 {
		putJSON(a, attrSystem, system)
	}
	if len(input) > 0 {
		putJSON(a, attrInputMessages, input)
	}
	if output := chatmsg.OutputMessages(m.resp.obj); len(output) > 0 {
		putJSON(a, attrOutputMessages, output)
	}
}

// spanName is "{operation} {model}", as the conventions name GenAI spans.
func (m *mapping) spanName() string {
	model := str(m.req.obj["model"])
	if model == "" {
		if v, ok := m.attrs.Get(attrResponseModel); ok {
			model = v.Str()
		}
	}
	op := m.operation
	switch {
	case op != "" && model != "":
		return op + " " + model
	case op != "":
		return op
	case model != "":
		return model
	default:
		return "helicone request"
	}
}

// setStatus marks a response that is an error, as OpenAI and Anthropic
// send them.
func (m *mapping) setStatus(st ptrace.Status) {
	e, ok := m.resp.obj["error"].(map[string]any)
	if !ok {
		return
	}
	st.SetCode(ptrace.StatusCodeError)
	st.SetMessage(str(e["message"]))
	typ := str(e["type"])
	if typ == "" {
		typ = str(e["code"])
	}
	if typ == "" {
		typ = "error"
	}
	m.attrs.PutStr(attrErrorType, typ)
}

// operationOf guesses gen_ai.operation.name from the shape of the bodies;
// "" when the shape is not one the conventions name.
func operationOf(req, resp map[string]any) string {
	switch str(resp["object"]) {
	case "chat.completion":
		return "chat"
	case "text_completion":
		return "text_completion"
	}
	if str(resp["type"]) == "message" {
		return "chat"
	}
	if isEmbeddings(resp) {
		return "embeddings"
	}
	switch {
	case req["messages"] != nil:
		return "chat"
	case req["input"] != nil && strings.Contains(str(req["model"]), "embed"):
		return "embeddings"
	case req["prompt"] != nil && resp["data"] == nil && str(req["model"]) != "":
		return "text_completion"
	}
	return ""
}

func isEmbeddings(resp map[string]any) bool {
	data, _ := resp["data"].([]any)
	if len(data) == 0 {
		return false
	}
	first, _ := data[0].(map[string]any)
	return str(first["object"]) == "embedding" || first["embedding"] != nil
}

// finishReasons are OpenAI's choices[].finish_reason or Anthropic's
// stop_reason.
func finishReasons(resp map[string]any) []string {
	var out []string
	if choices, ok := resp["choices"].([]any); ok {
		for _, c := range choices {
			if cm, ok := c.(map[string]any); ok {
				if r := str(cm["finish_reason"]); r != "" {
					out = append(out, r)
				}
			}
		}
	}
	if r := str(resp["stop_reason"]); r != "" {
		out = append(out, r)
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

func putStr(a pcommon.Map, key, v string) {
	if v != "" {
		a.PutStr(key, v)
	}
}

// putInt puts an integer sent as a number or numeric text; it reports
// whether it put one.
func putInt(a pcommon.Map, key string, v any) bool {
	f, ok := number(v)
	if !ok || f != float64(int64(f)) {
		return false
	}
	a.PutInt(key, int64(f))
	return true
}

func putDouble(a pcommon.Map, key string, v any) bool {
	f, ok := number(v)
	if ok {
		a.PutDouble(key, f)
	}
	return ok
}

// putAny puts a JSON value of unknown meaning: scalars as themselves,
// objects and arrays as their JSON text.
func putAny(a pcommon.Map, key string, v any) {
	switch t := v.(type) {
	case string:
		a.PutStr(key, t)
	case bool:
		a.PutBool(key, t)
	case json.Number:
		jsonvalue.SetNumber(a.PutEmpty(key), t)
	case nil:
		a.PutEmpty(key)
	default:
		b, _ := json.Marshal(t)
		a.PutStr(key, string(b))
	}
}

// putRaw puts a field the tokenizer has read, as putAny.
func putRaw(a pcommon.Map, key string, raw []byte) {
	v, _, _ := jsonvalue.Decode(raw)
	putAny(a, key, v)
}

func putJSON(a pcommon.Map, key string, v any) {
	b, err := json.Marshal(v)
	if err == nil {
		a.PutStr(key, string(b))
	}
}
