package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"bytes"
	"encoding/base64"
	"math"
	"strconv"
	"strings"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// Attribute values are read into a scratch form first, so that every list
// is sized before it is filled (attrs.go).

type valKind uint8

const (
	vEmpty valKind = iota
	vStr
	vInt
	vDouble
	vBool
	vBytes
	vSlice
	vMap
)

// value is one AnyValue as read.
type value struct {
	kind valKind
	s    textRef // vStr
	n    uint64  // vInt: the int64, vDouble: its bits, vBool: 0 or 1
	// vBytes: the contents in d.bytes; vSlice, vMap: the entries in d.done
	lo, hi int32
}

// kv is an attribute, or an element of an array (without a key).
type kv struct {
	key textRef
	v   value
}

func strValue(t textRef) value { return value{kind: vStr, s: t} }

func intValue(i int64) value      { return value{kind: vInt, n: uint64(i)} }
func doubleValue(f float64) value { return value{kind: vDouble, n: math.Float64bits(f)} }

func boolValue(b bool) value {
	if b {
		return value{kind: vBool, n: 1}
	}
	return value{kind: vBool}
}

// anyValue reads an OTLP AnyValue into v. Like pdata it merges a repeated
// "value" into the same v: a field present replaces v, null or {} keeps it.
// Leniently, a value written as plain JSON ("value": 5) is converted.
func (d *decoder) anyValue(v *value) {
	switch kind := d.r.Peek(); kind {
	case jsontok.Object:
	case jsontok.Null:
		d.r.Null()
		return
	default:
		if !d.repair(repairPlainValue, "value must be an object such as {\"stringValue\": ...}, got %s", kind.Article()) {
			d.r.Skip()
			return
		}
		*v = d.plainValue()
		return
	}
	if !d.r.BeginObject() {
		return
	}
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "stringValue", "string_value":
			d.stringValue(v)
		case "intValue", "int_value":
			d.intValue(v)
		case "doubleValue", "double_value":
			d.doubleValue(v)
		case "boolValue", "bool_value":
			d.boolValue(v)
		case "arrayValue", "array_value":
			d.arrayValue(v)
		case "kvlistValue", "kvlist_value":
			d.kvlistValue(v)
		case "bytesValue", "bytes_value":
			d.bytesValue(v)
		case "stringValueStrindex", "string_value_strindex":
			// An index into a profile's string table: pdata keeps it, in a
			// form its public API does not build (decode.go).
			if d.readInt32("stringValueStrindex") {
				*v = value{}
				d.needPdata = true
			}
		default:
			d.r.Skip()
		}
		d.pop()
	}
}

// readInt32 reads a field pdata reads as an int32 and drops it; leniently
// one that pdata refuses is ignored.
func (d *decoder) readInt32(field string) bool {
	switch d.r.Peek() {
	case jsontok.Number:
		if _, ok := jsoniterInt32(d.r.Num()); ok {
			return true
		}
	case jsontok.String:
		if _, err := strconv.ParseInt(string(d.textOf(d.r.Str())), 10, 32); err == nil {
			return true
		}
	default:
		d.r.Skip()
	}
	d.repair(repairValueType, "%s is not a 32-bit integer; ignored", field)
	return false
}

func (d *decoder) stringValue(v *value) {
	switch kind := d.r.Peek(); kind {
	case jsontok.String:
		*v = strValue(d.strRef(d.r.Str()))
	case jsontok.Null:
		d.r.Null()
		*v = value{kind: vStr}
	default:
		text := d.jsonRef(d.r.SkipRaw())
		if d.repair(repairValueType, "stringValue must be a string, got %s", kind.Article()) {
			*v = strValue(text)
		}
	}
}

func (d *decoder) boolValue(v *value) {
	switch kind := d.r.Peek(); kind {
	case jsontok.Bool:
		*v = boolValue(d.r.Bool())
	case jsontok.Null:
		d.r.Null()
		if d.repair(repairValueType, "boolValue must be true or false, got null") {
			*v = boolValue(false)
		}
	case jsontok.String:
		t := d.strRef(d.r.Str())
		s := string(d.bytesOf(t))
		if !d.repair(repairValueType, "boolValue must be true or false, got the string %s", quote(s)) {
			return
		}
		if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
			*v = boolValue(b)
			return
		}
		*v = strValue(t)
	default:
		d.keepAsString(v, "boolValue")
	}
}

func (d *decoder) intValue(v *value) {
	var text []byte
	var ref textRef
	switch kind := d.r.Peek(); kind {
	case jsontok.Number:
		text = d.r.Num()
		if i, ok := jsoniterInt64(text); ok {
			*v = intValue(i)
			return
		}
		ref = d.jsonRef(text)
	case jsontok.String:
		raw, info := d.r.Str()
		ref = d.strRef(raw, info)
		text = d.textOf(raw, info)
		if i, ok := parseInt(text); ok {
			*v = intValue(i)
			return
		}
	case jsontok.Null:
		d.r.Null()
		if d.repair(repairValueType, "intValue is null; using 0") {
			*v = intValue(0)
		}
		return
	default:
		d.keepAsString(v, "intValue")
		return
	}
	f, ok := parseFloat(bytes.TrimSpace(text))
	switch {
	case ok && f == math.Trunc(f) && math.Abs(f) < 1<<63:
		if d.repair(repairValueType, "intValue %s is not an integer in int64 form", quote(string(text))) {
			*v = intValue(int64(f))
		}
	case ok && !math.IsNaN(f) && !math.IsInf(f, 0):
		if d.repair(repairValueType, "intValue %s is not an integer", quote(string(text))) {
			*v = doubleValue(f)
		}
	default:
		if d.repair(repairValueType, "intValue %s is not a number", quote(string(text))) {
			*v = strValue(ref)
		}
	}
}

func (d *decoder) doubleValue(v *value) {
	var text []byte
	var ref textRef
	switch d.r.Peek() {
	case jsontok.Number:
		text = d.r.Num()
		ref = d.jsonRef(text)
	case jsontok.String:
		raw, info := d.r.Str()
		ref = d.strRef(raw, info)
		text = d.textOf(raw, info)
	case jsontok.Null:
		d.r.Null()
		if d.repair(repairValueType, "doubleValue is null; using 0") {
			*v = doubleValue(0)
		}
		return
	default:
		d.keepAsString(v, "doubleValue")
		return
	}
	if f, ok := parseFloat(text); ok {
		*v = doubleValue(f)
		return
	}
	if d.repair(repairValueType, "doubleValue %s is not a number", quote(string(text))) {
		*v = strValue(ref)
	}
}

func (d *decoder) bytesValue(v *value) {
	kind := d.r.Peek()
	switch kind {
	case jsontok.String:
	case jsontok.Null:
		d.r.Null()
		if d.repair(repairValueType, "bytesValue must be a base64 string, got null") {
			*v = value{kind: vBytes, lo: int32(len(d.bytes)), hi: int32(len(d.bytes))}
		}
		return
	default:
		d.keepAsString(v, "bytesValue")
		return
	}
	raw, info := d.r.Str()
	ref := d.strRef(raw, info)
	if info == 0 {
		if b, ok := d.base64(raw, base64.StdEncoding); ok {
			*v = b
			return
		}
	}
	text := d.textOf(raw, info)
	if b, ok := d.base64(text, base64.StdEncoding); ok {
		if d.repair(repairValueType, "bytesValue has escape sequences") {
			*v = b
		}
		return
	}
	if b, ok := d.base64(bytes.TrimRight(text, "="), base64.RawURLEncoding); ok {
		if d.repair(repairValueType, "bytesValue is not standard base64") {
			*v = b
		}
		return
	}
	if d.repair(repairValueType, "bytesValue is not base64") {
		*v = strValue(ref)
	}
}

// base64 decodes text into d.bytes.
func (d *decoder) base64(text []byte, enc *base64.Encoding) (value, bool) {
	lo := len(d.bytes)
	d.bytes = append(d.bytes, make([]byte, enc.DecodedLen(len(text)))...)
	n, err := enc.Decode(d.bytes[lo:], text)
	d.bytes = d.bytes[:lo+n]
	if err != nil {
		d.bytes = d.bytes[:lo]
		return value{}, false
	}
	return value{kind: vBytes, lo: int32(lo), hi: int32(lo + n)}, true
}

// keepAsString keeps a value of the wrong JSON type as its JSON text.
func (d *decoder) keepAsString(v *value, field string) {
	kind := d.r.Peek()
	text := d.jsonRef(d.r.SkipRaw())
	if d.repair(repairValueType, "%s has the wrong type: %s", field, kind.Article()) {
		*v = strValue(text)
	}
}
