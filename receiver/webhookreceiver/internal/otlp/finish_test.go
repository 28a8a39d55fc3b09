package otlp

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// TestFinishReasonsAsGenAI: the decoder's repair of finish reasons, on the
// tokenizer, makes of every text what genai.RepairValue (encoding/json)
// makes of it, and counts a repair exactly when that does.
func TestFinishReasonsAsGenAI(t *testing.T) {
	for _, text := range []string{
		`["stop"]`, ` ["stop", "length"] `, "\u00a0[\"stop\"]\u2003", `[]`, `[null,"x",null]`,
		`["tool_calls"]`, `["\u0073top","a\"b","\\","\/"]`, `["\ud83d\ude00","\ud800","\udc00x","\ud800\u0041"]`,
		"[\"\xff\xfe\"]", `stop`, ``, `[`, `["a",]`, `["a"] x`, `["a"]]`, `[1]`, `["a",true]`, `[["a"]]`,
		`[{"a":"b"}]`, `["a" "b"]`, "[\"a\x01\"]", `[nul]`, `["a"]  `, "[\"a\"]\n", `[ ]`, `null`, `{"0":"a"}`,
	} {
		t.Run(text, func(t *testing.T) {
			value, err := json.Marshal(text)
			require.NoError(t, err)
			body := oneSpan(attrs(`{"key":"gen_ai.response.finish_reasons","value":{"stringValue":` + string(value) + `}}`))
			td, res, err := DecodeTraces(JSON, []byte(body), true)
			require.NoError(t, err)
			got, ok := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Get(genai.AttrFinishReasons)
			require.True(t, ok)

			// What pdata reads, repaired by genai.RepairValue.
			want, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(body))
			require.NoError(t, err)
			wv, _ := want.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Get(genai.AttrFinishReasons)
			repaired := genai.RepairValue(genai.AttrFinishReasons, wv)

			require.Equal(t, wv.AsRaw(), got.AsRaw())
			require.Equal(t, wv.Type(), got.Type())
			wantRepairs := 0
			if repaired {
				wantRepairs = 1
				require.Equal(t, pcommon.ValueTypeSlice, got.Type())
			}
			require.Equal(t, wantRepairs, res.Repairs[repairFinishReasons])
		})
	}
}

// TestFinishReasonsAllocateOnlyThePdataSlice: a span's finish reasons cost
// what building their slice through pdata's API costs, nothing more: no
// decode into Go values, no copy of an interned reason.
func TestFinishReasonsAllocateOnlyThePdataSlice(t *testing.T) {
	d := getDecoder(nil, false, new(RepairCounts))
	defer putDecoder(d)
	m := pcommon.NewMap()
	text := []byte(`["stop","length"]`)
	require.True(t, d.putFinishReasons(m, genai.AttrFinishReasons, text))
	allocs := testing.AllocsPerRun(100, func() {
		d.putFinishReasons(m, genai.AttrFinishReasons, text)
	})
	pdata := testing.AllocsPerRun(100, func() {
		sl := m.PutEmptySlice(genai.AttrFinishReasons)
		sl.EnsureCapacity(2)
		sl.AppendEmpty().SetStr("stop")
		sl.AppendEmpty().SetStr("length")
	})
	require.Equal(t, pdata, allocs)
}
