package ndjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"

import (
	"strconv"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// logFields are the fixed fields of a log record row, in the order written.
var logFields = []string{
	"time", "observed_time", "severity_number", "severity_text", "event_name",
	"body", "trace_id", "span_id", "service_name", "scope_name",
	"resource", "attributes",
}

// appendLogRecord appends the row of one log record and its newline.
func (e *Encoder) appendLogRecord(b []byte, rl plog.ResourceLogs, sl plog.ScopeLogs, rec plog.LogRecord) []byte {
	traceID, spanID := rec.TraceID(), rec.SpanID()
	b = append(b, `{"time":`...)
	b = appendTimeOrNull(b, rec.Timestamp())
	b = append(b, `,"observed_time":`...)
	b = appendTimeOrNull(b, rec.ObservedTimestamp())
	b = append(b, `,"severity_number":`...)
	b = strconv.AppendInt(b, int64(rec.SeverityNumber()), 10)
	b = append(b, `,"severity_text":`...)
	b = jsonstr.Append(b, rec.SeverityText())
	b = append(b, `,"event_name":`...)
	b = jsonstr.Append(b, rec.EventName())
	// A string body stays a string, also when it holds JSON, so that the
	// row keeps what the sender sent.
	b = append(b, `,"body":`...)
	b = appendValue(b, rec.Body())
	b = append(b, `,"trace_id":`...)
	b = appendID(b, traceID[:], traceID.IsEmpty())
	b = append(b, `,"span_id":`...)
	b = appendID(b, spanID[:], spanID.IsEmpty())
	b = append(b, `,"service_name":`...)
	b = jsonstr.Append(b, encoding.ServiceName(rl.Resource()))
	b = append(b, `,"scope_name":`...)
	b = jsonstr.Append(b, sl.Scope().Name())
	b = e.logs.appendAttributes(b, e.flat, rec.Attributes(), rl.Resource().Attributes())
	return append(b, '}', '\n')
}
