// Package jsonvalue holds what the decoders of the senders' JSON payloads
// share on the tokenizer (internal/jsontok): the Flattener (JSON values to
// dotted attributes), Tree (a value as encoding/json decodes it into Go,
// without its maps and interfaces) and Decode (into an any), the name of a
// value's JSON type and the words of a syntax error for their messages, how
// a JSON number becomes an attribute value, compact JSON text.
package jsonvalue // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// Kind names the JSON type of the value b holds, leading white space aside.
func Kind(b []byte) string {
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

// SetNumber sets v to a JSON number: an int when it is an integer that fits,
// else a double, else (out of range) the text sent.
func SetNumber(v pcommon.Value, n json.Number) { setNumber(v, n) }

// SetNumberText is SetNumber of a number's text as the tokenizer returns
// it.
func SetNumberText(v pcommon.Value, text []byte) { setNumber(v, text) }

func setNumber[T ~string | ~[]byte](v pcommon.Value, text T) {
	if i, err := strconv.ParseInt(string(text), 10, 64); err == nil {
		v.SetInt(i)
		return
	}
	if f, err := strconv.ParseFloat(string(text), 64); err == nil {
		v.SetDouble(f)
		return
	}
	v.SetStr(string(text))
}

// Unquote is the text of a JSON string the tokenizer has read, given with
// its quotes, as encoding/json decodes it.
func Unquote(raw []byte) string {
	text := raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') < 0 && utf8.Valid(text) {
		return string(text)
	}
	return Text(text, jsontok.Escaped)
}

// SyntaxText is an error of the tokenizer reading a body of size bytes in
// encoding/json's words, for the messages the decoders wrote before they
// read with it: "invalid character 'x' after object key at byte 12", the
// offset counting the offending byte as json.SyntaxError's does. atEnd
// reports a body that ends before its value does.
func SyntaxText(err error, size int) (text string, atEnd bool) {
	if se, ok := errors.AsType[*jsontok.SyntaxError](err); ok {
		if se.Offset >= size {
			return se.Error(), true
		}
		return se.Msg + " at byte " + strconv.Itoa(se.Offset+1), false
	}
	return err.Error(), false
}
