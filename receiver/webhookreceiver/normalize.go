package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	jsoniter "github.com/json-iterator/go"
)

// Attributes that keep an ID the receiver had to replace.
const (
	AttrOriginalTraceID      = "webhook.original_trace_id"
	AttrOriginalSpanID       = "webhook.original_span_id"
	AttrOriginalParentSpanID = "webhook.original_parent_span_id"
)

// normalizer rewrites an OTLP JSON body that pdata refused into canonical
// OTLP JSON that pdata reads, repairing what it can (lenient) or naming the
// first problem (strict). A span it cannot repair is left out and reported,
// so one bad span never rejects the others. Its input is syntactically valid
// JSON: decodeJSON checks that first, to report a syntax error by position.
type normalizer struct {
	iter    *jsoniter.Iterator
	strict  bool
	repairs *repairCounts

	path []pathElem
	// inSpan: problems reject the current span instead of the whole body.
	inSpan  bool
	spanErr string
	fatal   error

	rejected    int
	rejectFirst string

	out []byte
	// per-span scratch buffers, reused
	span      spanFields
	attrs     []byte
	events    []byte
	links     []byte
	linkAttrs []byte
}

type pathElem struct {
	name  string
	index int
}

type spanFields struct {
	traceID, spanID, parentSpanID             idField
	traceState, name                          string
	flags, droppedAttrs, droppedEvents, drops uint32
	kind                                      int32
	start, end                                uint64
	nAttrs, nEvents, nLinks                   int
	status                                    []byte
}

// idField is an ID in canonical hex, and the sender's text when it had to
// be replaced.
type idField struct {
	hex, original string
}

func newNormalizer(strict bool, repairs *repairCounts) *normalizer {
	return &normalizer{strict: strict, repairs: repairs}
}

// normalize returns canonical OTLP JSON for body.
func (n *normalizer) normalize(body []byte) ([]byte, error) {
	n.iter = jsoniter.ConfigFastest.BorrowIterator(body)
	defer jsoniter.ConfigFastest.ReturnIterator(n.iter)
	n.out = make([]byte, 0, len(body)+len(body)/4)
	n.out = append(n.out, `{"resourceSpans":[`...)
	first := true
	if !n.object(func(field string) {
		switch field {
		case "resourceSpans", "resource_spans":
			n.array(func() {
				if !first {
					n.out = append(n.out, ',')
				}
				first = false
				n.resourceSpans()
			})
		default:
			n.iter.Skip()
		}
	}) {
		n.failf("the body must be a JSON object with a resourceSpans array, got %s", n.kind())
	}
	if err := n.err(); err != nil {
		return nil, err
	}
	n.out = append(n.out, "]}"...)
	return n.out, nil
}

func (n *normalizer) err() error {
	if n.fatal != nil {
		return n.fatal
	}
	if n.iter.Error != nil && n.iter.Error.Error() != "EOF" {
		return fmt.Errorf("%s: %v", n.where(), n.iter.Error)
	}
	return nil
}

func (n *normalizer) ok() bool {
	return n.fatal == nil && (n.iter.Error == nil || n.iter.Error.Error() == "EOF")
}

// where names the current position, like resourceSpans[0].scopeSpans[1].spans[2].traceId.
func (n *normalizer) where() string {
	var b strings.Builder
	for i, p := range n.path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.name)
		if p.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
		}
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// failf is a problem no repair fixes: it rejects the current span, or the
// whole body outside a span and in strict mode.
func (n *normalizer) failf(format string, args ...any) {
	msg := n.where() + ": " + fmt.Sprintf(format, args...)
	if n.inSpan && !n.strict {
		if n.spanErr == "" {
			n.spanErr = msg
		}
		return
	}
	if n.fatal == nil {
		n.fatal = errors.New(msg)
	}
}

// repair records a repair of kind, or in strict mode fails with what the
// repair would have fixed. It reports whether to go on repairing.
func (n *normalizer) repair(kind repairKind, format string, args ...any) bool {
	if n.strict {
		n.failf(format+" (lenient: true would repair this)", args...)
		return false
	}
	n.repairs.add(kind)
	return true
}

// kind names the JSON type of the next value.
func (n *normalizer) kind() string {
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		return "a string"
	case jsoniter.NumberValue:
		return "a number"
	case jsoniter.BoolValue:
		return "a boolean"
	case jsoniter.NilValue:
		return "null"
	case jsoniter.ArrayValue:
		return "an array"
	case jsoniter.ObjectValue:
		return "an object"
	default:
		return "an invalid value"
	}
}

// object calls fn for each field of an object, with the field on the path.
// null is an empty object. It returns false, reading nothing, for a value
// that is not an object.
func (n *normalizer) object(fn func(field string)) bool {
	switch n.iter.WhatIsNext() {
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return true
	case jsoniter.ObjectValue:
	default:
		return false
	}
	n.iter.ReadObjectCB(func(_ *jsoniter.Iterator, field string) bool {
		n.path = append(n.path, pathElem{name: field, index: -1})
		fn(field)
		n.path = n.path[:len(n.path)-1]
		return n.ok()
	})
	return true
}

// array calls fn for each element, with its index on the path; null is an
// empty array. Anything else fails (and is skipped).
func (n *normalizer) array(fn func()) {
	switch n.iter.WhatIsNext() {
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return
	case jsoniter.ArrayValue:
	default:
		n.failf("expected an array, got %s", n.kind())
		n.iter.Skip()
		return
	}
	top := len(n.path) - 1
	i := 0
	n.iter.ReadArrayCB(func(*jsoniter.Iterator) bool {
		n.path[top].index = i
		fn()
		i++
		return n.ok()
	})
	n.path[top].index = -1
}

// objectOrFail reads an object, failing for any other value.
func (n *normalizer) objectOrFail(what string, fn func(field string)) {
	if !n.object(fn) {
		n.failf("expected %s object, got %s", what, n.kind())
		n.iter.Skip()
	}
}

func (n *normalizer) resourceSpans() {
	n.out = append(n.out, '{')
	w := fieldWriter{out: &n.out}
	n.objectOrFail("a resourceSpans", func(field string) {
		switch field {
		case "resource":
			w.name("resource")
			n.resource(&n.out)
		case "scopeSpans", "scope_spans", "instrumentationLibrarySpans":
			w.name("scopeSpans")
			n.out = append(n.out, '[')
			first := true
			n.array(func() {
				if !first {
					n.out = append(n.out, ',')
				}
				first = false
				n.scopeSpans()
			})
			n.out = append(n.out, ']')
		case "schemaUrl", "schema_url":
			w.name("schemaUrl")
			n.out = appendJSONString(n.out, n.readString())
		default:
			n.iter.Skip()
		}
	})
	n.out = append(n.out, '}')
}

// resource writes a resource or an instrumentation scope: both are objects
// of scalar fields plus attributes.
func (n *normalizer) resource(out *[]byte) {
	*out = append(*out, '{')
	w := fieldWriter{out: out}
	n.objectOrFail("a resource or scope", func(field string) {
		switch field {
		case "attributes":
			w.name("attributes")
			*out = append(*out, '[')
			*out, _ = n.keyValues(*out, 0)
			*out = append(*out, ']')
		case "droppedAttributesCount", "dropped_attributes_count":
			w.name("droppedAttributesCount")
			*out = strconv.AppendUint(*out, uint64(n.readUint32()), 10)
		case "name", "version":
			w.name(field)
			*out = appendJSONString(*out, n.readString())
		default:
			n.iter.Skip()
		}
	})
	*out = append(*out, '}')
}

func (n *normalizer) scopeSpans() {
	n.out = append(n.out, '{')
	w := fieldWriter{out: &n.out}
	n.objectOrFail("a scopeSpans", func(field string) {
		switch field {
		case "scope", "instrumentationLibrary":
			w.name("scope")
			n.resource(&n.out)
		case "spans":
			w.name("spans")
			n.out = append(n.out, '[')
			first := true
			n.array(func() {
				if n.spanObject(first) {
					first = false
				}
			})
			n.out = append(n.out, ']')
		case "schemaUrl", "schema_url":
			w.name("schemaUrl")
			n.out = appendJSONString(n.out, n.readString())
		default:
			n.iter.Skip()
		}
	})
	n.out = append(n.out, '}')
}

// spanObject reads one span and writes it unless it had to be rejected. It
// reports whether it wrote the span.
func (n *normalizer) spanObject(first bool) bool {
	n.inSpan, n.spanErr = true, ""
	n.span = spanFields{}
	n.attrs, n.events, n.links = n.attrs[:0], n.events[:0], n.links[:0]
	n.objectOrFail("a span", n.spanField)
	n.inSpan = false
	if n.spanErr != "" {
		n.rejected++
		if n.rejectFirst == "" {
			n.rejectFirst = n.spanErr
		}
		return false
	}
	if !n.ok() {
		return false
	}
	if !first {
		n.out = append(n.out, ',')
	}
	n.writeSpan()
	return true
}

func (n *normalizer) spanField(field string) {
	s := &n.span
	switch field {
	case "traceId", "trace_id":
		s.traceID = n.readID(16)
	case "spanId", "span_id":
		s.spanID = n.readID(8)
	case "parentSpanId", "parent_span_id":
		s.parentSpanID = n.readID(8)
	case "traceState", "trace_state":
		s.traceState = n.readString()
	case "flags":
		s.flags = n.readUint32()
	case "name":
		s.name = n.readString()
	case "kind":
		s.kind = n.readEnum(spanKinds, "SPAN_KIND_")
	case "startTimeUnixNano", "start_time_unix_nano":
		s.start = n.readTimestamp()
	case "endTimeUnixNano", "end_time_unix_nano":
		s.end = n.readTimestamp()
	case "attributes":
		// A repeated "attributes" adds to the list, as in pdata.
		n.attrs, s.nAttrs = n.keyValues(n.attrs, s.nAttrs)
	case "droppedAttributesCount", "dropped_attributes_count":
		s.droppedAttrs = n.readUint32()
	case "events":
		n.array(func() {
			if s.nEvents > 0 {
				n.events = append(n.events, ',')
			}
			s.nEvents++
			n.event()
		})
	case "droppedEventsCount", "dropped_events_count":
		s.droppedEvents = n.readUint32()
	case "links":
		n.array(func() {
			if s.nLinks > 0 {
				n.links = append(n.links, ',')
			}
			s.nLinks++
			n.link()
		})
	case "droppedLinksCount", "dropped_links_count":
		s.drops = n.readUint32()
	case "status":
		// Repeats are kept and merged by pdata, as it merges them itself.
		s.status = append(s.status, `,"status":`...)
		s.status = n.status(s.status)
	default:
		n.iter.Skip()
	}
}

func (n *normalizer) writeSpan() {
	s := &n.span
	o := append(n.out, `{"traceId":"`...)
	o = append(o, s.traceID.hex...)
	o = append(o, `","spanId":"`...)
	o = append(o, s.spanID.hex...)
	o = append(o, `","parentSpanId":"`...)
	o = append(o, s.parentSpanID.hex...)
	o = append(o, `","traceState":`...)
	o = appendJSONString(o, s.traceState)
	o = append(o, `,"flags":`...)
	o = strconv.AppendUint(o, uint64(s.flags), 10)
	o = append(o, `,"name":`...)
	o = appendJSONString(o, s.name)
	o = append(o, `,"kind":`...)
	o = strconv.AppendInt(o, int64(s.kind), 10)
	o = append(o, `,"startTimeUnixNano":"`...)
	o = strconv.AppendUint(o, s.start, 10)
	o = append(o, `","endTimeUnixNano":"`...)
	o = strconv.AppendUint(o, s.end, 10)
	o = append(o, `","attributes":[`...)
	o = append(o, n.attrs...)
	sep := s.nAttrs > 0
	for _, id := range [...]struct {
		key string
		id  idField
	}{{AttrOriginalTraceID, s.traceID}, {AttrOriginalSpanID, s.spanID}, {AttrOriginalParentSpanID, s.parentSpanID}} {
		if id.id.original != "" {
			o = appendStringAttr(o, sep, id.key, id.id.original)
			sep = true
		}
	}
	o = append(o, `],"droppedAttributesCount":`...)
	o = strconv.AppendUint(o, uint64(s.droppedAttrs), 10)
	o = append(o, `,"events":[`...)
	o = append(o, n.events...)
	o = append(o, `],"droppedEventsCount":`...)
	o = strconv.AppendUint(o, uint64(s.droppedEvents), 10)
	o = append(o, `,"links":[`...)
	o = append(o, n.links...)
	o = append(o, `],"droppedLinksCount":`...)
	o = strconv.AppendUint(o, uint64(s.drops), 10)
	o = append(o, s.status...)
	n.out = append(o, '}')
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

func (n *normalizer) event() {
	n.events = append(n.events, '{')
	w := fieldWriter{out: &n.events}
	n.objectOrFail("an event", func(field string) {
		switch field {
		case "timeUnixNano", "time_unix_nano":
			w.name("timeUnixNano")
			n.events = append(n.events, '"')
			n.events = strconv.AppendUint(n.events, n.readTimestamp(), 10)
			n.events = append(n.events, '"')
		case "name":
			w.name("name")
			n.events = appendJSONString(n.events, n.readString())
		case "attributes":
			w.name("attributes")
			n.events = append(n.events, '[')
			n.events, _ = n.keyValues(n.events, 0)
			n.events = append(n.events, ']')
		case "droppedAttributesCount", "dropped_attributes_count":
			w.name("droppedAttributesCount")
			n.events = strconv.AppendUint(n.events, uint64(n.readUint32()), 10)
		default:
			n.iter.Skip()
		}
	})
	n.events = append(n.events, '}')
}

func (n *normalizer) link() {
	var traceID, spanID idField
	var traceState string
	var flags, dropped uint32
	n.linkAttrs = n.linkAttrs[:0]
	nAttrs := 0
	n.objectOrFail("a link", func(field string) {
		switch field {
		case "traceId", "trace_id":
			traceID = n.readID(16)
		case "spanId", "span_id":
			spanID = n.readID(8)
		case "traceState", "trace_state":
			traceState = n.readString()
		case "flags":
			flags = n.readUint32()
		case "attributes":
			n.linkAttrs, nAttrs = n.keyValues(n.linkAttrs, nAttrs)
		case "droppedAttributesCount", "dropped_attributes_count":
			dropped = n.readUint32()
		default:
			n.iter.Skip()
		}
	})
	o := append(n.links, `{"traceId":"`...)
	o = append(o, traceID.hex...)
	o = append(o, `","spanId":"`...)
	o = append(o, spanID.hex...)
	o = append(o, `","traceState":`...)
	o = appendJSONString(o, traceState)
	o = append(o, `,"flags":`...)
	o = strconv.AppendUint(o, uint64(flags), 10)
	o = append(o, `,"attributes":[`...)
	o = append(o, n.linkAttrs...)
	sep := nAttrs > 0
	if traceID.original != "" {
		o = appendStringAttr(o, sep, AttrOriginalTraceID, traceID.original)
		sep = true
	}
	if spanID.original != "" {
		o = appendStringAttr(o, sep, AttrOriginalSpanID, spanID.original)
	}
	o = append(o, `],"droppedAttributesCount":`...)
	o = strconv.AppendUint(o, uint64(dropped), 10)
	n.links = append(o, '}')
}

func (n *normalizer) status(o []byte) []byte {
	o = append(o, '{')
	w := fieldWriter{out: &o}
	n.objectOrFail("a status", func(field string) {
		switch field {
		case "message":
			w.name("message")
			o = appendJSONString(o, n.readString())
		case "code":
			w.name("code")
			o = strconv.AppendInt(o, int64(n.readEnum(statusCodes, "STATUS_CODE_")), 10)
		default:
			n.iter.Skip()
		}
	})
	return append(o, '}')
}

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
			o = appendJSONString(o, key)
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
		o = appendJSONString(o, key)
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
		return appendJSONString(o, n.iter.ReadString())
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return append(o, `""`...)
	}
	what := n.kind()
	if !n.repair(repairValueType, "stringValue must be a string, got %s", what) {
		n.iter.Skip()
		return o
	}
	return appendJSONString(o, string(n.iter.SkipAndReturnBytes()))
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
		return appendJSONString(append(o, `"stringValue":`...), s)
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
	return appendJSONString(append(o, `"stringValue":`...), text)
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
	return appendJSONString(append(o, `"stringValue":`...), text)
}

func (n *normalizer) bytesValue(o []byte) []byte {
	if n.iter.WhatIsNext() != jsoniter.StringValue {
		return n.keepAsString(o, "bytesValue")
	}
	s := n.iter.ReadString()
	if _, err := base64.StdEncoding.DecodeString(s); err == nil {
		return appendJSONString(append(o, `"bytesValue":`...), s)
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")); err == nil {
		if !n.repair(repairValueType, "bytesValue is not standard base64") {
			return o
		}
		return appendJSONString(append(o, `"bytesValue":`...), base64.StdEncoding.EncodeToString(b))
	}
	if !n.repair(repairValueType, "bytesValue is not base64") {
		return o
	}
	return appendJSONString(append(o, `"stringValue":`...), s)
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
	return appendJSONString(append(o, `"stringValue":`...), string(n.iter.SkipAndReturnBytes()))
}

// plainValue appends, as an AnyValue, a JSON value written without the OTLP
// wrapper: a string, number, boolean, array or object.
func (n *normalizer) plainValue(o []byte) []byte {
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		o = appendJSONString(append(o, `{"stringValue":`...), n.iter.ReadString())
	case jsoniter.NumberValue:
		text := string(n.iter.ReadNumber())
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			o = append(strconv.AppendInt(append(o, `{"intValue":"`...), i, 10), '"')
		} else if f, err := strconv.ParseFloat(text, 64); err == nil {
			o = appendFloat(append(o, `{"doubleValue":`...), f)
		} else {
			o = appendJSONString(append(o, `{"stringValue":`...), text)
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
			o = appendJSONString(o, key)
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

func (n *normalizer) readString() string {
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		return n.iter.ReadString()
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return ""
	case jsoniter.NumberValue, jsoniter.BoolValue:
		text := string(n.iter.SkipAndReturnBytes())
		if !n.repair(repairValueType, "expected a string, got %s", text) {
			return ""
		}
		return text
	}
	n.failf("expected a string, got %s", n.kind())
	n.iter.Skip()
	return ""
}

func (n *normalizer) readUint32() uint32 {
	text, ok := n.readNumberText()
	if !ok {
		return 0
	}
	v, err := strconv.ParseUint(text, 10, 32)
	if err != nil {
		if n.repair(repairValueType, "%s is not a 32-bit unsigned integer; using 0", quote(text)) {
			return 0
		}
	}
	return uint32(v)
}

// readNumberText reads a number written as a number or a string.
func (n *normalizer) readNumberText() (string, bool) {
	switch n.iter.WhatIsNext() {
	case jsoniter.NumberValue:
		return string(n.iter.ReadNumber()), true
	case jsoniter.StringValue:
		return strings.TrimSpace(n.iter.ReadString()), true
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return "", false
	}
	n.failf("expected a number, got %s", n.kind())
	n.iter.Skip()
	return "", false
}

// readTimestamp reads nanoseconds since the Unix epoch, written as an
// integer, a float or, leniently, an RFC 3339 time.
func (n *normalizer) readTimestamp() uint64 {
	text, ok := n.readNumberText()
	if !ok {
		return 0
	}
	if v, err := strconv.ParseUint(text, 10, 64); err == nil {
		return v
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && f >= 0 && f < math.MaxUint64 {
		if n.repair(repairTimestamp, "timestamp %s is not an integer", quote(text)) {
			return uint64(f)
		}
		return 0
	}
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil && t.UnixNano() >= 0 {
		if n.repair(repairTimestamp, "timestamp %s is not nanoseconds since the Unix epoch", quote(text)) {
			return uint64(t.UnixNano())
		}
		return 0
	}
	n.failf("timestamp %s is neither nanoseconds since the Unix epoch nor an RFC 3339 time", quote(text))
	return 0
}

var spanKinds = map[string]int32{
	"SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2,
	"SPAN_KIND_CLIENT": 3, "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5,
}

var statusCodes = map[string]int32{
	"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2,
}

// readEnum reads an enum as a number or its name; leniently the name may be
// in any case and without its prefix ("client" for SPAN_KIND_CLIENT), and an
// unknown value becomes 0 (unspecified).
func (n *normalizer) readEnum(names map[string]int32, prefix string) int32 {
	if n.iter.WhatIsNext() == jsoniter.StringValue {
		s := n.iter.ReadString()
		if v, ok := names[s]; ok {
			return v
		}
		up := strings.ToUpper(strings.TrimSpace(s))
		if v, ok := names[up]; ok {
			if n.repair(repairEnum, "enum value %s is not in canonical form", quote(s)) {
				return v
			}
			return 0
		}
		if v, ok := names[prefix+up]; ok {
			if n.repair(repairEnum, "enum value %s is not in canonical form", quote(s)) {
				return v
			}
			return 0
		}
		if v, err := strconv.ParseInt(s, 10, 32); err == nil && v >= 0 && int(v) < len(names) {
			return int32(v)
		}
		n.repair(repairEnum, "unknown enum value %s; using unspecified", quote(s))
		return 0
	}
	text, ok := n.readNumberText()
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(text, 10, 32)
	if err != nil || v < 0 || int(v) >= len(names) {
		n.repair(repairEnum, "unknown enum value %s; using unspecified", quote(text))
		return 0
	}
	return int32(v)
}

// readID reads a trace or span ID of size bytes. Leniently, an ID that is
// base64 of the right size is decoded, and any other text is replaced by the
// first size bytes of its SHA-256, so the same text always maps to the same
// ID and parent links survive; the text is kept in an attribute.
func (n *normalizer) readID(size int) idField {
	var text string
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		text = n.iter.ReadString()
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return idField{}
	case jsoniter.NumberValue:
		text = string(n.iter.ReadNumber())
	default:
		n.failf("an ID must be a hex string, got %s", n.kind())
		n.iter.Skip()
		return idField{}
	}
	if text == "" {
		return idField{}
	}
	if len(text) == 2*size && isHex(text) {
		return idField{hex: strings.ToLower(text)}
	}
	if len(text) == base64.StdEncoding.EncodedLen(size) {
		if b, err := base64.StdEncoding.DecodeString(text); err == nil && len(b) == size {
			if !n.repair(repairIDBase64, "ID %s is base64, not %d hex characters", quote(text), 2*size) {
				return idField{}
			}
			return idField{hex: hex.EncodeToString(b)}
		}
	}
	if !n.repair(repairIDHashed, "ID %s is not %d hex characters", quote(text), 2*size) {
		return idField{}
	}
	sum := sha256.Sum256([]byte(text))
	if allZero(sum[:size]) {
		sum[0] = 1
	}
	return idField{hex: hex.EncodeToString(sum[:size]), original: text}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

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
