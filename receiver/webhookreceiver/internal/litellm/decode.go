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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

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
	d := &decoder{body: trimmed, dec: json.NewDecoder(bytes.NewReader(trimmed)), arrival: arrival}
	d.dec.UseNumber()
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

// decoder reads the payloads of one body from one json.Decoder.
type decoder struct {
	body    []byte
	dec     *json.Decoder
	arrival time.Time
	td      ptrace.Traces
	spans   ptrace.SpanSlice
	keys    []string
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
	if _, err := d.dec.Token(); err != nil { // '['
		return d.syntaxError(err)
	}
	for i := 0; d.dec.More(); i++ {
		if err := d.payload(i); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil { // ']'
		return d.syntaxError(err)
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return fmt.Errorf("body is not valid JSON: data after the array at byte %d", d.dec.InputOffset())
	}
	return nil
}

// objects reads one payload object, or several one after the other (NDJSON).
func (d *decoder) objects() error {
	for i := 0; ; i++ {
		if err := d.payload(i); err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// payload reads payload i and appends its span.
func (d *decoder) payload(i int) error {
	begin := d.dec.InputOffset()
	tok, err := d.dec.Token()
	if err == io.EOF {
		return err
	}
	if err != nil {
		return d.syntaxError(err)
	}
	where := fmt.Sprintf("payloads[%d]", i)
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return fmt.Errorf("%s: not an object, got %s", where, jsonvalue.TokenKind(tok))
	}
	span := d.spans.AppendEmpty()
	c := newCall(span.Attributes(), where)
	if err := c.read(d.dec); err != nil {
		if _, syntax := errors.AsType[*json.SyntaxError](err); syntax || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return d.syntaxError(err)
		}
		return err
	}
	raw := bytes.TrimLeft(d.body[begin:d.dec.InputOffset()], " \t\r\n,")
	key, err := c.fill(span, raw, d.arrival)
	if err != nil {
		return err
	}
	d.keys = append(d.keys, key)
	return nil
}

func (d *decoder) syntaxError(err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("body is not valid JSON: %s at byte %d", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("body is not valid JSON: it ends inside a value at byte %d", len(d.body))
	}
	return fmt.Errorf("body is not valid JSON: %w", err)
}
