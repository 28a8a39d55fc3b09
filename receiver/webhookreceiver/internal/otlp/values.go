package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"

	jsoniter "github.com/json-iterator/go"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// keyValues appends the entries of an attribute list after cnt entries
// already in o, and returns the new count. Lenient mode also takes a plain
// JSON object {"key": value}.
func (n *normalizer) keyValues(o []byte, cnt int) ([]byte, int) {
	sep := func() {
		if cnt > 0 {
			o = append(o, ',')
		}
		cnt++
	}
	switch n.iter.WhatIsNext() {
	case jsoniter.ObjectValue:
		if !n.repair(repairAttributesObject, "attributes must be an array of {\"key\", \"value\"} objects, got an object") {
			n.iter.Skip()
			return o, cnt
		}
		n.object(func(key string) {
			sep()
			o = append(o, `{"key":`...)
			o = jsonstr.Append(o, key)
			o = append(o, `,"value":`...)
			o = n.plainValue(o)
			o = append(o, '}')
		})
		return o, cnt
	}
	n.array(func() {
		// A missing key is the empty key, as pdata reads it. A repeated
		// "value" is written as often as it was sent: pdata merges the
		// repeats into one value (a later empty object changes nothing), and
		// reading the canonical body, it merges them the same way.
		var key string
		var value []byte
		n.objectOrFail("an attribute", func(field string) {
			switch field {
			case "key":
				key = n.readString()
			case "value":
				value = append(value, `,"value":`...)
				value = n.anyValue(value)
			default:
				n.iter.Skip()
			}
		})
		sep()
		o = append(o, `{"key":`...)
		o = jsonstr.Append(o, key)
		o = append(o, value...)
		o = append(o, '}')
	})
	return o, cnt
}

// valueKeys are the fields of an OTLP AnyValue.
var valueKeys = map[string]bool{
	"stringValue": true, "string_value": true, "boolValue": true, "bool_value": true,
	"intValue": true, "int_value": true, "doubleValue": true, "double_value": true,
	"arrayValue": true, "array_value": true, "kvlistValue": true, "kvlist_value": true,
	"bytesValue": true, "bytes_value": true,
}

// anyValue appends an OTLP AnyValue object. Leniently, a value written as a
// plain JSON scalar or array is converted. An object is always read as an
// AnyValue whose unknown fields are ignored, as pdata reads it, so both
// decode paths agree.
func (n *normalizer) anyValue(o []byte) []byte {
	switch n.iter.WhatIsNext() {
	case jsoniter.ObjectValue:
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return append(o, "{}"...)
	default:
		if !n.repair(repairPlainValue, "value must be an object such as {\"stringValue\": ...}, got %s", n.kind()) {
			n.iter.Skip()
			return o
		}
		return n.plainValue(o)
	}

	o = append(o, '{')
	start := len(o)
	n.object(func(field string) {
		if valueKeys[field] {
			// The last value field wins, as in pdata.
			o = o[:start]
		}
		switch field {
		case "stringValue", "string_value":
			o = n.stringValue(o)
		case "boolValue", "bool_value":
			o = n.boolValue(o)
		case "intValue", "int_value":
			o = n.intValue(o)
		case "doubleValue", "double_value":
			o = n.doubleValue(o)
		case "arrayValue", "array_value":
			o = n.arrayValue(o)
		case "kvlistValue", "kvlist_value":
			o = n.kvlistValue(o)
		case "bytesValue", "bytes_value":
			o = n.bytesValue(o)
		default:
			n.iter.Skip()
		}
	})
	return append(o, '}')
}

func (n *normalizer) stringValue(o []byte) []byte {
	o = append(o, `"stringValue":`...)
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		return jsonstr.Append(o, n.iter.ReadString())
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return append(o, `""`...)
	}
	what := n.kind()
	if !n.repair(repairValueType, "stringValue must be a string, got %s", what) {
		n.iter.Skip()
		return o
	}
	return jsonstr.Append(o, string(n.iter.SkipAndReturnBytes()))
}

func (n *normalizer) boolValue(o []byte) []byte {
	switch n.iter.WhatIsNext() {
	case jsoniter.BoolValue:
		return strconv.AppendBool(append(o, `"boolValue":`...), n.iter.ReadBool())
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return append(o, `"boolValue":false`...)
	case jsoniter.StringValue:
		s := n.iter.ReadString()
		if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
			if !n.repair(repairValueType, "boolValue must be true or false, got the string %s", quote(s)) {
				return o
			}
			return strconv.AppendBool(append(o, `"boolValue":`...), b)
		}
		if !n.repair(repairValueType, "boolValue must be true or false, got the string %s", quote(s)) {
			return o
		}
		return jsonstr.Append(append(o, `"stringValue":`...), s)
	}
	return n.keepAsString(o, "boolValue")
}

func (n *normalizer) intValue(o []byte) []byte {
	var text string
	switch n.iter.WhatIsNext() {
	case jsoniter.NumberValue:
		text = string(n.iter.ReadNumber())
	case jsoniter.StringValue:
		text = n.iter.ReadString()
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return append(o, `"intValue":"0"`...)
	default:
		return n.keepAsString(o, "intValue")
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return append(strconv.AppendInt(append(o, `"intValue":"`...), i, 10), '"')
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	switch {
	case err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63:
		if !n.repair(repairValueType, "intValue %s is not an integer in int64 form", quote(text)) {
			return o
		}
		return append(strconv.AppendInt(append(o, `"intValue":"`...), int64(f), 10), '"')
	case err == nil && !math.IsNaN(f) && !math.IsInf(f, 0):
		if !n.repair(repairValueType, "intValue %s is not an integer", quote(text)) {
			return o
		}
		return appendFloat(append(o, `"doubleValue":`...), f)
	}
	if !n.repair(repairValueType, "intValue %s is not a number", quote(text)) {
		return o
	}
	return jsonstr.Append(append(o, `"stringValue":`...), text)
}

func (n *normalizer) doubleValue(o []byte) []byte {
	var text string
	switch n.iter.WhatIsNext() {
	case jsoniter.NumberValue:
		text = string(n.iter.ReadNumber())
	case jsoniter.StringValue:
		text = n.iter.ReadString()
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return append(o, `"doubleValue":0`...)
	default:
		return n.keepAsString(o, "doubleValue")
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return appendFloat(append(o, `"doubleValue":`...), f)
	}
	if !n.repair(repairValueType, "doubleValue %s is not a number", quote(text)) {
		return o
	}
	return jsonstr.Append(append(o, `"stringValue":`...), text)
}

func (n *normalizer) bytesValue(o []byte) []byte {
	if n.iter.WhatIsNext() != jsoniter.StringValue {
		return n.keepAsString(o, "bytesValue")
	}
	s := n.iter.ReadString()
	if _, err := base64.StdEncoding.DecodeString(s); err == nil {
		return jsonstr.Append(append(o, `"bytesValue":`...), s)
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")); err == nil {
		if !n.repair(repairValueType, "bytesValue is not standard base64") {
			return o
		}
		return jsonstr.Append(append(o, `"bytesValue":`...), base64.StdEncoding.EncodeToString(b))
	}
	if !n.repair(repairValueType, "bytesValue is not base64") {
		return o
	}
	return jsonstr.Append(append(o, `"stringValue":`...), s)
}

func (n *normalizer) arrayValue(o []byte) []byte {
	o = append(o, `"arrayValue":{"values":[`...)
	cnt := 0
	values := func() {
		n.array(func() {
			if cnt > 0 {
				o = append(o, ',')
			}
			cnt++
			o = n.anyValue(o)
		})
	}
	switch n.iter.WhatIsNext() {
	case jsoniter.ArrayValue:
		if n.repair(repairValueType, "arrayValue must be {\"values\": [...]}, got an array") {
			values()
		} else {
			n.iter.Skip()
		}
	default:
		if !n.object(func(field string) {
			if field == "values" {
				values()
			} else {
				n.iter.Skip()
			}
		}) {
			n.failf("arrayValue must be {\"values\": [...]}, got %s", n.kind())
			n.iter.Skip()
		}
	}
	return append(o, "]}"...)
}

func (n *normalizer) kvlistValue(o []byte) []byte {
	o = append(o, `"kvlistValue":{"values":[`...)
	cnt := 0
	if !n.object(func(field string) {
		if field == "values" {
			// A repeated "values" adds to the list, as in pdata.
			o, cnt = n.keyValues(o, cnt)
		} else {
			n.iter.Skip()
		}
	}) {
		n.failf("kvlistValue must be {\"values\": [...]}, got %s", n.kind())
		n.iter.Skip()
	}
	return append(o, "]}"...)
}

// keepAsString keeps a value of the wrong JSON type as its JSON text.
func (n *normalizer) keepAsString(o []byte, field string) []byte {
	if !n.repair(repairValueType, "%s has the wrong type: %s", field, n.kind()) {
		n.iter.Skip()
		return o
	}
	return jsonstr.Append(append(o, `"stringValue":`...), string(n.iter.SkipAndReturnBytes()))
}

// plainValue appends, as an AnyValue, a JSON value written without the OTLP
// wrapper: a string, number, boolean, array or object.
func (n *normalizer) plainValue(o []byte) []byte {
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		o = jsonstr.Append(append(o, `{"stringValue":`...), n.iter.ReadString())
	case jsoniter.NumberValue:
		text := string(n.iter.ReadNumber())
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			o = append(strconv.AppendInt(append(o, `{"intValue":"`...), i, 10), '"')
		} else if f, err := strconv.ParseFloat(text, 64); err == nil {
			o = appendFloat(append(o, `{"doubleValue":`...), f)
		} else {
			o = jsonstr.Append(append(o, `{"stringValue":`...), text)
		}
	case jsoniter.BoolValue:
		o = strconv.AppendBool(append(o, `{"boolValue":`...), n.iter.ReadBool())
	case jsoniter.ArrayValue:
		o = append(o, `{"arrayValue":{"values":[`...)
		cnt := 0
		n.iter.ReadArrayCB(func(*jsoniter.Iterator) bool {
			if cnt > 0 {
				o = append(o, ',')
			}
			cnt++
			o = n.plainValue(o)
			return n.ok()
		})
		o = append(o, "]}"...)
	case jsoniter.ObjectValue:
		o = append(o, `{"kvlistValue":{"values":[`...)
		cnt := 0
		n.iter.ReadObjectCB(func(_ *jsoniter.Iterator, key string) bool {
			if cnt > 0 {
				o = append(o, ',')
			}
			cnt++
			o = append(o, `{"key":`...)
			o = jsonstr.Append(o, key)
			o = append(o, `,"value":`...)
			o = n.plainValue(o)
			o = append(o, '}')
			return n.ok()
		})
		o = append(o, "]}"...)
	default:
		n.iter.Skip()
		return append(o, "{}"...)
	}
	return append(o, '}')
}
