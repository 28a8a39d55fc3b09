package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"strconv"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

var (
	resourceLogsShape = &container{
		what: "a resourceLogs", header: "resource", headerKeys: []string{"resource"},
		list: "scopeLogs", listKeys: []string{"scopeLogs", "scope_logs", "instrumentationLibraryLogs"},
		deprecated: "deprecatedScopeLogs", deprecatedKeys: []string{"deprecatedScopeLogs", "deprecated_scope_logs"},
	}
	scopeLogsShape = &container{
		what: "a scopeLogs", header: "scope", headerKeys: []string{"scope", "instrumentationLibrary"},
		list: "logRecords", listKeys: []string{"logRecords", "log_records"},
	}
)

func init() {
	resourceLogsShape.child = always((*normalizer).scopeLogs)
	scopeLogsShape.child = (*normalizer).recordObject
}

func (n *normalizer) resourceLogs() { n.container(resourceLogsShape) }

func (n *normalizer) scopeLogs() { n.container(scopeLogsShape) }

// recordFields are the fields of one log record, kept until the record is
// known to be readable.
type recordFields struct {
	traceID, spanID         idField
	time, observed          uint64
	severity                int32
	severityText, eventName string
	flags, droppedAttrs     uint32
	nAttrs                  int
	body                    []byte // each "body" as sent: pdata merges repeats
}

// severityNumbers are the names of SeverityNumber (pdata's own table spells
// SEVERITY_NUMBER_TRACE with a trailing space).
var severityNumbers = func() map[string]int32 {
	m := map[string]int32{"SEVERITY_NUMBER_UNSPECIFIED": 0}
	for i, level := range []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"} {
		for j, suffix := range []string{"", "2", "3", "4"} {
			m["SEVERITY_NUMBER_"+level+suffix] = int32(4*i + j + 1)
		}
	}
	return m
}()

// recordObject reads one log record and writes it unless it had to be
// rejected. It reports whether it wrote the record.
func (n *normalizer) recordObject(first bool) bool {
	n.record = recordFields{body: n.record.body[:0]}
	n.attrs = n.attrs[:0]
	return n.item("a log record", first, n.recordField, n.writeRecord)
}

func (n *normalizer) recordField(field string) {
	r := &n.record
	switch field {
	case "timeUnixNano", "time_unix_nano":
		r.time = n.readTimestamp()
	case "observedTimeUnixNano", "observed_time_unix_nano":
		r.observed = n.readTimestamp()
	case "severityNumber", "severity_number":
		r.severity = n.readEnum(severityNumbers, "SEVERITY_NUMBER_")
	case "severityText", "severity_text":
		r.severityText = n.readString()
	case "body":
		r.body = append(r.body, `,"body":`...)
		r.body = n.anyValue(r.body)
	case "attributes":
		n.attrs, r.nAttrs = n.keyValues(n.attrs, r.nAttrs)
	case "droppedAttributesCount", "dropped_attributes_count":
		r.droppedAttrs = n.readUint32()
	case "flags":
		r.flags = n.readUint32()
	case "traceId", "trace_id":
		r.traceID = n.readID(16)
	case "spanId", "span_id":
		r.spanID = n.readID(8)
	case "eventName", "event_name":
		r.eventName = n.readString()
	default:
		n.iter.Skip()
	}
}

func (n *normalizer) writeRecord() {
	r := &n.record
	o := append(n.out, `{"timeUnixNano":"`...)
	o = strconv.AppendUint(o, r.time, 10)
	o = append(o, `","observedTimeUnixNano":"`...)
	o = strconv.AppendUint(o, r.observed, 10)
	o = append(o, `","severityNumber":`...)
	o = strconv.AppendInt(o, int64(r.severity), 10)
	o = append(o, `,"severityText":`...)
	o = jsonstr.Append(o, r.severityText)
	o = append(o, r.body...)
	o = append(o, `,"attributes":[`...)
	o = append(o, n.attrs...)
	o = appendOriginalIDs(o, r.nAttrs > 0, r.traceID, r.spanID, idField{})
	o = append(o, `],"droppedAttributesCount":`...)
	o = strconv.AppendUint(o, uint64(r.droppedAttrs), 10)
	o = append(o, `,"flags":`...)
	o = strconv.AppendUint(o, uint64(r.flags), 10)
	o = append(o, `,"traceId":"`...)
	o = append(o, r.traceID.hex...)
	o = append(o, `","spanId":"`...)
	o = append(o, r.spanID.hex...)
	o = append(o, `","eventName":`...)
	o = jsonstr.Append(o, r.eventName)
	n.out = append(o, '}')
}
