package genai

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestIsContentKey(t *testing.T) {
	for _, k := range ContentKeys() {
		assert.True(t, IsContentKey(k), k)
	}
	assert.True(t, IsContentKey("gen_ai.prompt.0.content"))
	assert.True(t, IsContentKey("gen_ai.completion.1.role"))
	for _, k := range []string{"gen_ai.prompt_json", "gen_ai.completion_json", "litellm.messages", "litellm.response"} {
		assert.True(t, IsContentKey(k), k)
	}
	for _, k := range []string{"litellm.response_time", "litellm.response_cost", "litellm.messages_count", "gen_ai.prompt_tokens", "gen_ai.usage.prompt_tokens", "gen_ai.completions", "span.inputs", "trace.metadata.input", "user.id"} {
		assert.False(t, IsContentKey(k), k)
	}
}

func TestRedactTraces(t *testing.T) {
	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.Attributes().PutStr("gen_ai.prompt", "secret prompt")
	span.Attributes().PutStr("gen_ai.completion", "secret answer")
	span.Attributes().PutStr("gen_ai.input.messages", "[]")
	span.Attributes().PutStr("trace.input", "hi")
	span.Attributes().PutInt("gen_ai.usage.prompt_tokens", 10)
	span.Attributes().PutStr("trace.metadata.team", "search")
	span.Attributes().PutStr("user.id", "u1")
	ev := span.Events().AppendEmpty()
	ev.Attributes().PutStr("gen_ai.prompt.0.content", "secret")
	ev.Attributes().PutStr("gen_ai.prompt.0.role", "user")
	ev.Attributes().PutStr("event.name", "gen_ai.content.prompt")

	assert.Equal(t, 6, RedactTraces(td))
	assert.Equal(t, map[string]any{
		"gen_ai.usage.prompt_tokens": int64(10),
		"trace.metadata.team":        "search",
		"user.id":                    "u1",
	}, span.Attributes().AsRaw())
	assert.Equal(t, map[string]any{"event.name": "gen_ai.content.prompt"}, ev.Attributes().AsRaw())
}

func TestAddSemconv(t *testing.T) {
	m := pcommon.NewMap()
	m.PutInt("gen_ai.usage.prompt_tokens", 100)
	m.PutInt("gen_ai.usage.completion_tokens", 42)
	m.PutStr("gen_ai.system", "openai")
	m.PutInt("gen_ai.usage.input_tokens.cached", 64)
	m.PutInt("gen_ai.usage.output_tokens.reasoning", 7)
	m.PutStr("session.id", "s1")
	m.PutInt("gen_ai.usage.output_tokens", 40) // already present: kept as sent
	m.PutDouble("gen_ai.usage.cost", 0.25)
	m.PutStr("gen_ai.model.provider", "ignored") // gen_ai.system came first

	assert.Equal(t, 6, AddSemconv(m))
	assert.Equal(t, map[string]any{
		"gen_ai.usage.prompt_tokens":           int64(100),
		"gen_ai.usage.input_tokens":            int64(100),
		"gen_ai.usage.completion_tokens":       int64(42),
		"gen_ai.usage.output_tokens":           int64(40),
		"gen_ai.system":                        "openai",
		"gen_ai.provider.name":                 "openai",
		"gen_ai.usage.input_tokens.cached":     int64(64),
		"gen_ai.usage.cache_read.input_tokens": int64(64),
		"gen_ai.usage.output_tokens.reasoning": int64(7),
		"gen_ai.usage.reasoning.output_tokens": int64(7),
		"session.id":                           "s1",
		"gen_ai.conversation.id":               "s1",
		"gen_ai.usage.cost":                    0.25,
		"gen_ai.usage.total_cost":              0.25,
		"gen_ai.model.provider":                "ignored",
	}, m.AsRaw())
}

func TestRepairValue(t *testing.T) {
	tests := []struct {
		key     string
		in      string
		changed bool
		want    any
	}{
		{"gen_ai.usage.prompt_tokens", "100", true, int64(100)},
		{"gen_ai.usage.prompt_tokens", " 7 ", true, int64(7)},
		{"gen_ai.usage.prompt_tokens", "12.5", true, 12.5},
		{"gen_ai.usage.prompt_tokens", "many", false, "many"},
		{"gen_ai.usage.cost", "0", true, float64(0)},
		{"gen_ai.usage.cost", "0.00885", true, 0.00885},
		{"gen_ai.usage.total_cost", "NaN", false, "NaN"},
		{"gen_ai.usage.cost", "Inf", false, "Inf"},
		{"gen_ai.request.max_tokens", "512", true, int64(512)},
		{"gen_ai.request.max_tokens", "512.5", false, "512.5"},
		{"gen_ai.request.temperature", "1", true, float64(1)},
		{"gen_ai.request.model", "42", false, "42"},
		{"trace.metadata.retry", "3", false, "3"},
		{"user.id", "12345", false, "12345"},
		{"gen_ai.response.finish_reasons", `["stop","length"]`, true, []any{"stop", "length"}},
		{"gen_ai.response.finish_reasons", "stop", false, "stop"},
		{"gen_ai.response.finish_reasons", `[1,2]`, false, `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.in, func(t *testing.T) {
			v := pcommon.NewValueStr(tt.in)
			assert.Equal(t, tt.changed, RepairValue(tt.key, v))
			assert.Equal(t, tt.want, v.AsRaw())
		})
	}
	v := pcommon.NewValueInt(5)
	assert.False(t, RepairValue("gen_ai.usage.prompt_tokens", v), "non-string values are left alone")
	require.Equal(t, int64(5), v.Int())
}

func TestNumericKind(t *testing.T) {
	assert.Equal(t, Double, NumericKind("gen_ai.usage.cost"))
	assert.Equal(t, Double, NumericKind("gen_ai.request.top_p"))
	assert.Equal(t, Int, NumericKind("gen_ai.request.seed"))
	assert.Equal(t, IntOrDouble, NumericKind("gen_ai.usage.total_tokens"))
	assert.Equal(t, NotNumeric, NumericKind("gen_ai.response.id"))
	assert.Equal(t, NotNumeric, NumericKind("llm.usage.cost"))
}

// TestSemconvFiveAttributes: whatever names a gateway of the README's table
// sends them under, the five attributes the LLM metrics read are there.
func TestSemconvFiveAttributes(t *testing.T) {
	five := []string{"gen_ai.provider.name", "gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.total_cost"}
	senders := map[string]map[string]any{
		"Broadcast": {"gen_ai.system": "openai", "gen_ai.request.model": "openai/gpt-4o",
			"gen_ai.usage.prompt_tokens": 24, "gen_ai.usage.completion_tokens": 12, "gen_ai.usage.cost": 0.00018},
		"Broadcast, newer spans": {"gen_ai.system": "openai", "gen_ai.request.model": "openai/gpt-4o",
			"gen_ai.usage.prompt_tokens": 24, "gen_ai.usage.completion_tokens": 12, "gen_ai.usage.total_cost": 0.00018},
		"Cloudflare AI Gateway": {"gen_ai.model.provider": "openai", "gen_ai.request.model": "gpt-4o",
			"gen_ai.usage.input_tokens": 24, "gen_ai.usage.output_tokens": 12, "gen_ai.usage.cost": 0.00018},
		"LiteLLM otel callback": {"gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o",
			"gen_ai.usage.input_tokens": 24, "gen_ai.usage.output_tokens": 12, "gen_ai.cost.total_cost": 0.00018},
		"Portkey": {"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
			"gen_ai.response.input_tokens": 24, "gen_ai.response.output_tokens": 12},
	}
	for name, sent := range senders {
		m := pcommon.NewMap()
		require.NoError(t, m.FromRaw(sent))
		AddSemconv(m)
		for _, k := range five {
			if name == "Portkey" && k == "gen_ai.usage.total_cost" {
				continue // Portkey's spans carry no cost
			}
			v, ok := m.Get(k)
			require.True(t, ok, "%s: %s", name, k)
			assert.NotEmpty(t, v.AsString(), "%s: %s", name, k)
		}
		in, _ := m.Get("gen_ai.usage.input_tokens")
		assert.Equal(t, int64(24), in.Int(), name)
	}
}
