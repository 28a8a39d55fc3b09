// Package genai knows the LLM span attributes that webhook senders such as
// OpenRouter Broadcast emit: which carry prompt and completion content, which
// are numbers that may arrive as strings, and what their current OpenTelemetry
// GenAI semantic-convention names are.
package genai // import "github.com/otelcol-webhook/otelcol-webhook/internal/genai"

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Attribute keys used by senders and by this project.
const (
	AttrFinishReasons = "gen_ai.response.finish_reasons"
	AttrSessionID     = "session.id"
	AttrUserID        = "user.id"
	MetadataPrefix    = "trace.metadata."
)

// contentKeys hold prompt and completion content. A key matches exactly or as
// the prefix of a dotted child (gen_ai.prompt.0.content).
var contentKeys = []string{
	"gen_ai.prompt",
	"gen_ai.completion",
	"gen_ai.input.messages",
	"gen_ai.output.messages",
	"gen_ai.system_instructions",
	"span.input",
	"span.output",
	"trace.input",
	"trace.output",
	// Helicone's whole bodies, and the pre-signed URL that grants access
	// to them.
	"helicone.request_body",
	"helicone.response_body",
	"helicone.request_response_url",
	// Cloudflare AI Gateway's prompt and completion as JSON text.
	"gen_ai.prompt_json",
	"gen_ai.completion_json",
	// LiteLLM's messages and response as sent.
	"litellm.messages",
	"litellm.response",
}

// ContentKeys returns the attribute keys that redaction removes, for
// documentation and tests.
func ContentKeys() []string { return append([]string(nil), contentKeys...) }

// IsContentKey reports whether key carries prompt or completion content.
func IsContentKey(key string) bool {
	for _, k := range contentKeys {
		if strings.HasPrefix(key, k) && (len(key) == len(k) || key[len(k)] == '.') {
			return true
		}
	}
	return false
}

// RedactMap removes content attributes from m and returns how many it removed.
func RedactMap(m pcommon.Map) int {
	n := 0
	m.RemoveIf(func(k string, _ pcommon.Value) bool {
		if IsContentKey(k) {
			n++
			return true
		}
		return false
	})
	return n
}

// RedactTraces removes content attributes from every span and span event, as
// a sender's privacy mode would, and returns how many it removed.
func RedactTraces(td ptrace.Traces) int {
	n := 0
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				n += RedactMap(span.Attributes())
				events := span.Events()
				for e := 0; e < events.Len(); e++ {
					n += RedactMap(events.At(e).Attributes())
				}
			}
		}
	}
	return n
}

// semconvNames maps the names senders use to the current OpenTelemetry GenAI
// semantic-convention names.
var semconvNames = [...][2]string{
	{"gen_ai.usage.prompt_tokens", "gen_ai.usage.input_tokens"},
	{"gen_ai.usage.completion_tokens", "gen_ai.usage.output_tokens"},
	{"gen_ai.system", "gen_ai.provider.name"},
	// Cloudflare AI Gateway's names for the provider and the cost.
	{"gen_ai.model.provider", "gen_ai.provider.name"},
	// Broadcast and Cloudflare send the USD cost of the call as
	// gen_ai.usage.cost; Broadcast's newer spans, Helicone's and LiteLLM's
	// carry gen_ai.usage.total_cost, the name the metrics read.
	{"gen_ai.usage.cost", "gen_ai.usage.total_cost"},
	// LiteLLM's otel callback writes its cost breakdown as gen_ai.cost.*.
	{"gen_ai.cost.total_cost", "gen_ai.usage.total_cost"},
	// Portkey's GenAI spans carry the tokens as gen_ai.response.*.
	{"gen_ai.response.input_tokens", "gen_ai.usage.input_tokens"},
	{"gen_ai.response.output_tokens", "gen_ai.usage.output_tokens"},
	{"gen_ai.usage.input_tokens.cached", "gen_ai.usage.cache_read.input_tokens"},
	{"gen_ai.usage.output_tokens.reasoning", "gen_ai.usage.reasoning.output_tokens"},
	{AttrSessionID, "gen_ai.conversation.id"},
}

// SemconvNames returns the (sender name, semantic-convention name) pairs.
func SemconvNames() [][2]string { return append([][2]string(nil), semconvNames[:]...) }

// AddSemconv copies each sender attribute in m to its semantic-convention
// name, unless that name is already set, and keeps the original. It returns
// how many attributes it added.
func AddSemconv(m pcommon.Map) int {
	n := 0
	for _, p := range semconvNames {
		v, ok := m.Get(p[0])
		if !ok {
			continue
		}
		if _, exists := m.Get(p[1]); exists {
			continue
		}
		v.CopyTo(m.PutEmpty(p[1]))
		n++
	}
	return n
}

// NumberKind says which number type an attribute should have.
type NumberKind int

const (
	// NotNumeric attributes are left as they are.
	NotNumeric NumberKind = iota
	// Int attributes are token counts and other integers.
	Int
	// Double attributes are costs and sampling parameters.
	Double
	// IntOrDouble attributes are integers when the text is an integer and
	// doubles otherwise.
	IntOrDouble
)

// NumericKind returns the number type of a GenAI attribute that is a number
// by definition: token counts, costs and request parameters.
func NumericKind(key string) NumberKind {
	if !strings.HasPrefix(key, "gen_ai.") {
		return NotNumeric
	}
	if strings.Contains(key, "cost") {
		return Double
	}
	switch key {
	case "gen_ai.request.max_tokens", "gen_ai.request.seed", "gen_ai.request.top_k", "gen_ai.request.choice.count":
		return Int
	case "gen_ai.request.temperature", "gen_ai.request.top_p", "gen_ai.request.frequency_penalty", "gen_ai.request.presence_penalty":
		return Double
	}
	if strings.HasPrefix(key, "gen_ai.usage.") {
		return IntOrDouble
	}
	return NotNumeric
}

// RepairValue converts v in place when a sender sent, as a string, a value
// whose type is known: a number attribute as numeric text, or
// gen_ai.response.finish_reasons as a JSON-encoded array. Text that does not
// parse is kept as it is. It reports whether it changed v.
func RepairValue(key string, v pcommon.Value) bool {
	if v.Type() != pcommon.ValueTypeStr {
		return false
	}
	if key == AttrFinishReasons {
		return repairFinishReasons(v)
	}
	switch i, f, t := RepairNumber(key, v.Str()); t {
	case pcommon.ValueTypeInt:
		v.SetInt(i)
	case pcommon.ValueTypeDouble:
		v.SetDouble(f)
	default:
		return false
	}
	return true
}

// RepairNumber is what RepairValue makes of the text s of the attribute
// key: an int (t is ValueTypeInt), a double (ValueTypeDouble), or nothing
// (ValueTypeEmpty) when key is not a number by definition or s does not
// parse. Decoders call it before they make a string of s.
func RepairNumber(key, s string) (i int64, f float64, t pcommon.ValueType) {
	kind := NumericKind(key)
	if kind == NotNumeric {
		return 0, 0, pcommon.ValueTypeEmpty
	}
	s = strings.TrimSpace(s)
	if kind != Double {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, 0, pcommon.ValueTypeInt
		}
		if kind == Int {
			return 0, 0, pcommon.ValueTypeEmpty
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return 0, f, pcommon.ValueTypeDouble
	}
	return 0, 0, pcommon.ValueTypeEmpty
}

func repairFinishReasons(v pcommon.Value) bool {
	s := strings.TrimSpace(v.Str())
	if !strings.HasPrefix(s, "[") {
		return false
	}
	var reasons []string
	if err := json.Unmarshal([]byte(s), &reasons); err != nil {
		return false
	}
	sl := v.SetEmptySlice()
	sl.EnsureCapacity(len(reasons))
	for _, r := range reasons {
		sl.AppendEmpty().SetStr(r)
	}
	return true
}
