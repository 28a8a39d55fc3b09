package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// An attribute list is read onto d.stack (nested lists move to d.done as
// they end), then put into its pdata map, which is sized first: one
// allocation for the list instead of one each time it doubles.

// attributes reads an attribute list into m, after what m holds (a repeated
// "attributes" adds to the list, as in pdata). genaiRepairs: m is a span's
// or log record's, whose GenAI numbers sent as strings are converted.
func (d *decoder) attributes(m pcommon.Map, genaiRepairs bool) {
	if !d.inItem {
		// Outside items nothing else holds entries of d.done.
		d.done, d.bytes = d.done[:0], d.bytes[:0]
	}
	start := len(d.stack)
	d.predict = true
	d.keyValues()
	d.putAll(m, d.stack[start:], genaiRepairs && !d.strict)
	d.stack = d.stack[:start]
}

// keyValues reads an array of {"key", "value"} onto d.stack. Leniently it
// also takes a plain JSON object {"key": value}.
func (d *decoder) keyValues() {
	// Only the list attributes asked for predicts (predict.go), not the
	// lists nested in it.
	predict := d.predict
	d.predict = false
	if d.r.Peek() == jsontok.Object {
		if !d.repair(repairAttributesObject, "attributes must be an array of {\"key\", \"value\"} objects, got an object") {
			d.r.Skip()
			return
		}
		d.plainObject()
		return
	}
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		// A missing key is the empty key, and null an empty attribute, as
		// pdata reads them.
		var e kv
		slot := -1
		if predict {
			slot = i - 1
		}
		if d.fastKV(&e, slot) {
			d.stack = append(d.stack, e)
			continue
		}
		switch d.r.Peek() {
		case jsontok.Object:
			if !d.r.BeginObject() {
				continue
			}
			for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
				d.push()
				switch view(d.key()) {
				case "key":
					e.key = d.readKey()
				case "value":
					// A repeated "value" merges into the same value, as in pdata.
					d.anyValue(&e.v)
				case "keyStrindex", "key_strindex":
					if d.readInt32("keyStrindex") {
						d.needPdata = true
					}
				default:
					d.r.Skip()
				}
				d.pop()
			}
		case jsontok.Null:
			d.r.Null()
		default:
			d.failf("expected an attribute object, got %s", d.r.Peek().Article())
			d.r.Skip()
			continue
		}
		d.stack = append(d.stack, e)
	}
	d.index(-1)
}

// fastKV reads an attribute written as OTLP encoders write one,
// {"key":"k","value":{"stringValue":"v"}} (or intValue, doubleValue,
// boolValue) with nothing between the tokens, and reports whether it did.
// Anything else it leaves unread, to keyValues' general path, which reads
// the same attributes the same way.
// slot is the attribute's position in a predicting list (predict.go), or
// -1.
func (d *decoder) fastKV(e *kv, slot int) bool {
	r := &d.r
	p := r.Pos()
	if !r.HasAt(p, `{"key":`) || r.Depth()+2 > MaxJSONDepth {
		return false
	}
	key, p, ok := d.predictKey(p+7, slot)
	if !ok || !r.HasAt(p, `,"value":{"`) {
		return false
	}
	p += 10
	var v value
	switch {
	case r.HasAt(p, `"stringValue":`):
		s, next, ok := d.predictStr(p+14, slot)
		if !ok {
			return false
		}
		v, p = strValue(s), next
	case r.HasAt(p, `"intValue":`):
		raw, info, next, ok := r.StrAt(p + 11)
		if !ok || info != 0 {
			return false
		}
		i, ok := parseInt(raw)
		if !ok {
			return false
		}
		v, p = intValue(i), next
	case r.HasAt(p, `"doubleValue":`):
		tok, next, ok := r.NumAt(p + 14)
		if !ok {
			return false
		}
		f, ok := parseFloat(tok)
		if !ok {
			return false
		}
		v, p = doubleValue(f), next
	case r.HasAt(p, `"boolValue":true`):
		v, p = boolValue(true), p+16
	case r.HasAt(p, `"boolValue":false`):
		v, p = boolValue(false), p+17
	default:
		return false
	}
	if !r.HasAt(p, `}}`) {
		return false
	}
	e.key, e.v = key, v
	r.Seek(p + 2)
	return true
}

// readKey is readString for attribute keys.
func (d *decoder) readKey() textRef {
	switch kind := d.r.Peek(); kind {
	case jsontok.String:
		return d.strRef(d.r.Str())
	case jsontok.Null:
		d.r.Null()
		return textRef{}
	case jsontok.Number, jsontok.Bool:
		text := d.jsonRef(d.r.SkipRaw())
		if !d.repair(repairValueType, "expected a string, got %s", kind.Article()) {
			return textRef{}
		}
		return text
	}
	d.failf("expected a string, got %s", d.r.Peek().Article())
	d.r.Skip()
	return textRef{}
}

// keyRef refers to the object key just read.
func (d *decoder) keyRef() textRef {
	return textRef{off: int32(d.r.KeyOffset()), n: int32(len(d.r.Key())), how: textHow(d.r.KeyInfo())}
}

// putAll puts entries into m, sized for them. A key put twice is one entry
// in a pdata map, and two in what pdata's decoder builds: the body is then
// read by pdata's decoder (decode.go).
func (d *decoder) putAll(m pcommon.Map, entries []kv, genaiRepairs bool) {
	m.EnsureCapacity(m.Len() + len(entries))
	for i := range entries {
		e := &entries[i]
		before := m.Len()
		d.put(m, e, genaiRepairs)
		if m.Len() == before {
			d.needPdata = true
		}
	}
}

func (d *decoder) put(m pcommon.Map, e *kv, genaiRepairs bool) {
	key, meta := d.makeKey(e.key)
	v := &e.v
	switch v.kind {
	case vStr:
		if genaiRepairs && meta&metaGenAI != 0 && d.putGenAI(m, key, v.s) {
			return
		}
		m.PutStr(key, d.make(v.s, &d.vals))
	case vInt:
		m.PutInt(key, int64(v.n))
	case vDouble:
		m.PutDouble(key, math.Float64frombits(v.n))
	case vBool:
		m.PutBool(key, v.n != 0)
	case vBytes:
		m.PutEmptyBytes(key).FromRaw(d.bytes[v.lo:v.hi])
	case vSlice:
		d.fill(m.PutEmptySlice(key), d.done[v.lo:v.hi])
	case vMap:
		d.putAll(m.PutEmptyMap(key), d.done[v.lo:v.hi], false)
	default:
		m.PutEmpty(key)
	}
}

// metaGenAI marks a key whose string value the lenient walk may convert.
const metaGenAI = 1

// keyMeta is what the decoder needs to know of an attribute key.
func keyMeta(key string) uint8 {
	if key == genai.AttrFinishReasons || genai.NumericKind(key) != genai.NotNumeric {
		return metaGenAI
	}
	return 0
}

// putGenAI puts a GenAI attribute that is a number by definition, or
// gen_ai.response.finish_reasons, sent as a string, converted as
// genai.RepairValue converts it, and reports whether it did.
func (d *decoder) putGenAI(m pcommon.Map, key string, s textRef) bool {
	if key == genai.AttrFinishReasons {
		if !d.putFinishReasons(m, key, d.bytesOf(s)) {
			return false
		}
		d.repairs.Add(repairFinishReasons)
		return true
	}
	switch i, f, t := genai.RepairNumber(key, view(d.bytesOf(s))); t {
	case pcommon.ValueTypeInt:
		m.PutInt(key, i)
	case pcommon.ValueTypeDouble:
		m.PutDouble(key, f)
	default:
		return false
	}
	d.repairs.Add(repairNumberString)
	return true
}

// fill appends the elements of an array to s, sized for them.
func (d *decoder) fill(s pcommon.Slice, elems []kv) {
	s.EnsureCapacity(s.Len() + len(elems))
	for i := range elems {
		d.set(s.AppendEmpty(), &elems[i].v)
	}
}

// set writes v into dst, an empty value or one that v replaces.
func (d *decoder) set(dst pcommon.Value, v *value) {
	switch v.kind {
	case vStr:
		dst.SetStr(d.make(v.s, &d.vals))
	case vInt:
		dst.SetInt(int64(v.n))
	case vDouble:
		dst.SetDouble(math.Float64frombits(v.n))
	case vBool:
		dst.SetBool(v.n != 0)
	case vBytes:
		dst.SetEmptyBytes().FromRaw(d.bytes[v.lo:v.hi])
	case vSlice:
		d.fill(dst.SetEmptySlice(), d.done[v.lo:v.hi])
	case vMap:
		d.putAll(dst.SetEmptyMap(), d.done[v.lo:v.hi], false)
	}
}
