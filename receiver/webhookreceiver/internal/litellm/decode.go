// Package litellm reads what the LiteLLM proxy pushes: the
// StandardLoggingPayload of every LLM call, from its generic_api logging
// callback, as GenAI spans, and its alert webhook's events as log records.
//
// The generic_api callback posts a batch of payloads (up to 512, or what
// came in 5 s) as a JSON array (log_format json_array, the default), as
// NDJSON (ndjson) or one payload per request (single), all as
// application/json. Decode tells them apart itself and reads the body in one
// pass; DecodeAlert reads one alert.
package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// Names of the resource, the scopes and the prefix of LiteLLM's own fields.
const (
	ServiceName = "litellm"
	// ScopeName is the scope of the spans of the logging callback.
	ScopeName = "litellm.generic_api"
	// AttrPrefix holds every field that has no semantic-convention name.
	AttrPrefix = "litellm."
)

// maxDepth bounds the nesting of a payload, well above what LiteLLM sends.
const maxDepth = 64

// Calls is what one delivery of the logging callback decoded into.
type Calls struct {
	// Traces holds one span per payload, in the order of the body.
	Traces ptrace.Traces
	// Keys are the dedup keys of the spans, in order: the payload's id, or
	// for a payload without one, a hash of its bytes.
	Keys []string
}

// Decode reads one delivery; arrival stands in for a payload without times.
// An error names the payload and the field, like
// `payloads[3].startTime: not a number or a time`; nothing is returned
// then, so a delivery is forwarded whole or not at all.
func Decode(body []byte, arrival time.Time) (Calls, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || (trimmed[0] != '[' && trimmed[0] != '{') {
		return Calls{}, fmt.Errorf("the body must be a JSON array of LiteLLM payloads, NDJSON or one payload object, got %s",
			jsonvalue.Kind(trimmed))
	}
	d := decoders.Get().(*decoder)
	defer d.put()
	d.r.Reset(trimmed, jsonDepth)
	d.arrival = arrival
	d.start()
	var err error
	if trimmed[0] == '[' {
		err = d.array()
	} else {
		err = d.objects()
	}
	if err != nil {
		return Calls{}, err
	}
	return Calls{Traces: d.td, Keys: d.keys}, nil
}

// jsonDepth is the nesting the tokenizer allows, encoding/json's: deeper
// than maxDepth is refused by the flattener, naming the field.
const jsonDepth = jsonvalue.DecodeDepth

// decoder reads the payloads of one body in one walk of the tokenizer; a
// tree holds each field that is flattened while it is.
type decoder struct {
	r       jsontok.Reader
	tree    jsonvalue.Tree
	scratch []byte
	arrival time.Time
	td      ptrace.Traces
	spans   ptrace.SpanSlice
	keys    []string
}

// maxPooledScratch bounds the buffer a pooled decoder keeps.
const maxPooledScratch = 64 << 10

var decoders = sync.Pool{New: func() any { return new(decoder) }}

// put returns the decoder to the pool, holding nothing of the body.
func (d *decoder) put() {
	d.r.Reset(nil, 0)
	d.tree.Reset()
	d.td, d.spans, d.keys = ptrace.Traces{}, ptrace.SpanSlice{}, nil
	if cap(d.scratch) > maxPooledScratch {
		d.scratch = nil
	}
	decoders.Put(d)
}

func (d *decoder) start() {
	d.td = ptrace.NewTraces()
	rs := d.td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", ServiceName)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName(ScopeName)
	d.spans = ss.Spans()
}

// array reads `[payload, ...]` and nothing after it.
func (d *decoder) array() error {
	r := &d.r
	if !r.BeginArray() {
		return d.syntaxError()
	}
	for i, ok := 0, r.FirstElem(); ok; i, ok = i+1, r.NextElem() {
		if err := d.payload(i); err != nil {
			return err
		}
	}
	if r.Err() != nil {
		return d.syntaxError()
	}
	if r.Peek(); r.Pos() < len(r.Buf()) {
		return fmt.Errorf("body is not valid JSON: data after the array at byte %d", r.Pos())
	}
	return nil
}

// objects reads one payload object, or several one after the other (NDJSON).
func (d *decoder) objects() error {
	r := &d.r
	for i := 0; ; i++ {
		if i > 0 {
			if r.Peek(); r.Pos() >= len(r.Buf()) {
				return nil
			}
		}
		if err := d.payload(i); err != nil {
			return err
		}
	}
}

// payload reads payload i and appends its span.
func (d *decoder) payload(i int) error {
	r := &d.r
	where := "payloads[" + strconv.Itoa(i) + "]"
	switch kind := r.Peek(); kind {
	case jsontok.Object:
	case jsontok.Invalid:
		r.Skip() // reports the error
		return d.syntaxError()
	default:
		return fmt.Errorf("%s: not an object, got %s", where, kind.Article())
	}
	begin := r.Pos()
	r.BeginObject()
	span := d.spans.AppendEmpty()
	c := newCall(span.Attributes(), where)
	if err := c.read(d); err != nil {
		return err
	}
	key, err := c.fill(span, r.Buf()[begin:r.Pos()], d.arrival)
	if err != nil {
		return err
	}
	d.keys = append(d.keys, key)
	return nil
}

// syntaxError is the tokenizer's error, in the words of encoding/json's
// errors before it.
func (d *decoder) syntaxError() error {
	text, atEnd := jsonvalue.SyntaxText(d.r.Err(), len(d.r.Buf()))
	if atEnd {
		return fmt.Errorf("body is not valid JSON: it ends inside a value at byte %d", len(d.r.Buf()))
	}
	return errors.New("body is not valid JSON: " + text)
}
