package jsonkind

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOf(t *testing.T) {
	for in, want := range map[string]string{
		``: "nothing", "  \n": "nothing", `"x"`: "a string", `true`: "a boolean", `false`: "a boolean",
		`null`: "null", `-1`: "a number", `42`: "a number", ` {}`: "an object", `[1]`: "an array", `<a/>`: "text that is not JSON",
	} {
		assert.Equal(t, want, Of([]byte(in)), in)
	}
}
