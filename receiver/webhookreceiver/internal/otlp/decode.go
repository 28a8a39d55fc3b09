// Package otlp decodes the OTLP request bodies webhook senders push: traces
// and logs, as JSON or protobuf. A well-formed body goes through pdata's own
// decoder; only a body pdata refuses is read by the normalizer, which repairs
// what real senders get wrong (lenient) or names the first problem (strict).
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

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
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
	Rejected      int
	RejectMessage string
	Repairs       RepairCounts
}

// DecodeTraces turns a traces request body into traces. With lenient it
// repairs what it can and leaves out the spans it cannot read; otherwise any
// problem is an error that names the field.
func DecodeTraces(enc Encoding, body []byte, lenient bool) (ptrace.Traces, Result, error) {
	return decode(tracesSignal, enc, body, lenient)
}

// DecodeLogs is DecodeTraces for a logs request body.
func DecodeLogs(enc Encoding, body []byte, lenient bool) (plog.Logs, Result, error) {
	return decode(logsSignal, enc, body, lenient)
}

// signal is what decode needs to know of traces or logs.
type signal[T any] struct {
	fromJSON, fromProto func([]byte) (T, error)
	count               func(T) int
	normalize           func(*normalizer, []byte) ([]byte, error)
	repair              func(T, *RepairCounts)
	// legacyKey is the pre-1.0 name of the scope list, which pdata no
	// longer reads: it sees a body without data.
	legacyKey []byte
	errLegacy error
	request   string // protobuf message name, for messages
	items     string // "span(s)", for messages
}

var tracesSignal = &signal[ptrace.Traces]{
	fromJSON:  (&ptrace.JSONUnmarshaler{}).UnmarshalTraces,
	fromProto: (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces,
	count:     ptrace.Traces.SpanCount,
	normalize: (*normalizer).normalizeTraces,
	repair:    repairSpanAttributes,
	legacyKey: []byte(`"instrumentationLibrarySpans"`),
	errLegacy: errors.New(`spans are under "instrumentationLibrarySpans", the name OTLP used before 1.0 for "scopeSpans" (lenient: true reads it)`),
	request:   "ExportTraceServiceRequest",
	items:     "span(s)",
}

var logsSignal = &signal[plog.Logs]{
	fromJSON:  (&plog.JSONUnmarshaler{}).UnmarshalLogs,
	fromProto: (&plog.ProtoUnmarshaler{}).UnmarshalLogs,
	count:     plog.Logs.LogRecordCount,
	normalize: (*normalizer).normalizeLogs,
	repair:    repairLogAttributes,
	legacyKey: []byte(`"instrumentationLibraryLogs"`),
	errLegacy: errors.New(`log records are under "instrumentationLibraryLogs", the name OTLP used before 1.0 for "scopeLogs" (lenient: true reads it)`),
	request:   "ExportLogsServiceRequest",
	items:     "log record(s)",
}

// decode takes the fast path, the stock pdata decoder plus a walk over the
// attributes, for well-formed OTLP; only a body pdata refuses goes through
// the normalizer.
func decode[T any](s *signal[T], enc Encoding, body []byte, lenient bool) (T, Result, error) {
	var res Result
	var zero T
	if enc == Proto {
		data, err := s.fromProto(body)
		if err != nil {
			return zero, res, fmt.Errorf("body is not a valid OTLP protobuf %s: %w", s.request, err)
		}
		if lenient {
			s.repair(data, &res.Repairs)
		}
		return data, res, nil
	}

	badUTF8, deep, end := scanJSONValue(body, MaxJSONDepth)
	if deep >= 0 {
		return zero, res, fmt.Errorf("JSON is nested more than %d levels deep at byte %d", MaxJSONDepth, deep)
	}
	if end >= 0 && len(bytes.TrimLeft(body[end:], " \t\r\n")) > 0 {
		// pdata reads the first value and ignores what follows it, so a
		// second document would be dropped without a word.
		if serr := syntaxError(body); serr != nil {
			return zero, res, serr
		}
	}
	if badUTF8 >= 0 {
		if !lenient {
			return zero, res, fmt.Errorf("body is not valid UTF-8 at byte %d (lenient: true would replace invalid bytes)", badUTF8)
		}
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		res.Repairs.Add(repairInvalidUTF8)
	}

	data, err := s.fromJSON(body)
	if err == nil && s.count(data) == 0 {
		// pdata reads some non-JSON (such as "}") as an empty request; a
		// body without data is small, so checking it costs nothing.
		if err = syntaxError(body); err != nil {
			return zero, res, err
		}
		if bytes.Contains(body, s.legacyKey) {
			// The normalizer reads the pre-1.0 name.
			err = s.errLegacy
		}
	}
	if err == nil {
		if lenient {
			s.repair(data, &res.Repairs)
		}
		return data, res, nil
	}
	if serr := syntaxError(body); serr != nil {
		return zero, res, serr
	}

	n := newNormalizer(!lenient, &res.Repairs)
	canonical, nerr := s.normalize(n, body)
	if nerr != nil {
		return zero, res, fmt.Errorf("body is not valid OTLP JSON: %w", nerr)
	}
	if !lenient {
		// The strict normalizer found nothing pdata's own error would not say.
		return zero, res, fmt.Errorf("body is not valid OTLP JSON: %w", err)
	}
	data, err = s.fromJSON(canonical)
	if err != nil {
		return zero, res, fmt.Errorf("body is not valid OTLP JSON: %w", err)
	}
	s.repair(data, &res.Repairs)
	res.Rejected = n.rejected
	if n.rejected > 0 {
		res.RejectMessage = fmt.Sprintf("%d %s rejected; first: %s", n.rejected, s.items, n.rejectFirst)
	}
	return data, res, nil
}

// syntaxError reports where body stops being JSON, by line and column.
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

// repairSpanAttributes converts span attributes that a sender sent as
// strings to the type they have by definition (see genai.RepairValue).
func repairSpanAttributes(td ptrace.Traces, repairs *RepairCounts) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				repairAttributes(spans.At(k).Attributes(), repairs)
			}
		}
	}
}

// repairLogAttributes is repairSpanAttributes for log records, such as GenAI
// events.
func repairLogAttributes(ld plog.Logs, repairs *RepairCounts) {
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			records := sls.At(j).LogRecords()
			for k := 0; k < records.Len(); k++ {
				repairAttributes(records.At(k).Attributes(), repairs)
			}
		}
	}
}

func repairAttributes(attrs pcommon.Map, repairs *RepairCounts) {
	for key, v := range attrs.All() {
		if genai.RepairValue(key, v) {
			if key == genai.AttrFinishReasons {
				repairs.Add(repairFinishReasons)
			} else {
				repairs.Add(repairNumberString)
			}
		}
	}
}
