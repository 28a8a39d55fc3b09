package ndjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"

import (
	"strconv"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// spanFields are the fixed fields of a span row, in the order written.
var spanFields = []string{
	"trace_id", "span_id", "parent_span_id", "name", "kind",
	"start_time", "end_time", "start_time_unix_nano", "duration_ns",
	"status_code", "status_message", "service_name", "scope_name",
	"events", "links", "resource", "attributes",
}

// appendSpan appends the row of one span and its newline.
func (e *Encoder) appendSpan(b []byte, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) []byte {
	traceID, spanID, parentID := span.TraceID(), span.SpanID(), span.ParentSpanID()
	start, end := span.StartTimestamp(), span.EndTimestamp()
	b = append(b, `{"trace_id":`...)
	b = appendID(b, traceID[:], traceID.IsEmpty())
	b = append(b, `,"span_id":`...)
	b = appendID(b, spanID[:], spanID.IsEmpty())
	b = append(b, `,"parent_span_id":`...)
	b = appendID(b, parentID[:], parentID.IsEmpty())
	b = append(b, `,"name":`...)
	b = jsonstr.Append(b, span.Name())
	b = append(b, `,"kind":`...)
	b = jsonstr.Append(b, encoding.SpanKind(span.Kind()))
	b = append(b, `,"start_time":`...)
	b = appendTime(b, start)
	b = append(b, `,"end_time":`...)
	b = appendTime(b, end)
	b = append(b, `,"start_time_unix_nano":`...)
	b = strconv.AppendUint(b, uint64(start), 10)
	b = append(b, `,"duration_ns":`...)
	b = strconv.AppendInt(b, int64(end)-int64(start), 10)
	b = append(b, `,"status_code":`...)
	b = jsonstr.Append(b, encoding.StatusCode(span.Status().Code()))
	b = append(b, `,"status_message":`...)
	b = jsonstr.Append(b, span.Status().Message())
	b = append(b, `,"service_name":`...)
	b = jsonstr.Append(b, encoding.ServiceName(rs.Resource()))
	b = append(b, `,"scope_name":`...)
	b = jsonstr.Append(b, ss.Scope().Name())
	b = appendEvents(b, span.Events())
	b = appendLinks(b, span.Links())
	b = e.spans.appendAttributes(b, e.flat, span.Attributes(), rs.Resource().Attributes())
	return append(b, '}', '\n')
}

// appendEvents appends "events": [{time, name, attributes}, ...].
func appendEvents(b []byte, events ptrace.SpanEventSlice) []byte {
	b = append(b, `,"events":[`...)
	for i := range events.Len() {
		ev := events.At(i)
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"time":`...)
		b = appendTime(b, ev.Timestamp())
		b = append(b, `,"name":`...)
		b = jsonstr.Append(b, ev.Name())
		b = append(b, `,"attributes":`...)
		b = appendMap(b, ev.Attributes())
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendLinks appends "links": [{trace_id, span_id, attributes}, ...].
func appendLinks(b []byte, links ptrace.SpanLinkSlice) []byte {
	b = append(b, `,"links":[`...)
	for i := range links.Len() {
		link := links.At(i)
		traceID, spanID := link.TraceID(), link.SpanID()
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"trace_id":`...)
		b = appendID(b, traceID[:], traceID.IsEmpty())
		b = append(b, `,"span_id":`...)
		b = appendID(b, spanID[:], spanID.IsEmpty())
		b = append(b, `,"attributes":`...)
		b = appendMap(b, link.Attributes())
		b = append(b, '}')
	}
	return append(b, ']')
}
