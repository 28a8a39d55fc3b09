package jsonvalue

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
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
	var r jsontok.Reader
	r.Reset([]byte(body), 10000)
	m := pcommon.NewMap()
	if err := f.Put(m, "p", &r, "x", 1); err != nil {
		return m, err
	}
	return m, r.End()
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
