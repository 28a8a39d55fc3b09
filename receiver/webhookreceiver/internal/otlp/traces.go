package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// SpanKey identifies a span for dedup: its trace ID and span ID.
type SpanKey struct {
	TraceID pcommon.TraceID
	SpanID  pcommon.SpanID
}

// traces reads an ExportTraceServiceRequest into td.
func (d *decoder) traces(td ptrace.Traces) {
	if !d.topObject("resourceSpans") {
		return
	}
	rss := td.ResourceSpans()
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch key := d.key(); view(key) {
		case "resourceSpans", "resource_spans":
			d.sawOTLP = true
			if d.array() {
				i := 0
				for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
					d.index(i)
					i++
					d.resourceSpans(rss.AppendEmpty())
				}
			}
		default:
			d.otherField(key)
			d.r.Skip()
		}
		d.pop()
	}
}

const errLegacySpans = `spans are under "instrumentationLibrarySpans", the name OTLP used before 1.0 for "scopeSpans" (lenient: true reads it)`

func (d *decoder) resourceSpans(rs ptrace.ResourceSpans) {
	if !d.object("a resourceSpans") {
		return
	}
	// pdata reads the pre-1.0 list "deprecatedScopeSpans" when there is
	// no "scopeSpans" and drops it otherwise; so do its span keys.
	var deprecated ptrace.ScopeSpansSlice
	hasDeprecated := false
	keysAt := len(d.spanKeys)
	var depKeys []SpanKey
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "resource":
			d.resource(rs.Resource())
		case "scopeSpans", "scope_spans":
			d.scopeSpansList(rs.ScopeSpans(), false)
		case "instrumentationLibrarySpans":
			if d.strict {
				d.failf(errLegacySpans)
				d.r.Skip()
				break
			}
			d.legacy = true
			d.scopeSpansList(rs.ScopeSpans(), true)
		case "schemaUrl", "schema_url":
			rs.SetSchemaUrl(d.readString())
		case "deprecatedScopeSpans", "deprecated_scope_spans":
			if !hasDeprecated {
				deprecated, hasDeprecated = ptrace.NewScopeSpansSlice(), true
			}
			// Its keys go aside, after what this resource already has.
			mine := d.spanKeys[keysAt:]
			n := len(mine)
			d.scopeSpansList(deprecated, false)
			depKeys = append(depKeys, d.spanKeys[keysAt+n:]...)
			d.spanKeys = d.spanKeys[:keysAt+n]
		default:
			d.r.Skip()
		}
		d.pop()
	}
	if hasDeprecated && rs.ScopeSpans().Len() == 0 {
		deprecated.MoveAndAppendTo(rs.ScopeSpans())
		d.spanKeys = append(d.spanKeys, depKeys...)
	}
}

func (d *decoder) scopeSpansList(list ptrace.ScopeSpansSlice, legacy bool) {
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		d.scopeSpans(list.AppendEmpty(), legacy)
	}
}

func (d *decoder) scopeSpans(ss ptrace.ScopeSpans, legacy bool) {
	if !d.object("a scopeSpans") {
		return
	}
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "scope":
			d.scope(ss.Scope())
		case "instrumentationLibrary":
			// The pre-1.0 name of the scope, read with the pre-1.0 list.
			if legacy {
				d.scope(ss.Scope())
			} else {
				d.r.Skip()
			}
		case "spans":
			d.spans(ss.Spans())
		case "schemaUrl", "schema_url":
			ss.SetSchemaUrl(d.readString())
		default:
			d.r.Skip()
		}
		d.pop()
	}
}

// spans reads a list of spans, after those spans holds; the ones that
// cannot be read are left out.
func (d *decoder) spans(spans ptrace.SpanSlice) {
	if !d.array() {
		return
	}
	first := spans.Len()
	var drop []int
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		start := d.r.Pos()
		if !d.span(spans.AppendEmpty()) {
			drop = append(drop, first+i)
		}
		if i == 0 && !d.sized {
			// Size the list from the first span: the rest of the body
			// holds about this many more of its size.
			d.sized = true
			spans.EnsureCapacity(spans.Len() + estimate(len(d.r.Buf())-d.r.Pos(), d.r.Pos()-start))
		}
		i++
	}
	if len(drop) > 0 {
		removeAt(drop, func(f func(ptrace.Span) bool) { spans.RemoveIf(f) })
	}
}

// estimate is how many more items of itemLen bytes remain bytes hold,
// assuming none is shorter than 64 bytes, so that a tiny first item cannot
// make a large guess.
func estimate(remain, itemLen int) int {
	return remain / max(itemLen, 64)
}

// removeAt removes the elements at the positions drop (ascending) with a
// RemoveIf.
func removeAt[T any](drop []int, removeIf func(func(T) bool)) {
	pos, next := 0, 0
	removeIf(func(T) bool {
		gone := next < len(drop) && drop[next] == pos
		if gone {
			next++
		}
		pos++
		return gone
	})
}

// span reads one span and reports whether it could be read.
func (d *decoder) span(sp ptrace.Span) bool {
	d.beginItem()
	var tid pcommon.TraceID
	var sid, pid pcommon.SpanID
	var tidText, sidText, pidText string
	if d.object("a span") {
		for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
			d.push()
			switch view(d.key()) {
			case "traceId", "trace_id":
				d.readID(tid[:], &tidText)
			case "spanId", "span_id":
				d.readID(sid[:], &sidText)
			case "parentSpanId", "parent_span_id":
				d.readID(pid[:], &pidText)
			case "name":
				sp.SetName(d.readString())
			case "kind":
				sp.SetKind(ptrace.SpanKind(d.readEnum(spanKinds)))
			case "startTimeUnixNano", "start_time_unix_nano":
				sp.SetStartTimestamp(pcommon.Timestamp(d.readTimestamp()))
			case "endTimeUnixNano", "end_time_unix_nano":
				sp.SetEndTimestamp(pcommon.Timestamp(d.readTimestamp()))
			case "attributes":
				d.attributes(sp.Attributes(), true)
			case "status":
				d.status(sp.Status())
			case "traceState", "trace_state":
				sp.TraceState().FromRaw(d.readString())
			case "flags":
				sp.SetFlags(d.readUint32())
			case "droppedAttributesCount", "dropped_attributes_count":
				sp.SetDroppedAttributesCount(d.readUint32())
			case "events":
				d.events(sp.Events())
			case "droppedEventsCount", "dropped_events_count":
				sp.SetDroppedEventsCount(d.readUint32())
			case "links":
				d.links(sp.Links())
			case "droppedLinksCount", "dropped_links_count":
				sp.SetDroppedLinksCount(d.readUint32())
			default:
				d.r.Skip()
			}
			d.pop()
		}
	}
	sp.SetTraceID(tid)
	sp.SetSpanID(sid)
	sp.SetParentSpanID(pid)
	putOriginalIDs(sp.Attributes(), tidText, sidText, pidText)
	if !d.endItem() {
		return false
	}
	d.spanKeys = append(d.spanKeys, SpanKey{TraceID: tid, SpanID: sid})
	return true
}

func (d *decoder) events(events ptrace.SpanEventSlice) {
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		ev := events.AppendEmpty()
		if !d.object("an event") {
			continue
		}
		for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
			d.push()
			switch view(d.key()) {
			case "timeUnixNano", "time_unix_nano":
				ev.SetTimestamp(pcommon.Timestamp(d.readTimestamp()))
			case "name":
				ev.SetName(d.readString())
			case "attributes":
				d.attributes(ev.Attributes(), false)
			case "droppedAttributesCount", "dropped_attributes_count":
				ev.SetDroppedAttributesCount(d.readUint32())
			default:
				d.r.Skip()
			}
			d.pop()
		}
	}
}

func (d *decoder) links(links ptrace.SpanLinkSlice) {
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		l := links.AppendEmpty()
		var tid pcommon.TraceID
		var sid pcommon.SpanID
		var tidText, sidText string
		if d.object("a link") {
			for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
				d.push()
				switch view(d.key()) {
				case "traceId", "trace_id":
					d.readID(tid[:], &tidText)
				case "spanId", "span_id":
					d.readID(sid[:], &sidText)
				case "traceState", "trace_state":
					l.TraceState().FromRaw(d.readString())
				case "attributes":
					d.attributes(l.Attributes(), false)
				case "droppedAttributesCount", "dropped_attributes_count":
					l.SetDroppedAttributesCount(d.readUint32())
				case "flags":
					l.SetFlags(d.readUint32())
				default:
					d.r.Skip()
				}
				d.pop()
			}
		}
		l.SetTraceID(tid)
		l.SetSpanID(sid)
		putOriginalIDs(l.Attributes(), tidText, sidText, "")
	}
}

// status reads a span's status; a repeated "status" merges into it, as in
// pdata.
func (d *decoder) status(st ptrace.Status) {
	if !d.object("a status") {
		return
	}
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "message":
			st.SetMessage(d.readString())
		case "code":
			st.SetCode(ptrace.StatusCode(d.readEnum(statusCodes)))
		default:
			d.r.Skip()
		}
		d.pop()
	}
}
