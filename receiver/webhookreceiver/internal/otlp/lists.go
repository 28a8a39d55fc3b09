package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"

// Values that hold lists (arrayValue, kvlistValue), and values written as
// plain JSON, which lenient mode reads as AnyValues.

func (d *decoder) arrayValue(v *value) {
	switch kind := d.r.Peek(); kind {
	case jsontok.Object, jsontok.Null:
		start := len(d.stack)
		if d.r.Peek() == jsontok.Null {
			d.r.Null()
		} else if d.r.BeginObject() {
			for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
				d.push()
				if view(d.key()) == "values" {
					// A repeated "values" adds to the list, as in pdata.
					d.values()
				} else {
					d.r.Skip()
				}
				d.pop()
			}
		}
		lo, hi := d.endList(start)
		*v = value{kind: vSlice, lo: lo, hi: hi}
	case jsontok.Array:
		if !d.repair(repairValueType, "arrayValue must be {\"values\": [...]}, got an array") {
			d.r.Skip()
			return
		}
		start := len(d.stack)
		d.values()
		lo, hi := d.endList(start)
		*v = value{kind: vSlice, lo: lo, hi: hi}
	default:
		d.failf("arrayValue must be {\"values\": [...]}, got %s", kind.Article())
		d.r.Skip()
	}
}

// values reads an array of AnyValues onto d.stack.
func (d *decoder) values() {
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		var e kv
		d.anyValue(&e.v)
		d.stack = append(d.stack, e)
	}
	d.index(-1)
}

func (d *decoder) kvlistValue(v *value) {
	start := len(d.stack)
	switch kind := d.r.Peek(); kind {
	case jsontok.Null:
		d.r.Null()
	case jsontok.Object:
		if d.r.BeginObject() {
			for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
				d.push()
				if view(d.key()) == "values" {
					d.keyValues()
				} else {
					d.r.Skip()
				}
				d.pop()
			}
		}
	default:
		d.failf("kvlistValue must be {\"values\": [...]}, got %s", kind.Article())
		d.r.Skip()
		return
	}
	lo, hi := d.endList(start)
	*v = value{kind: vMap, lo: lo, hi: hi}
}

// endList moves the entries of a list just read, from start on d.stack,
// to d.done, and returns where they are.
func (d *decoder) endList(start int) (lo, hi int32) {
	lo = int32(len(d.done))
	d.done = append(d.done, d.stack[start:]...)
	d.stack = d.stack[:start]
	return lo, int32(len(d.done))
}

// plainValue reads, as an AnyValue, a JSON value written without the OTLP
// wrapper: a string, number, boolean, array or object.
func (d *decoder) plainValue() value {
	switch d.r.Peek() {
	case jsontok.String:
		return strValue(d.strRef(d.r.Str()))
	case jsontok.Number:
		text := d.r.Num()
		if i, ok := parseInt(text); ok {
			return intValue(i)
		}
		if f, ok := parseFloat(text); ok {
			return doubleValue(f)
		}
		return strValue(d.jsonRef(text))
	case jsontok.Bool:
		return boolValue(d.r.Bool())
	case jsontok.Array:
		start := len(d.stack)
		if d.r.BeginArray() {
			for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
				d.stack = append(d.stack, kv{v: d.plainValue()})
			}
		}
		lo, hi := d.endList(start)
		return value{kind: vSlice, lo: lo, hi: hi}
	case jsontok.Object:
		start := len(d.stack)
		d.plainObject()
		lo, hi := d.endList(start)
		return value{kind: vMap, lo: lo, hi: hi}
	}
	d.r.Skip()
	return value{}
}

// plainObject reads the fields of a JSON object as attributes onto d.stack.
func (d *decoder) plainObject() {
	if !d.r.BeginObject() {
		return
	}
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		key := d.keyRef()
		d.stack = append(d.stack, kv{key: key, v: d.plainValue()})
	}
}
