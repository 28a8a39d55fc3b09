package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
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

func appendStringAttr(o []byte, sep bool, key, value string) []byte {
	if sep {
		o = append(o, ',')
	}
	o = append(o, `{"key":`...)
	o = jsonstr.Append(o, key)
	o = append(o, `,"value":{"stringValue":`...)
	o = jsonstr.Append(o, value)
	return append(o, "}}"...)
}
