// Package jsonkind names the JSON type of a value by its first byte, for
// the error messages of the senders' decoders ("got an array").
package jsonkind // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonkind"

import "bytes"

// Of names the JSON type of the value b holds, leading white space aside.
func Of(b []byte) string {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return "nothing"
	}
	switch c := b[0]; {
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	default:
		return "text that is not JSON"
	}
}
