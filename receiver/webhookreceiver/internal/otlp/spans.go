package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"strconv"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// Attributes that keep an ID the receiver had to replace.
const (
	AttrOriginalTraceID      = "webhook.original_trace_id"
	AttrOriginalSpanID       = "webhook.original_span_id"
	AttrOriginalParentSpanID = "webhook.original_parent_span_id"
)

// appendOriginalIDs appends, after the attributes already in o (sep: there
// are some), an attribute with the sender's text of each replaced ID.
func appendOriginalIDs(o []byte, sep bool, traceID, spanID, parentSpanID idField) []byte {
	for _, id := range [...]struct {
		key string
		id  idField
	}{{AttrOriginalTraceID, traceID}, {AttrOriginalSpanID, spanID}, {AttrOriginalParentSpanID, parentSpanID}} {
		if id.id.original != "" {
			o = appendStringAttr(o, sep, id.key, id.id.original)
			sep = true
		}
	}
	return o
}

type spanFields struct {
	traceID, spanID, parentSpanID             idField
	traceState, name                          string
	flags, droppedAttrs, droppedEvents, drops uint32
	kind                                      int32
	start, end                                uint64
	nAttrs, nEvents, nLinks                   int
	status                                    []byte
}

var (
	resourceSpansShape = &container{
		what: "a resourceSpans", header: "resource", headerKeys: []string{"resource"},
		list: "scopeSpans", listKeys: []string{"scopeSpans", "scope_spans", "instrumentationLibrarySpans"},
		deprecated: "deprecatedScopeSpans", deprecatedKeys: []string{"deprecatedScopeSpans", "deprecated_scope_spans"},
	}
	scopeSpansShape = &container{
		what: "a scopeSpans", header: "scope", headerKeys: []string{"scope", "instrumentationLibrary"},
		list: "spans", listKeys: []string{"spans"},
	}
)

func init() {
	resourceSpansShape.child = always((*normalizer).scopeSpans)
	scopeSpansShape.child = (*normalizer).spanObject
}

func (n *normalizer) resourceSpans() { n.container(resourceSpansShape) }

func (n *normalizer) scopeSpans() { n.container(scopeSpansShape) }

// spanObject reads one span and writes it unless it had to be rejected. It
// reports whether it wrote the span.
func (n *normalizer) spanObject(first bool) bool {
	n.span = spanFields{status: n.span.status[:0]}
	n.attrs, n.events, n.links = n.attrs[:0], n.events[:0], n.links[:0]
	return n.item("a span", first, n.spanField, n.writeSpan)
}

func (n *normalizer) spanField(field string) {
	s := &n.span
	switch field {
	case "traceId", "trace_id":
		s.traceID = n.readID(16)
	case "spanId", "span_id":
		s.spanID = n.readID(8)
	case "parentSpanId", "parent_span_id":
		s.parentSpanID = n.readID(8)
	case "traceState", "trace_state":
		s.traceState = n.readString()
	case "flags":
		s.flags = n.readUint32()
	case "name":
		s.name = n.readString()
	case "kind":
		s.kind = n.readEnum(spanKinds, "SPAN_KIND_")
	case "startTimeUnixNano", "start_time_unix_nano":
		s.start = n.readTimestamp()
	case "endTimeUnixNano", "end_time_unix_nano":
		s.end = n.readTimestamp()
	case "attributes":
		// A repeated "attributes" adds to the list, as in pdata.
		n.attrs, s.nAttrs = n.keyValues(n.attrs, s.nAttrs)
	case "droppedAttributesCount", "dropped_attributes_count":
		s.droppedAttrs = n.readUint32()
	case "events":
		n.array(func() {
			if s.nEvents > 0 {
				n.events = append(n.events, ',')
			}
			s.nEvents++
			n.event()
		})
	case "droppedEventsCount", "dropped_events_count":
		s.droppedEvents = n.readUint32()
	case "links":
		n.array(func() {
			if s.nLinks > 0 {
				n.links = append(n.links, ',')
			}
			s.nLinks++
			n.link()
		})
	case "droppedLinksCount", "dropped_links_count":
		s.drops = n.readUint32()
	case "status":
		// Repeats are kept and merged by pdata, as it merges them itself.
		s.status = append(s.status, `,"status":`...)
		s.status = n.status(s.status)
	default:
		n.iter.Skip()
	}
}

func (n *normalizer) writeSpan() {
	s := &n.span
	o := append(n.out, `{"traceId":"`...)
	o = append(o, s.traceID.hex...)
	o = append(o, `","spanId":"`...)
	o = append(o, s.spanID.hex...)
	o = append(o, `","parentSpanId":"`...)
	o = append(o, s.parentSpanID.hex...)
	o = append(o, `","traceState":`...)
	o = jsonstr.Append(o, s.traceState)
	o = append(o, `,"flags":`...)
	o = strconv.AppendUint(o, uint64(s.flags), 10)
	o = append(o, `,"name":`...)
	o = jsonstr.Append(o, s.name)
	o = append(o, `,"kind":`...)
	o = strconv.AppendInt(o, int64(s.kind), 10)
	o = append(o, `,"startTimeUnixNano":"`...)
	o = strconv.AppendUint(o, s.start, 10)
	o = append(o, `","endTimeUnixNano":"`...)
	o = strconv.AppendUint(o, s.end, 10)
	o = append(o, `","attributes":[`...)
	o = append(o, n.attrs...)
	o = appendOriginalIDs(o, s.nAttrs > 0, s.traceID, s.spanID, s.parentSpanID)
	o = append(o, `],"droppedAttributesCount":`...)
	o = strconv.AppendUint(o, uint64(s.droppedAttrs), 10)
	o = append(o, `,"events":[`...)
	o = append(o, n.events...)
	o = append(o, `],"droppedEventsCount":`...)
	o = strconv.AppendUint(o, uint64(s.droppedEvents), 10)
	o = append(o, `,"links":[`...)
	o = append(o, n.links...)
	o = append(o, `],"droppedLinksCount":`...)
	o = strconv.AppendUint(o, uint64(s.drops), 10)
	o = append(o, s.status...)
	n.out = append(o, '}')
}

func (n *normalizer) event() {
	n.events = append(n.events, '{')
	w := fieldWriter{out: &n.events}
	n.objectOrFail("an event", func(field string) {
		switch field {
		case "timeUnixNano", "time_unix_nano":
			w.name("timeUnixNano")
			n.events = append(n.events, '"')
			n.events = strconv.AppendUint(n.events, n.readTimestamp(), 10)
			n.events = append(n.events, '"')
		case "name":
			w.name("name")
			n.events = jsonstr.Append(n.events, n.readString())
		case "attributes":
			w.name("attributes")
			n.events = append(n.events, '[')
			n.events, _ = n.keyValues(n.events, 0)
			n.events = append(n.events, ']')
		case "droppedAttributesCount", "dropped_attributes_count":
			w.name("droppedAttributesCount")
			n.events = strconv.AppendUint(n.events, uint64(n.readUint32()), 10)
		default:
			n.iter.Skip()
		}
	})
	n.events = append(n.events, '}')
}

func (n *normalizer) link() {
	var traceID, spanID idField
	var traceState string
	var flags, dropped uint32
	n.linkAttrs = n.linkAttrs[:0]
	nAttrs := 0
	n.objectOrFail("a link", func(field string) {
		switch field {
		case "traceId", "trace_id":
			traceID = n.readID(16)
		case "spanId", "span_id":
			spanID = n.readID(8)
		case "traceState", "trace_state":
			traceState = n.readString()
		case "flags":
			flags = n.readUint32()
		case "attributes":
			n.linkAttrs, nAttrs = n.keyValues(n.linkAttrs, nAttrs)
		case "droppedAttributesCount", "dropped_attributes_count":
			dropped = n.readUint32()
		default:
			n.iter.Skip()
		}
	})
	o := append(n.links, `{"traceId":"`...)
	o = append(o, traceID.hex...)
	o = append(o, `","spanId":"`...)
	o = append(o, spanID.hex...)
	o = append(o, `","traceState":`...)
	o = jsonstr.Append(o, traceState)
	o = append(o, `,"flags":`...)
	o = strconv.AppendUint(o, uint64(flags), 10)
	o = append(o, `,"attributes":[`...)
	o = append(o, n.linkAttrs...)
	o = appendOriginalIDs(o, nAttrs > 0, traceID, spanID, idField{})
	o = append(o, `],"droppedAttributesCount":`...)
	o = strconv.AppendUint(o, uint64(dropped), 10)
	n.links = append(o, '}')
}

func (n *normalizer) status(o []byte) []byte {
	o = append(o, '{')
	w := fieldWriter{out: &o}
	n.objectOrFail("a status", func(field string) {
		switch field {
		case "message":
			w.name("message")
			o = jsonstr.Append(o, n.readString())
		case "code":
			w.name("code")
			o = strconv.AppendInt(o, int64(n.readEnum(statusCodes, "STATUS_CODE_")), 10)
		default:
			n.iter.Skip()
		}
	})
	return append(o, '}')
}

// keyValues appends the entries of an attribute list after cnt entries
// already in o, and returns the new count. Lenient mode also takes a plain
// JSON object {"key": value}.
