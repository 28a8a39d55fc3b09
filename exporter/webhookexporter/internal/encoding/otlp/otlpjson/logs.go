package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import (
	"go.opentelemetry.io/collector/pdata/plog"
)

// AppendLogs appends ld as an OTLP JSON ExportLogsServiceRequest.
func AppendLogs(b []byte, ld plog.Logs) []byte {
	return appendLogs(b, ld, whole)
}

// AppendLogRecords appends the log records [from, to) of ld, counted in
// order across its resources and scopes, as an OTLP JSON
// ExportLogsServiceRequest: each record under its own resource and scope,
// resources and scopes without a record in the range left out. It writes
// what AppendLogs writes for a copy of those records, without copying them.
func AppendLogRecords(b []byte, ld plog.Logs, from, to int) []byte {
	return appendLogs(b, ld, newRun(from, to))
}

func appendLogs(b []byte, ld plog.Logs, r run) []byte {
	start := len(b)
	resources := newGroup()
	rls := ld.ResourceLogs()
	pos := 0
	for i := 0; i < rls.Len() && !r.past(pos); i++ {
		rl := rls.At(i)
		elem := -1
		if r.all {
			b = resources.element(b, `,"resourceLogs":`)
			elem = len(b)
			b = resource(b, rl.Resource())
		}
		scopes := newGroup()
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len() && !r.past(pos); j++ {
			sl := sls.At(j)
			n := sl.LogRecords().Len()
			lo, hi, ok := r.clip(pos, n)
			pos += n
			if !ok {
				continue
			}
			if elem < 0 {
				b = resources.element(b, `,"resourceLogs":`)
				elem = len(b)
				b = resource(b, rl.Resource())
			}
			b = scopes.element(b, `,"scopeLogs":`)
			b = scopeLogs(b, sl, lo, hi)
		}
		if elem >= 0 {
			b = scopes.close(b)
			b = schemaURL(b, rl.SchemaUrl())
			b = closeObject(b, elem)
		}
	}
	b = resources.close(b)
	return closeObject(b, start)
}

// scopeLogs appends sl with its log records [lo, hi).
func scopeLogs(b []byte, sl plog.ScopeLogs, lo, hi int) []byte {
	start := len(b)
	b = scope(b, sl.Scope())
	if lo < hi {
		records := sl.LogRecords()
		b = append(b, `,"logRecords":`...)
		arr := len(b)
		for k := lo; k < hi; k++ {
			b = logRecord(append(b, ','), records.At(k))
		}
		b = closeArray(b, arr)
	}
	b = schemaURL(b, sl.SchemaUrl())
	return closeObject(b, start)
}

func logRecord(b []byte, l plog.LogRecord) []byte {
	start := len(b)
	if v := l.Timestamp(); v != 0 {
		b = quotedUint(b, `,"timeUnixNano":`, uint64(v))
	}
	if v := l.ObservedTimestamp(); v != 0 {
		b = quotedUint(b, `,"observedTimeUnixNano":`, uint64(v))
	}
	if v := l.SeverityNumber(); v != 0 {
		b = number(b, `,"severityNumber":`, int64(v))
	}
	if v := l.SeverityText(); v != "" {
		b = str(b, `,"severityText":`, v)
	}
	// pdata always writes the body, {} when it is empty.
	b = value(append(b, `,"body":`...), l.Body())
	b = attributes(b, `,"attributes":`, l.Attributes())
	b = droppedCount(b, l.DroppedAttributesCount())
	if v := l.Flags(); v != 0 {
		b = number(b, `,"flags":`, int64(v))
	}
	if v := l.TraceID(); !v.IsEmpty() {
		b = id(b, `,"traceId":`, v[:])
	}
	if v := l.SpanID(); !v.IsEmpty() {
		b = id(b, `,"spanId":`, v[:])
	}
	if v := l.EventName(); v != "" {
		b = str(b, `,"eventName":`, v)
	}
	return closeObject(b, start)
}
