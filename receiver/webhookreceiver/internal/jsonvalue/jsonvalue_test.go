package jsonvalue

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
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
