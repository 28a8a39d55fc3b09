package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	jsoniter "github.com/json-iterator/go"
)

// normalizer rewrites an OTLP JSON body that pdata refused into canonical
// OTLP JSON that pdata reads, repairing what it can (lenient) or naming the
// first problem (strict). An item (span or log record) it cannot repair is
// left out and reported, so one bad item never rejects the others. Its input
// is syntactically valid JSON: the decoder checks that first, to report a
// syntax error by position.
//
// Where a body repeats a key, the output repeats it too, or merges it the way
// pdata does (scalars: the last wins; lists: appended; objects: merged), so
// that pdata reading the output builds what it would build from the body.
type normalizer struct {
	iter    *jsoniter.Iterator
	strict  bool
	repairs *RepairCounts

	path []pathElem
	// inItem: problems reject the current span or log record instead of
	// the whole body.
	inItem  bool
	itemErr string
	fatal   error

	rejected    int
	rejectFirst string

	out []byte
	// per-item scratch buffers, reused
	span      spanFields
	record    recordFields
	attrs     []byte
	events    []byte
	links     []byte
	linkAttrs []byte
}

type pathElem struct {
	name  string
	index int
}

func newNormalizer(strict bool, repairs *RepairCounts) *normalizer {
	return &normalizer{strict: strict, repairs: repairs}
}

// signalShape names the top-level array of a request and how to read one
// of its entries.
type signalShape struct {
	key, snakeKey string
	entry         func(n *normalizer)
}

var (
	tracesShape = signalShape{key: "resourceSpans", snakeKey: "resource_spans", entry: (*normalizer).resourceSpans}
	logsShape   = signalShape{key: "resourceLogs", snakeKey: "resource_logs", entry: (*normalizer).resourceLogs}
)

// normalizeTraces returns canonical OTLP JSON for a traces request body.
func (n *normalizer) normalizeTraces(body []byte) ([]byte, error) {
	return n.normalize(body, tracesShape)
}

// normalizeLogs returns canonical OTLP JSON for a logs request body.
func (n *normalizer) normalizeLogs(body []byte) ([]byte, error) {
	return n.normalize(body, logsShape)
}

func (n *normalizer) normalize(body []byte, shape signalShape) ([]byte, error) {
	n.iter = jsoniter.ConfigFastest.BorrowIterator(body)
	defer jsoniter.ConfigFastest.ReturnIterator(n.iter)
	n.out = make([]byte, 0, len(body)+len(body)/4)
	n.out = append(n.out, `{"`...)
	n.out = append(n.out, shape.key...)
	n.out = append(n.out, `":[`...)
	first := true
	if !n.object(func(field string) {
		switch field {
		case shape.key, shape.snakeKey:
			n.array(func() {
				if !first {
					n.out = append(n.out, ',')
				}
				first = false
				shape.entry(n)
			})
		default:
			n.iter.Skip()
		}
	}) {
		n.failf("the body must be a JSON object with a %s array, got %s", shape.key, n.kind())
	}
	if err := n.err(); err != nil {
		return nil, err
	}
	n.out = append(n.out, "]}"...)
	return n.out, nil
}

// item reads one span or log record with read, inside a scope where a
// problem rejects the item only, and writes it with write unless it was
// rejected. It reports whether it wrote the item.
func (n *normalizer) item(what string, first bool, read func(field string), write func()) bool {
	n.inItem, n.itemErr = true, ""
	n.objectOrFail(what, read)
	n.inItem = false
	if n.itemErr != "" {
		n.rejected++
		if n.rejectFirst == "" {
			n.rejectFirst = n.itemErr
		}
		return false
	}
	if !n.ok() {
		return false
	}
	if !first {
		n.out = append(n.out, ',')
	}
	write()
	return true
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
// whole body outside an item and in strict mode.
func (n *normalizer) failf(format string, args ...any) {
	msg := n.where() + ": " + fmt.Sprintf(format, args...)
	if n.inItem && !n.strict {
		if n.itemErr == "" {
			n.itemErr = msg
		}
		return
	}
	if n.fatal == nil {
		n.fatal = errors.New(msg)
	}
}

// repair records a repair of kind, or in strict mode fails with what the
// repair would have fixed. It reports whether to go on repairing.
func (n *normalizer) repair(kind RepairKind, format string, args ...any) bool {
	if n.strict {
		n.failf(format+" (lenient: true would repair this)", args...)
		return false
	}
	n.repairs.Add(kind)
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
