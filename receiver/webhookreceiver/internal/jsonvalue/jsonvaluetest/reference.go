// Package jsonvaluetest holds how the decoders of the senders' payloads
// read JSON before they read it with the tokenizer: on encoding/json's
// Decoder, token by token (Put, Set), and from values decoded into Go
// (PutValue, SetValue). It is the oracle of their differential tests
// (FuzzTree and each decoder's FuzzDecodeAsReference); nothing else uses it.
package jsonvaluetest // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue/jsonvaluetest"

import (
	"encoding/json"
	"fmt"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// Put reads one value from a Decoder (with UseNumber) and puts it under
// key, as Flattener.Put does from the tokenizer; field names it in errors and
// depth is its nesting so far. An empty object is an empty map.
func Put(f jsonvalue.Flattener, m pcommon.Map, key string, dec *json.Decoder, field string, depth int) error {
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
			return readArray(f, m.PutEmptySlice(key), dec, field, depth)
		}
		empty := true
		for dec.More() {
			empty = false
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			if err := Put(f, m, key+"."+name, dec, field+"."+name, depth+1); err != nil {
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
		jsonvalue.SetNumber(m.PutEmpty(key), v)
	case bool:
		m.PutBool(key, v)
	case nil:
		if !f.SkipNull {
			m.PutEmpty(key)
		}
	}
	return nil
}

// Set reads one value from a Decoder into v, as Flattener.Set does from
// the tokenizer; objects stay maps.
func Set(f jsonvalue.Flattener, v pcommon.Value, dec *json.Decoder, field string, depth int) error {
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
			return readArray(f, v.SetEmptySlice(), dec, field, depth)
		}
		m := v.SetEmptyMap()
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			if err := Set(f, m.PutEmpty(name), dec, field+"."+name, depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // '}'
			return err
		}
	case string:
		v.SetStr(t)
	case json.Number:
		jsonvalue.SetNumber(v, t)
	case bool:
		v.SetBool(t)
	}
	return nil
}

func readArray(f jsonvalue.Flattener, s pcommon.Slice, dec *json.Decoder, field string, depth int) error {
	for i := 0; dec.More(); i++ {
		if err := Set(f, s.AppendEmpty(), dec, fmt.Sprintf("%s[%d]", field, i), depth+1); err != nil {
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
// the order of their names, as Flattener.PutNode puts a Tree; an error
// names the key.
func PutValue(f jsonvalue.Flattener, m pcommon.Map, key string, v any, depth int) error {
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
			if err := PutValue(f, m, key+"."+name, t[name], depth+1); err != nil {
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
	return setValue(f, m.PutEmpty(key), v, key, depth)
}

// SetValue sets v to a value decoded into Go; objects stay maps. key names
// the value in errors.
func SetValue(f jsonvalue.Flattener, v pcommon.Value, x any, key string, depth int) error {
	return setValue(f, v, x, key, depth)
}

func setValue(f jsonvalue.Flattener, v pcommon.Value, x any, key string, depth int) error {
	if depth > f.MaxDepth {
		return fmt.Errorf("%s: nested more than %d levels", key, f.MaxDepth)
	}
	switch t := x.(type) {
	case map[string]any:
		m := v.SetEmptyMap()
		m.EnsureCapacity(len(t))
		for _, name := range SortedKeys(t) {
			if err := setValue(f, m.PutEmpty(name), t[name], key, depth+1); err != nil {
				return err
			}
		}
	case []any:
		s := v.SetEmptySlice()
		s.EnsureCapacity(len(t))
		for _, item := range t {
			if err := setValue(f, s.AppendEmpty(), item, key, depth+1); err != nil {
				return err
			}
		}
	case string:
		v.SetStr(t)
	case json.Number:
		jsonvalue.SetNumber(v, t)
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
