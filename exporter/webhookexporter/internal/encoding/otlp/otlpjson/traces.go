package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import (
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// AppendTraces appends td as an OTLP JSON ExportTraceServiceRequest.
func AppendTraces(b []byte, td ptrace.Traces) []byte {
	return appendTraces(b, td, whole)
}

// AppendSpans appends the spans [from, to) of td, counted in order across
// its resources and scopes, as an OTLP JSON ExportTraceServiceRequest: each
// span under its own resource and scope, resources and scopes without a
// span in the range left out. It writes what AppendTraces writes for a copy
// of those spans, without copying them.
func AppendSpans(b []byte, td ptrace.Traces, from, to int) []byte {
	return appendTraces(b, td, newRun(from, to))
}

func appendTraces(b []byte, td ptrace.Traces, r run) []byte {
	start := len(b)
	resources := newGroup()
	rss := td.ResourceSpans()
	pos := 0
	for i := 0; i < rss.Len() && !r.past(pos); i++ {
		rs := rss.At(i)
		elem := -1
		if r.all {
			b = resources.element(b, `,"resourceSpans":`)
			elem = len(b)
			b = resource(b, rs.Resource())
		}
		scopes := newGroup()
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len() && !r.past(pos); j++ {
			ss := sss.At(j)
			n := ss.Spans().Len()
			lo, hi, ok := r.clip(pos, n)
			pos += n
			if !ok {
				continue
			}
			if elem < 0 {
				b = resources.element(b, `,"resourceSpans":`)
				elem = len(b)
				b = resource(b, rs.Resource())
			}
			b = scopes.element(b, `,"scopeSpans":`)
			b = scopeSpans(b, ss, lo, hi)
		}
		if elem >= 0 {
			b = scopes.close(b)
			b = schemaURL(b, rs.SchemaUrl())
			b = closeObject(b, elem)
		}
	}
	b = resources.close(b)
	return closeObject(b, start)
}

// scopeSpans appends ss with its spans [lo, hi).
func scopeSpans(b []byte, ss ptrace.ScopeSpans, lo, hi int) []byte {
	start := len(b)
	b = scope(b, ss.Scope())
	if lo < hi {
		spans := ss.Spans()
		b = append(b, `,"spans":`...)
		arr := len(b)
		for k := lo; k < hi; k++ {
			b = span(append(b, ','), spans.At(k))
		}
		b = closeArray(b, arr)
	}
	b = schemaURL(b, ss.SchemaUrl())
	return closeObject(b, start)
}

func span(b []byte, s ptrace.Span) []byte {
	start := len(b)
	if v := s.TraceID(); !v.IsEmpty() {
		b = id(b, `,"traceId":`, v[:])
	}
	if v := s.SpanID(); !v.IsEmpty() {
		b = id(b, `,"spanId":`, v[:])
	}
	if v := s.TraceState().AsRaw(); v != "" {
		b = str(b, `,"traceState":`, v)
	}
	if v := s.ParentSpanID(); !v.IsEmpty() {
		b = id(b, `,"parentSpanId":`, v[:])
	}
	if v := s.Flags(); v != 0 {
		b = number(b, `,"flags":`, int64(v))
	}
	if v := s.Name(); v != "" {
		b = str(b, `,"name":`, v)
	}
	if v := s.Kind(); v != 0 {
		b = number(b, `,"kind":`, int64(v))
	}
	if v := s.StartTimestamp(); v != 0 {
		b = quotedUint(b, `,"startTimeUnixNano":`, uint64(v))
	}
	if v := s.EndTimestamp(); v != 0 {
		b = quotedUint(b, `,"endTimeUnixNano":`, uint64(v))
	}
	b = attributes(b, `,"attributes":`, s.Attributes())
	b = droppedCount(b, s.DroppedAttributesCount())
	if events := s.Events(); events.Len() > 0 {
		b = append(b, `,"events":`...)
		arr := len(b)
		for i := range events.Len() {
			b = spanEvent(append(b, ','), events.At(i))
		}
		b = closeArray(b, arr)
	}
	if v := s.DroppedEventsCount(); v != 0 {
		b = number(b, `,"droppedEventsCount":`, int64(v))
	}
	if links := s.Links(); links.Len() > 0 {
		b = append(b, `,"links":`...)
		arr := len(b)
		for i := range links.Len() {
			b = spanLink(append(b, ','), links.At(i))
		}
		b = closeArray(b, arr)
	}
	if v := s.DroppedLinksCount(); v != 0 {
		b = number(b, `,"droppedLinksCount":`, int64(v))
	}
	b = status(b, s.Status())
	return closeObject(b, start)
}

func spanEvent(b []byte, e ptrace.SpanEvent) []byte {
	start := len(b)
	if v := e.Timestamp(); v != 0 {
		b = quotedUint(b, `,"timeUnixNano":`, uint64(v))
	}
	if v := e.Name(); v != "" {
		b = str(b, `,"name":`, v)
	}
	b = attributes(b, `,"attributes":`, e.Attributes())
	b = droppedCount(b, e.DroppedAttributesCount())
	return closeObject(b, start)
}

func spanLink(b []byte, l ptrace.SpanLink) []byte {
	start := len(b)
	if v := l.TraceID(); !v.IsEmpty() {
		b = id(b, `,"traceId":`, v[:])
	}
	if v := l.SpanID(); !v.IsEmpty() {
		b = id(b, `,"spanId":`, v[:])
	}
	if v := l.TraceState().AsRaw(); v != "" {
		b = str(b, `,"traceState":`, v)
	}
	b = attributes(b, `,"attributes":`, l.Attributes())
	b = droppedCount(b, l.DroppedAttributesCount())
	if v := l.Flags(); v != 0 {
		b = number(b, `,"flags":`, int64(v))
	}
	return closeObject(b, start)
}

// status appends the "status" member, which pdata always writes.
func status(b []byte, s ptrace.Status) []byte {
	b = append(b, `,"status":`...)
	start := len(b)
	if v := s.Message(); v != "" {
		b = str(b, `,"message":`, v)
	}
	if v := s.Code(); v != 0 {
		b = number(b, `,"code":`, int64(v))
	}
	return closeObject(b, start)
}
