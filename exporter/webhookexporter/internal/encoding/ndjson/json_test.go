package ndjson

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestAppendStringDecodesToTheSameText(t *testing.T) {
	cases := []string{
		"", "plain", `quote " and backslash \`, "control \x00\x01\x1f\x7f", "\b\f\n\r\t",
		"é日本🙂", "\u2028\u2029", "<script>&amp;</script>",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune{'a', '"', '\\', '\n', '\x00', '\x1f', 'é', '日', '🙂', '\u2028', '<'}
	for range 500 {
		var sb strings.Builder
		for range rng.IntN(40) {
			sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, sb.String())
	}
	for _, s := range cases {
		out := appendString(nil, s)
		var got string
		require.NoError(t, json.Unmarshal(out, &got), "%q encoded as %s", s, out)
		assert.Equal(t, s, got)
		assert.NotContains(t, string(out), "\n", "a row stays on one line")
	}
}

// The eight-bytes-at-a-time skip sees a special character at any position.
func TestAppendStringFindsSpecialsAtEveryPosition(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\x00", "\x1f", "\n", "é", "\u2028", "\xff"} {
		for pos := range 20 {
			s := strings.Repeat("a", pos) + special + strings.Repeat("b", 20-pos)
			out := appendString(nil, s)
			var got string
			require.NoError(t, json.Unmarshal(out, &got), "%q encoded as %s", s, out)
			want := strings.ToValidUTF8(s, "\ufffd")
			assert.Equal(t, want, got, "%q", s)
		}
	}
}

func TestAppendStringReplacesInvalidUTF8(t *testing.T) {
	for _, s := range []string{"\xff", "ok\xc3", "a\xe6\x97b", "\xed\xa0\x80"} {
		out := appendString(nil, s)
		require.True(t, json.Valid(out), "%q encoded as %s", s, out)
		want, err := json.Marshal(s)
		require.NoError(t, err)
		var got, wantText string
		require.NoError(t, json.Unmarshal(out, &got))
		require.NoError(t, json.Unmarshal(want, &wantText))
		assert.Equal(t, wantText, got, "the same text as encoding/json: U+FFFD for each bad byte")
	}
}

func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.1, 0.000671, 1e-6, 1e-7, 123456789.125, 1e20, 1e21, -1e-300, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		want, err := json.Marshal(f)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendFloat(nil, f)), "%v", f)
	}
	assert.Equal(t, `"NaN"`, string(appendFloat(nil, math.NaN())))
	assert.Equal(t, `"Infinity"`, string(appendFloat(nil, math.Inf(1))))
	assert.Equal(t, `"-Infinity"`, string(appendFloat(nil, math.Inf(-1))))
}

func TestAppendValueTypes(t *testing.T) {
	m := pcommon.NewMap()
	m.PutStr("s", "text")
	m.PutInt("i", math.MinInt64)
	m.PutDouble("d", 2.5)
	m.PutDouble("nan", math.NaN())
	m.PutBool("b", false)
	m.PutEmptyBytes("bytes").FromRaw([]byte{0, 1, 2, 250})
	m.PutEmptySlice("empty_list")
	m.PutEmptyMap("empty_map")
	m.PutEmpty("empty")
	assert.Equal(t,
		`{"s":"text","i":-9223372036854775808,"d":2.5,"nan":"NaN","b":false,"bytes":"AAEC+g==","empty_list":[],"empty_map":{},"empty":null}`,
		string(appendMap(nil, m)))
}

func TestFlattenerClashes(t *testing.T) {
	resource := pcommon.NewMap()
	resource.PutStr("service.name", "svc")
	resource.PutStr("x", "1")
	tests := []struct {
		prefix, name string
		want         bool
	}{
		{"", "name", true},                        // a fixed field
		{"", "attributes", true},                  // a fixed field
		{"", "gen_ai.request.model", false},       // free
		{"", "resource.service.name", true},       // the lifted key of a resource attribute
		{"", "resource.host.name", false},         // no such resource attribute
		{"attr.", "name", false},                  // attr.name is free
		{"attr.", "resource.service.name", false}, // attr.resource.service.name is free
		{"res", "ource.x", true},                  // "res" + "ource.x" = resource.x
		{"resource.", "x", true},                  // resource.x
		{"resource.", "y", false},
		{"resource.service", ".name", true},
		{"trace_", "id", true}, // trace_id
		{"trace_", "name", false},
	}
	for _, tt := range tests {
		f := newFlattener(tt.prefix, spanFields)
		assert.Equal(t, tt.want, f.clashes(tt.name, resource), "prefix %q name %q", tt.prefix, tt.name)
	}
}
