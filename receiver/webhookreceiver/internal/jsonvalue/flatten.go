package jsonvalue // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"

import (
	"fmt"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// Flattener reads JSON values from the tokenizer into attributes, in one
// pass: objects become dotted keys (key.field), arrays slices (objects
// inside them maps), numbers as SetNumber makes them, strings and booleans
// as sent.
type Flattener struct {
	// SkipNull leaves a null out; otherwise it is an empty value. Inside
	// arrays a null is always an empty element, so positions are kept.
	SkipNull bool
	// MaxDepth bounds the nesting; deeper values are an error naming the
	// field.
	MaxDepth int
}

// Put reads one value and puts it under key; field names it in errors and
// depth is its nesting so far. An empty object is an empty map. A syntax
// error stops the tokenizer (r.Err), not Put.
func (f Flattener) Put(m pcommon.Map, key string, r *jsontok.Reader, field string, depth int) error {
	if depth > f.MaxDepth {
		return depthError(field, f.MaxDepth)
	}
	switch r.Peek() {
	case jsontok.Array:
		return f.readArray(m.PutEmptySlice(key), r, field, depth)
	case jsontok.Object:
		if !r.BeginObject() {
			return nil
		}
		empty := true
		for ok := r.FirstKey(); ok; ok = r.NextKey() {
			empty = false
			name := Text(r.Key(), r.KeyInfo())
			if err := f.Put(m, key+"."+name, r, field+"."+name, depth+1); err != nil {
				return err
			}
		}
		if empty && r.Err() == nil {
			m.PutEmptyMap(key)
		}
	case jsontok.String:
		m.PutStr(key, Text(r.Str()))
	case jsontok.Number:
		SetNumberText(m.PutEmpty(key), r.Num())
	case jsontok.Bool:
		m.PutBool(key, r.Bool())
	case jsontok.Null:
		r.Null()
		if !f.SkipNull {
			m.PutEmpty(key)
		}
	default:
		r.Skip() // reports the error
	}
	return nil
}

// Set reads one value into v; objects stay maps.
func (f Flattener) Set(v pcommon.Value, r *jsontok.Reader, field string, depth int) error {
	if depth > f.MaxDepth {
		return depthError(field, f.MaxDepth)
	}
	switch r.Peek() {
	case jsontok.Array:
		return f.readArray(v.SetEmptySlice(), r, field, depth)
	case jsontok.Object:
		m := v.SetEmptyMap()
		if !r.BeginObject() {
			return nil
		}
		for ok := r.FirstKey(); ok; ok = r.NextKey() {
			name := Text(r.Key(), r.KeyInfo())
			if err := f.Set(m.PutEmpty(name), r, field+"."+name, depth+1); err != nil {
				return err
			}
		}
	case jsontok.String:
		v.SetStr(Text(r.Str()))
	case jsontok.Number:
		SetNumberText(v, r.Num())
	case jsontok.Bool:
		v.SetBool(r.Bool())
	default:
		r.Skip() // null, or reports the error
	}
	return nil
}

func (f Flattener) readArray(s pcommon.Slice, r *jsontok.Reader, field string, depth int) error {
	if !r.BeginArray() {
		return nil
	}
	for i, ok := 0, r.FirstElem(); ok; i, ok = i+1, r.NextElem() {
		if err := f.Set(s.AppendEmpty(), r, field+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
			return err
		}
	}
	return nil
}

func depthError(field string, maxDepth int) error {
	return fmt.Errorf("%s: nested more than %d levels", field, maxDepth)
}
