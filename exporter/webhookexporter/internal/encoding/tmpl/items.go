package tmpl // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/tmpl"

import (
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// The items as a template sees them: the fields of the ndjson schema, with
// Go names, times as time.Time and attribute values with their types. The
// JSON names are the ndjson ones, so that {{json .}} writes a row.

// Span is one span.
type Span struct {
	TraceID           string         `json:"trace_id"`
	SpanID            string         `json:"span_id"`
	ParentSpanID      string         `json:"parent_span_id"`
	Name              string         `json:"name"`
	Kind              string         `json:"kind"`
	StartTime         time.Time      `json:"start_time"`
	EndTime           time.Time      `json:"end_time"`
	StartTimeUnixNano uint64         `json:"start_time_unix_nano"`
	Duration          time.Duration  `json:"duration_ns"`
	StatusCode        string         `json:"status_code"`
	StatusMessage     string         `json:"status_message"`
	ServiceName       string         `json:"service_name"`
	ScopeName         string         `json:"scope_name"`
	Events            []Event        `json:"events"`
	Links             []Link         `json:"links"`
	Resource          map[string]any `json:"resource"`
	Attributes        map[string]any `json:"attributes"`
}

// Event is one event of a span.
type Event struct {
	Time       time.Time      `json:"time"`
	Name       string         `json:"name"`
	Attributes map[string]any `json:"attributes"`
}

// Link is one link of a span.
type Link struct {
	TraceID    string         `json:"trace_id"`
	SpanID     string         `json:"span_id"`
	Attributes map[string]any `json:"attributes"`
}

// LogRecord is one log record.
type LogRecord struct {
	// Time and ObservedTime are the zero time.Time when unset.
	Time           time.Time      `json:"time"`
	ObservedTime   time.Time      `json:"observed_time"`
	SeverityNumber int            `json:"severity_number"`
	SeverityText   string         `json:"severity_text"`
	EventName      string         `json:"event_name"`
	Body           any            `json:"body"`
	TraceID        string         `json:"trace_id"`
	SpanID         string         `json:"span_id"`
	ServiceName    string         `json:"service_name"`
	ScopeName      string         `json:"scope_name"`
	Resource       map[string]any `json:"resource"`
	Attributes     map[string]any `json:"attributes"`
}

// attributed is an item that attr and resource read from.
type attributed interface {
	attributeMap() map[string]any
	resourceMap() map[string]any
}

func (s *Span) attributeMap() map[string]any      { return s.Attributes }
func (s *Span) resourceMap() map[string]any       { return s.Resource }
func (r *LogRecord) attributeMap() map[string]any { return r.Attributes }
func (r *LogRecord) resourceMap() map[string]any  { return r.Resource }

func newSpan(rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) *Span {
	start, end := span.StartTimestamp(), span.EndTimestamp()
	s := &Span{
		TraceID:           encoding.ID(span.TraceID()),
		SpanID:            encoding.ID(span.SpanID()),
		ParentSpanID:      encoding.ID(span.ParentSpanID()),
		Name:              span.Name(),
		Kind:              encoding.SpanKind(span.Kind()),
		StartTime:         start.AsTime().UTC(),
		EndTime:           end.AsTime().UTC(),
		StartTimeUnixNano: uint64(start),
		Duration:          time.Duration(int64(end) - int64(start)),
		StatusCode:        encoding.StatusCode(span.Status().Code()),
		StatusMessage:     span.Status().Message(),
		ServiceName:       encoding.ServiceName(rs.Resource()),
		ScopeName:         ss.Scope().Name(),
		Events:            make([]Event, span.Events().Len()),
		Links:             make([]Link, span.Links().Len()),
		Resource:          encoding.RawMap(rs.Resource().Attributes()),
		Attributes:        encoding.RawMap(span.Attributes()),
	}
	for i := range s.Events {
		ev := span.Events().At(i)
		s.Events[i] = Event{Time: ev.Timestamp().AsTime().UTC(), Name: ev.Name(), Attributes: encoding.RawMap(ev.Attributes())}
	}
	for i := range s.Links {
		link := span.Links().At(i)
		s.Links[i] = Link{TraceID: encoding.ID(link.TraceID()), SpanID: encoding.ID(link.SpanID()), Attributes: encoding.RawMap(link.Attributes())}
	}
	return s
}

func newLogRecord(rl plog.ResourceLogs, sl plog.ScopeLogs, rec plog.LogRecord) *LogRecord {
	return &LogRecord{
		Time:           encoding.Time(rec.Timestamp()),
		ObservedTime:   encoding.Time(rec.ObservedTimestamp()),
		SeverityNumber: int(rec.SeverityNumber()),
		SeverityText:   rec.SeverityText(),
		EventName:      rec.EventName(),
		Body:           encoding.Raw(rec.Body()),
		TraceID:        encoding.ID(rec.TraceID()),
		SpanID:         encoding.ID(rec.SpanID()),
		ServiceName:    encoding.ServiceName(rl.Resource()),
		ScopeName:      sl.Scope().Name(),
		Resource:       encoding.RawMap(rl.Resource().Attributes()),
		Attributes:     encoding.RawMap(rec.Attributes()),
	}
}
