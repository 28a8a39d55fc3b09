package jsonvalue

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestKind(t *testing.T) {
	for in, want := range map[string]string{
		``: "nothing", "  \n": "nothing", `"x"`: "a string", `true`: "a boolean", `false`: "a boolean",
		`null`: "null", `-1`: "a number", `42`: "a number", ` {}`: "an object", `[1]`: "an array", `<a/>`: "text that is not JSON",
	} {
		assert.Equal(t, want, Kind([]byte(in)), in)
	}
}

func TestSetNumber(t *testing.T) {
	for in, want := range map[string]any{
		"42": int64(42), "-7": int64(-7), "0.25": 0.25, "1e3": 1000.0,
		"12345678901234567890": 1.2345678901234567e19, "1e999": "1e999",
	} {
		v := pcommon.NewValueEmpty()
		SetNumber(v, json.Number(in))
		assert.Equal(t, want, v.AsRaw(), in)
	}
}

func flatten(t *testing.T, f Flattener, body string) (pcommon.Map, error) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	m := pcommon.NewMap()
	return m, f.Put(m, "p", dec, "x", 1)
}

func TestFlattener(t *testing.T) {
	body := `{"a":{"b":1,"c":[1,"two",{"d":null},null]},"e":null,"f":{},"g":true,"h":0.5}`
	m, err := flatten(t, Flattener{MaxDepth: 8}, body)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"p.a.b": int64(1),
		"p.a.c": []any{int64(1), "two", map[string]any{"d": nil}, nil},
		"p.e":   nil,
		"p.f":   map[string]any{},
		"p.g":   true,
		"p.h":   0.5,
	}, m.AsRaw())

	m, err = flatten(t, Flattener{MaxDepth: 8, SkipNull: true}, body)
	require.NoError(t, err)
	assert.NotContains(t, m.AsRaw(), "p.e", "a null field is left out")
	assert.Equal(t, []any{int64(1), "two", map[string]any{"d": nil}, nil}, m.AsRaw()["p.a.c"], "array positions are kept")

	_, err = flatten(t, Flattener{MaxDepth: 2}, `{"a":{"b":{"c":1}}}`)
	require.EqualError(t, err, "x.a.b: nested more than 2 levels")
	_, err = flatten(t, Flattener{MaxDepth: 8}, `{"a":[1,`)
	require.Error(t, err, "a truncated value is an error, not a partial map")
}

func TestTokenKind(t *testing.T) {
	for tok, want := range map[json.Token]string{
		json.Delim('['): "an array", json.Delim('{'): "an object", json.Number("1"): "a number",
		true: "a boolean", nil: "null", "s": "a string",
	} {
		assert.Equal(t, want, TokenKind(tok))
	}
}

func TestFlattenerValues(t *testing.T) {
	var v any
	dec := json.NewDecoder(strings.NewReader(`{"b":{"d":null,"c":[1,{"z":2,"y":"s"}]},"a":true,"e":{}}`))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&v))
	m := pcommon.NewMap()
	require.NoError(t, Flattener{MaxDepth: 8, SkipNull: true}.PutValue(m, "p", v, 1))
	assert.Equal(t, map[string]any{
		"p.a":   true,
		"p.b.c": []any{int64(1), map[string]any{"y": "s", "z": int64(2)}},
		"p.e":   map[string]any{},
	}, m.AsRaw())
	var keys []string
	for k := range m.All() {
		keys = append(keys, k)
	}
	assert.Equal(t, []string{"p.a", "p.b.c", "p.e"}, keys, "members in the order of their names")

	deep := any("x")
	for i := 0; i < 5; i++ {
		deep = []any{deep}
	}
	require.EqualError(t, Flattener{MaxDepth: 3}.PutValue(pcommon.NewMap(), "p.q", deep, 1), "p.q: nested more than 3 levels")
}
