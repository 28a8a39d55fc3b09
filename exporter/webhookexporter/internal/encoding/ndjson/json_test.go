package ndjson

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

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
