package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"encoding/json"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/chatmsg"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// requestParams are the model_parameters with a gen_ai.request.* name, and
// the type the conventions give them.
var requestParams = []struct {
	param, attr string
	kind        pcommon.ValueType
}{
	{"temperature", "gen_ai.request.temperature", pcommon.ValueTypeDouble},
	{"top_p", "gen_ai.request.top_p", pcommon.ValueTypeDouble},
	{"top_k", "gen_ai.request.top_k", pcommon.ValueTypeInt},
	{"max_tokens", "gen_ai.request.max_tokens", pcommon.ValueTypeInt},
	{"max_completion_tokens", "gen_ai.request.max_tokens", pcommon.ValueTypeInt},
	{"frequency_penalty", "gen_ai.request.frequency_penalty", pcommon.ValueTypeDouble},
	{"presence_penalty", "gen_ai.request.presence_penalty", pcommon.ValueTypeDouble},
	{"seed", "gen_ai.request.seed", pcommon.ValueTypeInt},
	{"n", "gen_ai.request.choice.count", pcommon.ValueTypeInt},
	{"stop", "gen_ai.request.stop_sequences", pcommon.ValueTypeSlice},
}

// requestParameters moves the model_parameters the conventions name to
// gen_ai.request.*; a parameter of another type stays under
// litellm.model_parameters.
func (c *call) requestParameters() {
	a := c.attrs
	for _, p := range requestParams {
		v, ok := a.Get(paramsPrefix + p.param)
		if !ok {
			continue
		}
		if _, taken := a.Get(p.attr); taken {
			continue
		}
		switch {
		case p.kind == pcommon.ValueTypeDouble && (v.Type() == pcommon.ValueTypeDouble || v.Type() == pcommon.ValueTypeInt):
			f := v.Double()
			if v.Type() == pcommon.ValueTypeInt {
				f = float64(v.Int())
			}
			a.PutDouble(p.attr, f)
		case p.kind == pcommon.ValueTypeInt && v.Type() == pcommon.ValueTypeInt:
			a.PutInt(p.attr, v.Int())
		case p.kind == pcommon.ValueTypeSlice && v.Type() == pcommon.ValueTypeStr:
			a.PutEmptySlice(p.attr).AppendEmpty().SetStr(v.Str())
		case p.kind == pcommon.ValueTypeSlice && v.Type() == pcommon.ValueTypeSlice && allStrings(v.Slice()):
			v.Slice().CopyTo(a.PutEmptySlice(p.attr))
		default:
			continue
		}
		a.Remove(paramsPrefix + p.param)
	}
}

func allStrings(s pcommon.Slice) bool {
	for i := 0; i < s.Len(); i++ {
		if s.At(i).Type() != pcommon.ValueTypeStr {
			return false
		}
	}
	return true
}

// content keeps messages and response as sent (litellm.messages,
// litellm.response) and, where they are chat messages, in the conventions'
// form; it also reads the response's id and finish reasons.
func (c *call) content() {
	a := c.attrs
	if text, ok := compactText(c.messages); ok {
		a.PutStr(AttrMessages, text)
		c.inputMessages()
	}
	if text, ok := compactText(c.response); ok {
		a.PutStr(AttrResponse, text)
	}
	resp, _ := decodeAny(c.response).(map[string]any)
	if id, ok := resp["id"].(string); ok && id != "" {
		a.PutStr(attrResponseID, id)
	}
	out := chatmsg.OutputMessages(resp)
	if len(out) > 0 {
		putJSON(a, attrOutputMsgs, out)
	}
	var reasons []string
	for _, m := range out {
		if m.FinishReason != "" {
			reasons = append(reasons, m.FinishReason)
		}
	}
	if len(reasons) > 0 {
		s := a.PutEmptySlice(attrFinishReasons)
		for _, r := range reasons {
			s.AppendEmpty().SetStr(r)
		}
	}
}

// inputMessages reads messages: LiteLLM logs a list of chat messages (a
// text prompt as one user message), or, for some APIs, a string or an
// object with messages.
func (c *call) inputMessages() {
	var req map[string]any
	switch m := decodeAny(c.messages).(type) {
	case []any:
		req = map[string]any{"messages": m}
	case map[string]any:
		req = m
	case string:
		req = map[string]any{"prompt": m}
	default:
		return
	}
	system, msgs := chatmsg.InputMessages(req)
	if len(system) > 0 {
		putJSON(c.attrs, attrSystem, system)
	}
	if len(msgs) > 0 {
		putJSON(c.attrs, attrInputMessages, msgs)
	}
}

// decodeAny decodes a JSON text as encoding/json decodes it into an any
// with UseNumber; nil for nothing.
func decodeAny(raw []byte) any {
	v, _, err := jsonvalue.Decode(raw)
	if err != nil {
		return nil
	}
	return v
}

func putJSON(a pcommon.Map, key string, v any) {
	if b, err := json.Marshal(v); err == nil {
		a.PutStr(key, string(b))
	}
}
