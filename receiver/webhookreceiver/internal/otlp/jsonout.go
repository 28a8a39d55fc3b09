package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// quote shows a sender's value in a message, shortened.
func quote(s string) string {
	const maxLen = 64
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strconv.Quote(s)
}

// fieldWriter writes object field names with the commas between them.
type fieldWriter struct {
	out *[]byte
	n   int
}

func (w *fieldWriter) name(name string) {
	if w.n > 0 {
		*w.out = append(*w.out, ',')
	}
	w.n++
	*w.out = append(*w.out, '"')
	*w.out = append(*w.out, name...)
	*w.out = append(*w.out, `":`...)
}

func appendFloat(o []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(o, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(o, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(o, `"-Infinity"`...)
	}
	return strconv.AppendFloat(o, f, 'g', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. s is valid UTF-8: the body was
// made valid before decoding.
func appendJSONString(o []byte, s string) []byte {
	o = append(o, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		o = append(o, s[start:i]...)
		switch c {
		case '"', '\\':
			o = append(o, '\\', c)
		case '\n':
			o = append(o, '\\', 'n')
		case '\r':
			o = append(o, '\\', 'r')
		case '\t':
			o = append(o, '\\', 't')
		default:
			o = append(o, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	o = append(o, s[start:]...)
	return append(o, '"')
}

func appendStringAttr(o []byte, sep bool, key, value string) []byte {
	if sep {
		o = append(o, ',')
	}
	o = append(o, `{"key":`...)
	o = appendJSONString(o, key)
	o = append(o, `,"value":{"stringValue":`...)
	o = appendJSONString(o, value)
	return append(o, "}}"...)
}
