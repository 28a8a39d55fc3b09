package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// logs reads an ExportLogsServiceRequest into ld.
func (d *decoder) logs(ld plog.Logs) {
	if !d.topObject("resourceLogs") {
		return
	}
	rls := ld.ResourceLogs()
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch key := d.key(); view(key) {
		case "resourceLogs", "resource_logs":
			d.sawOTLP = true
			if d.array() {
				i := 0
				for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
					d.index(i)
					i++
					d.resourceLogs(rls.AppendEmpty())
				}
			}
		default:
			d.otherField(key)
			d.r.Skip()
		}
		d.pop()
	}
}

const errLegacyLogs = `log records are under "instrumentationLibraryLogs", the name OTLP used before 1.0 for "scopeLogs" (lenient: true reads it)`

func (d *decoder) resourceLogs(rl plog.ResourceLogs) {
	if !d.object("a resourceLogs") {
		return
	}
	// pdata reads "deprecatedScopeLogs" when there is no "scopeLogs".
	var deprecated plog.ScopeLogsSlice
	hasDeprecated := false
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "resource":
			d.resource(rl.Resource())
		case "scopeLogs", "scope_logs":
			d.scopeLogsList(rl.ScopeLogs(), false)
		case "instrumentationLibraryLogs":
			if d.strict {
				d.failf(errLegacyLogs)
				d.r.Skip()
				break
			}
			d.legacy = true
			d.scopeLogsList(rl.ScopeLogs(), true)
		case "schemaUrl", "schema_url":
			rl.SetSchemaUrl(d.readString())
		case "deprecatedScopeLogs", "deprecated_scope_logs":
			if !hasDeprecated {
				deprecated, hasDeprecated = plog.NewScopeLogsSlice(), true
			}
			d.scopeLogsList(deprecated, false)
		default:
			d.r.Skip()
		}
		d.pop()
	}
	if hasDeprecated && rl.ScopeLogs().Len() == 0 {
		deprecated.MoveAndAppendTo(rl.ScopeLogs())
	}
}

func (d *decoder) scopeLogsList(list plog.ScopeLogsSlice, legacy bool) {
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		d.scopeLogs(list.AppendEmpty(), legacy)
	}
}

func (d *decoder) scopeLogs(sl plog.ScopeLogs, legacy bool) {
	if !d.object("a scopeLogs") {
		return
	}
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "scope":
			d.scope(sl.Scope())
		case "instrumentationLibrary":
			if legacy {
				d.scope(sl.Scope())
			} else {
				d.r.Skip()
			}
		case "logRecords", "log_records":
			d.records(sl.LogRecords())
		case "schemaUrl", "schema_url":
			sl.SetSchemaUrl(d.readString())
		default:
			d.r.Skip()
		}
		d.pop()
	}
}

func (d *decoder) records(records plog.LogRecordSlice) {
	if !d.array() {
		return
	}
	first := records.Len()
	var drop []int
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		start := d.r.Pos()
		if !d.record(records.AppendEmpty()) {
			drop = append(drop, first+i)
		}
		if i == 0 && !d.sized {
			d.sized = true
			records.EnsureCapacity(records.Len() + estimate(len(d.r.Buf())-d.r.Pos(), d.r.Pos()-start))
		}
		i++
	}
	if len(drop) > 0 {
		removeAt(drop, func(f func(plog.LogRecord) bool) { records.RemoveIf(f) })
	}
}

// record reads one log record and reports whether it could be read.
func (d *decoder) record(lr plog.LogRecord) bool {
	d.beginItem()
	var tid pcommon.TraceID
	var sid pcommon.SpanID
	var tidText, sidText string
	// A repeated "body" merges into the same value, as in pdata.
	var body value
	if d.object("a log record") {
		for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
			d.push()
			switch view(d.key()) {
			case "timeUnixNano", "time_unix_nano":
				lr.SetTimestamp(pcommon.Timestamp(d.readTimestamp()))
			case "observedTimeUnixNano", "observed_time_unix_nano":
				lr.SetObservedTimestamp(pcommon.Timestamp(d.readTimestamp()))
			case "severityNumber", "severity_number":
				lr.SetSeverityNumber(plog.SeverityNumber(d.readEnum(severityNumbers)))
			case "severityText", "severity_text":
				lr.SetSeverityText(d.readString())
			case "body":
				d.anyValue(&body)
			case "attributes":
				d.attributes(lr.Attributes(), true)
			case "droppedAttributesCount", "dropped_attributes_count":
				lr.SetDroppedAttributesCount(d.readUint32())
			case "flags":
				lr.SetFlags(plog.LogRecordFlags(d.readUint32()))
			case "traceId", "trace_id":
				d.readID(tid[:], &tidText)
			case "spanId", "span_id":
				d.readID(sid[:], &sidText)
			case "eventName", "event_name":
				lr.SetEventName(d.readString())
			default:
				d.r.Skip()
			}
			d.pop()
		}
	}
	d.set(lr.Body(), &body)
	lr.SetTraceID(tid)
	lr.SetSpanID(sid)
	putOriginalIDs(lr.Attributes(), tidText, sidText, "")
	return d.endItem()
}
