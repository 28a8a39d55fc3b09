package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"bytes"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// gen_ai.response.finish_reasons sent as a JSON-encoded array ("[\"stop\"]",
// as Broadcast sends it) becomes a string array, as genai.RepairValue makes
// it (FuzzDecode holds the two to each other): the text, trimmed of white
// space, must be a JSON array whose elements are strings or null (null
// reads as ""); anything else is kept as the string it is. The text is read
// with the tokenizer, and each reason interned, so a span's repair
// allocates nothing but the slice pdata keeps.

// finishDepth bounds the nesting the check walks: an element that is not a
// string or null refuses the text whatever it holds, and encoding/json's
// own bound is 10,000.
const finishDepth = 10000

// finishReasons reports whether text is a JSON array of strings and nulls,
// and how many elements it has.
func (d *decoder) finishReasons(text []byte) (int, bool) {
	r := &d.fr
	r.Reset(text, finishDepth)
	if r.Peek() != jsontok.Array || !r.BeginArray() {
		return 0, false
	}
	n := 0
	for ok := r.FirstElem(); ok; ok = r.NextElem() {
		switch r.Peek() {
		case jsontok.String:
			r.Str()
		case jsontok.Null:
			r.Null()
		default:
			return 0, false
		}
		n++
	}
	return n, r.End() == nil
}

// putFinishReasons puts text as a string array when it is one, and reports
// whether it did.
func (d *decoder) putFinishReasons(m pcommon.Map, key string, text []byte) bool {
	text = bytes.TrimSpace(text)
	if len(text) == 0 || text[0] != '[' {
		return false
	}
	n, ok := d.finishReasons(text)
	if !ok {
		return false
	}
	sl := m.PutEmptySlice(key)
	sl.EnsureCapacity(n)
	r := &d.fr
	r.Reset(text, finishDepth)
	r.BeginArray()
	for ok := r.FirstElem(); ok; ok = r.NextElem() {
		v := sl.AppendEmpty()
		if r.Peek() == jsontok.Null {
			r.Null()
			v.SetStr("")
			continue
		}
		raw, info := r.Str()
		if info != 0 {
			// As encoding/json reads it: escapes resolved, bytes that are
			// not UTF-8 replaced.
			d.ftext = jsontok.Unescape(d.ftext[:0], raw)
			raw = d.ftext
		}
		v.SetStr(d.vals.get(raw))
	}
	return true
}
