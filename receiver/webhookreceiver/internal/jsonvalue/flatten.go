package jsonvalue // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"

import (
	"encoding/json"
	"fmt"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Flattener reads JSON values from a decoder (with UseNumber) into
// attributes, in one pass: objects become dotted keys (key.field), arrays
// slices (objects inside them maps), numbers as SetNumber makes them,
// strings and booleans as sent.
type Flattener struct {
	// SkipNull leaves a null out; otherwise it is an empty value. Inside
	// arrays a null is always an empty element, so positions are kept.
	SkipNull bool
	// MaxDepth bounds the nesting; deeper values are an error naming the
	// field.
	MaxDepth int
}

// Put reads one value and puts it under key; field names it in errors and
// depth is its nesting so far. An empty object is an empty map.
func (f Flattener) Put(m pcommon.Map, key string, dec *json.Decoder, field string, depth int) error {
	if depth > f.MaxDepth {
		return fmt.Errorf("%s: nested more than %d levels", field, f.MaxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return f.readArray(m.PutEmptySlice(key), dec, field, depth)
		}
		empty := true
		for dec.More() {
			empty = false
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			if err := f.Put(m, key+"."+name, dec, field+"."+name, depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // '}'
			return err
		}
		if empty {
			m.PutEmptyMap(key)
		}
	case string:
		m.PutStr(key, v)
	case json.Number:
		SetNumber(m.PutEmpty(key), v)
	case bool:
		m.PutBool(key, v)
	case nil:
		if !f.SkipNull {
			m.PutEmpty(key)
		}
	}
	return nil
}

// Set reads one value into v; objects stay maps.
func (f Flattener) Set(v pcommon.Value, dec *json.Decoder, field string, depth int) error {
	if depth > f.MaxDepth {
		return fmt.Errorf("%s: nested more than %d levels", field, f.MaxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return f.readArray(v.SetEmptySlice(), dec, field, depth)
		}
		m := v.SetEmptyMap()
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			if err := f.Set(m.PutEmpty(name), dec, field+"."+name, depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // '}'
			return err
		}
	case string:
		v.SetStr(t)
	case json.Number:
		SetNumber(v, t)
	case bool:
		v.SetBool(t)
	}
	return nil
}

func (f Flattener) readArray(s pcommon.Slice, dec *json.Decoder, field string, depth int) error {
	for i := 0; dec.More(); i++ {
		if err := f.Set(s.AppendEmpty(), dec, fmt.Sprintf("%s[%d]", field, i), depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	return err
}

// TokenKind names the JSON type of a token of a json.Decoder, for messages
// such as "must be a string, got an array".
func TokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	default:
		return "a string"
	}
}

// PutValue puts a value decoded into Go (json.Number, string, bool, nil,
// []any, map[string]any) under key as Put does, the members of objects in
// the order of their names; an error names the key. Decoding a whole field
// with Decoder.Decode and flattening it from there costs a fraction of
// reading it token by token.
func (f Flattener) PutValue(m pcommon.Map, key string, v any, depth int) error {
	if depth > f.MaxDepth {
		return fmt.Errorf("%s: nested more than %d levels", key, f.MaxDepth)
	}
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			m.PutEmptyMap(key)
			return nil
		}
		for _, name := range SortedKeys(t) {
			if err := f.PutValue(m, key+"."+name, t[name], depth+1); err != nil {
				return err
			}
		}
		return nil
	case nil:
		if !f.SkipNull {
			m.PutEmpty(key)
		}
		return nil
	}
	return f.setValue(m.PutEmpty(key), v, key, depth)
}

// SetValue sets v to a value decoded into Go; objects stay maps. key names
// the value in errors.
func (f Flattener) SetValue(v pcommon.Value, x any, key string, depth int) error {
	return f.setValue(v, x, key, depth)
}

func (f Flattener) setValue(v pcommon.Value, x any, key string, depth int) error {
	if depth > f.MaxDepth {
		return fmt.Errorf("%s: nested more than %d levels", key, f.MaxDepth)
	}
	switch t := x.(type) {
	case map[string]any:
		m := v.SetEmptyMap()
		m.EnsureCapacity(len(t))
		for _, name := range SortedKeys(t) {
			if err := f.setValue(m.PutEmpty(name), t[name], key, depth+1); err != nil {
				return err
			}
		}
	case []any:
		s := v.SetEmptySlice()
		s.EnsureCapacity(len(t))
		for _, item := range t {
			if err := f.setValue(s.AppendEmpty(), item, key, depth+1); err != nil {
				return err
			}
		}
	case string:
		v.SetStr(t)
	case json.Number:
		SetNumber(v, t)
	case bool:
		v.SetBool(t)
	}
	return nil
}

// SortedKeys returns the names of m's members in order.
func SortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
