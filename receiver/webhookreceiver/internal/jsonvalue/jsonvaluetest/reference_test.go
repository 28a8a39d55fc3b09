package jsonvaluetest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

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
	require.NoError(t, PutValue(jsonvalue.Flattener{MaxDepth: 8, SkipNull: true}, m, "p", v, 1))
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
	require.EqualError(t, PutValue(jsonvalue.Flattener{MaxDepth: 3}, pcommon.NewMap(), "p.q", deep, 1), "p.q: nested more than 3 levels")
}
