// Package otlp decodes the OTLP request bodies webhook senders push: traces
// and logs, as JSON or protobuf.
//
// A JSON body is read in one walk (internal/jsontok) that checks it (syntax,
// nesting, UTF-8, nothing after the document), builds the traces or logs
// through pdata's public API, applies the lenient repairs and collects the
// spans' dedup keys. Every field is read by the rule pdata's own decoder
// reads it with, so a body pdata accepts gives the same traces; where pdata
// would refuse the body, lenient mode repairs what real senders get wrong
// and strict mode names the first problem. Protobuf goes through pdata's
// decoder.
//
// The way in is DecodeTraces and DecodeLogs: bytes in, pdata out, with what
// had to be left out or repaired.
package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// MaxJSONDepth bounds nesting: OTLP needs about ten levels, and a deeper body
// would only make decoders recurse.
const MaxJSONDepth = 64

// Encoding is the encoding of a request body.
type Encoding int

const (
	// JSON is OTLP JSON.
	JSON Encoding = iota
	// Proto is OTLP protobuf.
	Proto
)

// Result tells what decoding a body left out or repaired.
type Result struct {
	// Rejected counts the spans or log records that could not be read and
	// were left out; RejectMessage names the first one and its problem.
	// With an error, Rejected counts those the decoder had begun to read.
	Rejected      int
	RejectMessage string
	Repairs       RepairCounts
	// SpanKeys are the trace and span IDs of the spans, in walk order
	// (traces only). Release gives their memory back for the next request.
	SpanKeys []SpanKey
	keyBuf   *keyBuf
}

type keyBuf struct{ keys []SpanKey }

var keyBufPool = sync.Pool{New: func() any { return new(keyBuf) }}

// Release returns SpanKeys to a pool; r.SpanKeys must not be used after.
func (r *Result) Release() {
	if r.keyBuf != nil && cap(r.SpanKeys) <= maxPooledScratch/24 {
		r.keyBuf.keys = r.SpanKeys[:0]
		keyBufPool.Put(r.keyBuf)
	}
	r.keyBuf, r.SpanKeys = nil, nil
}

func (r *Result) borrowKeys() []SpanKey {
	r.keyBuf = keyBufPool.Get().(*keyBuf)
	return r.keyBuf.keys[:0]
}

// DecodeTraces turns a traces request body into traces. With lenient it
// repairs what it can and leaves out the spans it cannot read; otherwise any
// problem is an error that names the field.
func DecodeTraces(enc Encoding, body []byte, lenient bool) (ptrace.Traces, Result, error) {
	var res Result
	if enc == Proto {
		td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(body)
		if err != nil {
			return ptrace.Traces{}, res, fmt.Errorf("body is not a valid OTLP protobuf ExportTraceServiceRequest: %w", err)
		}
		if lenient {
			repairSpanAttributes(td, &res.Repairs)
		}
		res.SpanKeys = appendSpanKeys(res.borrowKeys(), td)
		return td, res, nil
	}

	d := getDecoder(body, !lenient, &res.Repairs)
	defer putDecoder(d)
	d.spanKeys = res.borrowKeys()
	td := ptrace.NewTraces()
	d.traces(td)
	res.SpanKeys, d.spanKeys = d.spanKeys, nil
	if err := d.finish(body, "traces"); err != nil {
		res.Rejected = d.items
		return ptrace.Traces{}, res, err
	}
	if d.needPdata && d.exact() {
		// A repeated attribute key or a string-table index: pdata's
		// decoder builds that, the public API cannot.
		if pd, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(d.pdataBody(body)); err == nil && pd.SpanCount() == td.SpanCount() {
			td = pd
			d.redoRepairs(lenient, func(c *RepairCounts) { repairSpanAttributes(td, c) })
			res.SpanKeys = appendSpanKeys(res.SpanKeys[:0], td)
		}
	}
	d.rejects(&res, "span(s)")
	return td, res, nil
}

// DecodeLogs is DecodeTraces for a logs request body.
func DecodeLogs(enc Encoding, body []byte, lenient bool) (plog.Logs, Result, error) {
	var res Result
	if enc == Proto {
		ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(body)
		if err != nil {
			return plog.Logs{}, res, fmt.Errorf("body is not a valid OTLP protobuf ExportLogsServiceRequest: %w", err)
		}
		if lenient {
			repairLogAttributes(ld, &res.Repairs)
		}
		return ld, res, nil
	}

	d := getDecoder(body, !lenient, &res.Repairs)
	defer putDecoder(d)
	ld := plog.NewLogs()
	d.logs(ld)
	if err := d.finish(body, "logs"); err != nil {
		res.Rejected = d.items
		return plog.Logs{}, res, err
	}
	if d.needPdata && d.exact() {
		if pd, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(d.pdataBody(body)); err == nil && pd.LogRecordCount() == ld.LogRecordCount() {
			ld = pd
			d.redoRepairs(lenient, func(c *RepairCounts) { repairLogAttributes(ld, c) })
		}
	}
	d.rejects(&res, "log record(s)")
	return ld, res, nil
}

// finish checks the walk: syntax and nesting first, then UTF-8, then what
// the decoder found, then whether the body was OTLP at all, then the numbers
// skipped (strict mode).
func (d *decoder) finish(body []byte, signal string) error {
	err := d.r.Err()
	if err == nil {
		err = d.r.End()
	}
	if err != nil {
		if de, ok := errors.AsType[*jsontok.DepthError](err); ok {
			return de
		}
		if serr := syntaxError(body); serr != nil {
			return serr
		}
		return fmt.Errorf("body is not valid JSON: %w", err)
	}
	if bad := d.r.FirstBadUTF8(); bad >= 0 {
		if d.strict {
			return fmt.Errorf("body is not valid UTF-8 at byte %d (lenient: true would replace invalid bytes)", bad)
		}
		d.repairs.Add(repairInvalidUTF8)
	}
	if d.fatal != nil {
		return fmt.Errorf("body is not valid OTLP JSON: %w", d.fatal)
	}
	if !d.sawOTLP && len(d.other) > 0 {
		return notOTLP(signal, d.other)
	}
	if bad := d.r.FirstBadSkipped(); bad >= 0 {
		return fmt.Errorf("body is not valid OTLP JSON: the number at byte %d, in a field OTLP does not have, is out of range for a float64, and pdata's decoder refuses the body for it (lenient: true ignores it)", bad)
	}
	return nil
}

// exact reports whether pdata's decoder accepts the body and reads it as
// this decoder did: nothing was repaired but what the lenient walk over
// pdata's output repairs too, nothing left out, no pre-1.0 names, and no
// empty key (pdata's decoder takes one for the end of its object).
func (d *decoder) exact() bool {
	n := 0
	for k, c := range d.repairs {
		switch RepairKind(k) {
		case repairNumberString, repairFinishReasons, repairInvalidUTF8:
		default:
			n += c
		}
	}
	return n == 0 && d.rejected == 0 && !d.legacy && !d.emptyKey
}

// pdataBody is the body as pdata's decoder must read it: with invalid
// UTF-8 replaced, as lenient mode reads it.
func (d *decoder) pdataBody(body []byte) []byte {
	if d.r.FirstBadUTF8() >= 0 {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	return body
}

// redoRepairs counts the repairs of pdata's output anew.
func (d *decoder) redoRepairs(lenient bool, repair func(*RepairCounts)) {
	utf8Fixed := d.repairs[repairInvalidUTF8]
	*d.repairs = RepairCounts{}
	d.repairs[repairInvalidUTF8] = utf8Fixed
	if lenient {
		repair(d.repairs)
	}
}

func (d *decoder) rejects(res *Result, items string) {
	res.Rejected = d.rejected
	if d.rejected > 0 {
		res.RejectMessage = fmt.Sprintf("%d %s rejected; first: %s", d.rejected, items, d.rejectFirst)
	}
}

// syntaxError reports where body stops being JSON, by line and column, as
// encoding/json words it.
func syntaxError(body []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(body, &raw)
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		// Offset counts the bytes read, the offending one included.
		pos := se.Offset
		if pos > 0 && pos <= int64(len(body)) && !strings.HasPrefix(se.Error(), "unexpected end") {
			pos--
		}
		line, col := lineCol(body, pos)
		return fmt.Errorf("body is not valid JSON: %s at line %d, column %d (byte %d)", se.Error(), line, col, pos)
	}
	return fmt.Errorf("body is not valid JSON: %w", err)
}

func lineCol(body []byte, offset int64) (line, col int) {
	if offset > int64(len(body)) {
		offset = int64(len(body))
	}
	before := body[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
