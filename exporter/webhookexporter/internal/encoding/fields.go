package encoding // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"

import (
	"encoding/base64"
	"math"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The field values that the non-OTLP encodings (ndjson, template) share, so
// that a span reads the same in a row and in a template.

// TimeLayout is RFC 3339 in UTC with nine fractional digits, so that times
// of one column have one length and sort as text.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// FormatTime writes ts in TimeLayout.
func FormatTime(ts pcommon.Timestamp) string {
	return string(AppendTime(nil, ts))
}

// AppendTime appends ts in TimeLayout. It writes the digits itself: rows
// carry two or more times each, and time.AppendFormat reads its layout
// anew on every call.
func AppendTime(b []byte, ts pcommon.Timestamp) []byte {
	t := ts.AsTime().UTC()
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, TimeLayout)
	}
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, second, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond(), 9)
	return append(b, 'Z')
}

// appendDigits appends the n last decimal digits of v, zero-padded.
func appendDigits(b []byte, v, n int) []byte {
	for range n {
		b = append(b, '0')
	}
	for i := len(b) - 1; i >= len(b)-n; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// Time is ts as a time.Time in UTC; the zero time.Time when ts is 0 (unset).
func Time(ts pcommon.Timestamp) time.Time {
	if ts == 0 {
		return time.Time{}
	}
	return ts.AsTime().UTC()
}

// SpanKind is the name of a span kind in lower case: unspecified, internal,
// server, client, producer or consumer.
func SpanKind(k ptrace.SpanKind) string {
	switch k {
	case ptrace.SpanKindInternal:
		return "internal"
	case ptrace.SpanKindServer:
		return "server"
	case ptrace.SpanKindClient:
		return "client"
	case ptrace.SpanKindProducer:
		return "producer"
	case ptrace.SpanKindConsumer:
		return "consumer"
	default:
		return "unspecified"
	}
}

// StatusCode is the name of a span status code in lower case: unset, ok or
// error.
func StatusCode(c ptrace.StatusCode) string {
	switch c {
	case ptrace.StatusCodeOk:
		return "ok"
	case ptrace.StatusCodeError:
		return "error"
	default:
		return "unset"
	}
}

// ID is a trace or span ID in lower-case hex, or "" when it is empty.
func ID[T interface {
	IsEmpty() bool
	String() string
}](id T) string {
	if id.IsEmpty() {
		return ""
	}
	return id.String()
}

// NonFinite is the text of a NaN or infinite double, which JSON cannot
// carry as a number; ok is false for finite numbers.
func NonFinite(f float64) (text string, ok bool) {
	switch {
	case math.IsNaN(f):
		return "NaN", true
	case math.IsInf(f, 1):
		return "Infinity", true
	case math.IsInf(f, -1):
		return "-Infinity", true
	}
	return "", false
}

// Raw converts v to a plain Go value with its type: string, int64,
// float64, bool, []any, map[string]any, or nil for an empty value. Bytes
// become base64 text and non-finite doubles their NonFinite text, as in a
// JSON row, so that every value can be written as JSON.
func Raw(v pcommon.Value) any {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeInt:
		return v.Int()
	case pcommon.ValueTypeDouble:
		if text, ok := NonFinite(v.Double()); ok {
			return text
		}
		return v.Double()
	case pcommon.ValueTypeBool:
		return v.Bool()
	case pcommon.ValueTypeBytes:
		return base64.StdEncoding.EncodeToString(v.Bytes().AsRaw())
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		out := make([]any, s.Len())
		for i := range s.Len() {
			out[i] = Raw(s.At(i))
		}
		return out
	case pcommon.ValueTypeMap:
		return RawMap(v.Map())
	default:
		return nil
	}
}

// RawMap converts m with Raw.
func RawMap(m pcommon.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All() {
		out[k] = Raw(v)
	}
	return out
}

// ServiceName is the resource's service.name when it is a string.
func ServiceName(res pcommon.Resource) string {
	if v, ok := res.Attributes().Get("service.name"); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}
