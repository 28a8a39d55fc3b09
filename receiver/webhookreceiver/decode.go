package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// maxJSONDepth bounds nesting: OTLP needs about ten levels, and a deeper body
// would only make decoders recurse.
const maxJSONDepth = 64

type repairKind int

const (
	repairNumberString repairKind = iota
	repairFinishReasons
	repairIDHashed
	repairIDBase64
	repairInvalidUTF8
	repairValueType
	repairPlainValue
	repairAttributesObject
	repairTimestamp
	repairEnum
	numRepairKinds
)

var repairNames = [numRepairKinds]string{
	repairNumberString:     "number_string",
	repairFinishReasons:    "finish_reasons",
	repairIDHashed:         "id_hashed",
	repairIDBase64:         "id_base64",
	repairInvalidUTF8:      "invalid_utf8",
	repairValueType:        "value_type",
	repairPlainValue:       "plain_value",
	repairAttributesObject: "attributes_object",
	repairTimestamp:        "timestamp",
	repairEnum:             "enum",
}

// repairCounts counts repairs by kind.
type repairCounts [numRepairKinds]int

func (c *repairCounts) add(k repairKind) { c[k]++ }

// all yields the name and count of each kind that occurred.
func (c *repairCounts) all() iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		for k, n := range c {
			if n > 0 && !yield(repairNames[k], n) {
				return
			}
		}
	}
}

type decodeResult struct {
	traces        ptrace.Traces
	rejected      int
	rejectMessage string
	repairs       repairCounts
}

var (
	legacySpansKey = []byte(`"instrumentationLibrarySpans"`)
	errLegacySpans = errors.New(`spans are under "instrumentationLibrarySpans", the name OTLP used before 1.0 for "scopeSpans" (lenient: true reads it)`)
)

var (
	jsonUnmarshaler  = &ptrace.JSONUnmarshaler{}
	protoUnmarshaler = &ptrace.ProtoUnmarshaler{}
)

// decode turns a body into traces. Well-formed OTLP takes the fast path, the
// stock pdata decoder plus a walk over span attributes; only a body pdata
// refuses goes through the normalizer.
func (r *webhookReceiver) decode(format bodyFormat, body []byte) (decodeResult, error) {
	var res decodeResult
	if format == formatProto {
		td, err := protoUnmarshaler.UnmarshalTraces(body)
		if err != nil {
			return res, fmt.Errorf("body is not a valid OTLP protobuf ExportTraceServiceRequest: %w", err)
		}
		res.traces = td
		if r.cfg.Lenient {
			repairAttributes(td, &res.repairs)
		}
		return res, nil
	}

	badUTF8, deep, end := scanJSONValue(body, maxJSONDepth)
	if deep >= 0 {
		return res, fmt.Errorf("JSON is nested more than %d levels deep at byte %d", maxJSONDepth, deep)
	}
	if end >= 0 && len(bytes.TrimLeft(body[end:], " \t\r\n")) > 0 {
		// pdata reads the first value and ignores what follows it, so a
		// second document would be dropped without a word.
		if serr := syntaxError(body); serr != nil {
			return res, serr
		}
	}
	if badUTF8 >= 0 {
		if !r.cfg.Lenient {
			return res, fmt.Errorf("body is not valid UTF-8 at byte %d (lenient: true would replace invalid bytes)", badUTF8)
		}
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		res.repairs.add(repairInvalidUTF8)
	}

	td, err := jsonUnmarshaler.UnmarshalTraces(body)
	if err == nil && td.SpanCount() == 0 {
		// pdata reads some non-JSON (such as "}") as an empty request; a
		// body without spans is small, so checking it costs nothing.
		err = syntaxError(body)
		if err != nil {
			return res, err
		}
		if bytes.Contains(body, legacySpansKey) {
			// pdata no longer reads the pre-1.0 name of scopeSpans and
			// would see a test connection; the normalizer reads it.
			err = errLegacySpans
		}
	}
	if err == nil {
		res.traces = td
		if r.cfg.Lenient {
			repairAttributes(td, &res.repairs)
		}
		return res, nil
	}
	if serr := syntaxError(body); serr != nil {
		return res, serr
	}

	n := newNormalizer(!r.cfg.Lenient, &res.repairs)
	canonical, nerr := n.normalize(body)
	if nerr != nil {
		return res, fmt.Errorf("body is not valid OTLP JSON: %w", nerr)
	}
	if !r.cfg.Lenient {
		// The strict normalizer found nothing pdata's own error would not say.
		return res, fmt.Errorf("body is not valid OTLP JSON: %w", err)
	}
	td, err = jsonUnmarshaler.UnmarshalTraces(canonical)
	if err != nil {
		return res, fmt.Errorf("body is not valid OTLP JSON: %w", err)
	}
	repairAttributes(td, &res.repairs)
	res.traces = td
	res.rejected = n.rejected
	if n.rejected > 0 {
		res.rejectMessage = fmt.Sprintf("%d span(s) rejected; first: %s", n.rejected, n.rejectFirst)
	}
	return res, nil
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

// repairAttributes converts span attributes that a sender sent as strings
// to the type they have by definition (see genai.RepairValue).
func repairAttributes(td ptrace.Traces, repairs *repairCounts) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				for key, v := range spans.At(k).Attributes().All() {
					if genai.RepairValue(key, v) {
						if key == genai.AttrFinishReasons {
							repairs.add(repairFinishReasons)
						} else {
							repairs.add(repairNumberString)
						}
					}
				}
			}
		}
	}
}

// scanJSON returns the offset of the first invalid UTF-8 byte and of the
// first bracket nested deeper than maxDepth, each -1 when there is none. It
// skips string contents with nextQuote, so it costs little next to decoding.
func scanJSON(b []byte, maxDepth int) (badUTF8, tooDeep int) {
	badUTF8, tooDeep, _ = scanJSONValue(b, maxDepth)
	return badUTF8, tooDeep
}

// scanJSONValue is scanJSON that also returns the offset just after the
// bracket that closes the first top-level object or array, or -1.
func scanJSONValue(b []byte, maxDepth int) (badUTF8, tooDeep, end int) {
	badUTF8, tooDeep, end = -1, -1, -1
	if !utf8.Valid(b) {
		badUTF8 = firstInvalidUTF8(b)
	}
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for {
				j := nextQuote(b, i+1)
				if j < 0 {
					return badUTF8, tooDeep, end
				}
				i = j
				bs := 0
				for k := i - 1; k >= 0 && b[k] == '\\'; k-- {
					bs++
				}
				if bs%2 == 0 {
					break
				}
			}
		case '{', '[':
			depth++
			if depth > maxDepth {
				return badUTF8, i, end
			}
		case '}', ']':
			depth--
			if depth == 0 && end < 0 {
				end = i + 1
			}
		}
	}
	return badUTF8, tooDeep, end
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
