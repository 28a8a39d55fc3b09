package otlp

import (
	"bytes"
	"fmt"
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"
)

// The judge of the differential tests: every field pdata's public API
// shows, attributes in order with their types, doubles by their bits (so
// NaN equals NaN). diff* return the first difference, or "".

type differ struct{ diffs []string }

func (c *differ) eq(path string, want, got any) {
	if want != got && len(c.diffs) < 5 {
		c.diffs = append(c.diffs, fmt.Sprintf("%s: want %#v, got %#v", path, want, got))
	}
}

func (c *differ) result() string {
	if len(c.diffs) == 0 {
		return ""
	}
	return fmt.Sprint(c.diffs)
}

func diffTraces(want, got ptrace.Traces) string {
	c := &differ{}
	wr, gr := want.ResourceSpans(), got.ResourceSpans()
	c.eq("resourceSpans.len", wr.Len(), gr.Len())
	for i := 0; i < min(wr.Len(), gr.Len()); i++ {
		p := fmt.Sprintf("resourceSpans[%d]", i)
		w, g := wr.At(i), gr.At(i)
		c.eq(p+".schemaUrl", w.SchemaUrl(), g.SchemaUrl())
		c.resource(p+".resource", w.Resource(), g.Resource())
		ws, gs := w.ScopeSpans(), g.ScopeSpans()
		c.eq(p+".scopeSpans.len", ws.Len(), gs.Len())
		for j := 0; j < min(ws.Len(), gs.Len()); j++ {
			p := fmt.Sprintf("%s.scopeSpans[%d]", p, j)
			w, g := ws.At(j), gs.At(j)
			c.eq(p+".schemaUrl", w.SchemaUrl(), g.SchemaUrl())
			c.scope(p+".scope", w.Scope(), g.Scope())
			wsp, gsp := w.Spans(), g.Spans()
			c.eq(p+".spans.len", wsp.Len(), gsp.Len())
			for k := 0; k < min(wsp.Len(), gsp.Len()); k++ {
				c.span(fmt.Sprintf("%s.spans[%d]", p, k), wsp.At(k), gsp.At(k))
			}
		}
	}
	return c.result()
}

func (c *differ) span(p string, w, g ptrace.Span) {
	c.eq(p+".traceId", w.TraceID(), g.TraceID())
	c.eq(p+".spanId", w.SpanID(), g.SpanID())
	c.eq(p+".parentSpanId", w.ParentSpanID(), g.ParentSpanID())
	c.eq(p+".traceState", w.TraceState().AsRaw(), g.TraceState().AsRaw())
	c.eq(p+".flags", w.Flags(), g.Flags())
	c.eq(p+".name", w.Name(), g.Name())
	c.eq(p+".kind", w.Kind(), g.Kind())
	c.eq(p+".start", w.StartTimestamp(), g.StartTimestamp())
	c.eq(p+".end", w.EndTimestamp(), g.EndTimestamp())
	c.attrs(p+".attributes", w.Attributes(), g.Attributes())
	c.eq(p+".droppedAttributesCount", w.DroppedAttributesCount(), g.DroppedAttributesCount())
	c.eq(p+".droppedEventsCount", w.DroppedEventsCount(), g.DroppedEventsCount())
	c.eq(p+".droppedLinksCount", w.DroppedLinksCount(), g.DroppedLinksCount())
	c.eq(p+".status.code", w.Status().Code(), g.Status().Code())
	c.eq(p+".status.message", w.Status().Message(), g.Status().Message())
	we, ge := w.Events(), g.Events()
	c.eq(p+".events.len", we.Len(), ge.Len())
	for i := 0; i < min(we.Len(), ge.Len()); i++ {
		p := fmt.Sprintf("%s.events[%d]", p, i)
		w, g := we.At(i), ge.At(i)
		c.eq(p+".time", w.Timestamp(), g.Timestamp())
		c.eq(p+".name", w.Name(), g.Name())
		c.attrs(p+".attributes", w.Attributes(), g.Attributes())
		c.eq(p+".droppedAttributesCount", w.DroppedAttributesCount(), g.DroppedAttributesCount())
	}
	wl, gl := w.Links(), g.Links()
	c.eq(p+".links.len", wl.Len(), gl.Len())
	for i := 0; i < min(wl.Len(), gl.Len()); i++ {
		p := fmt.Sprintf("%s.links[%d]", p, i)
		w, g := wl.At(i), gl.At(i)
		c.eq(p+".traceId", w.TraceID(), g.TraceID())
		c.eq(p+".spanId", w.SpanID(), g.SpanID())
		c.eq(p+".traceState", w.TraceState().AsRaw(), g.TraceState().AsRaw())
		c.eq(p+".flags", w.Flags(), g.Flags())
		c.attrs(p+".attributes", w.Attributes(), g.Attributes())
		c.eq(p+".droppedAttributesCount", w.DroppedAttributesCount(), g.DroppedAttributesCount())
	}
}

func diffLogs(want, got plog.Logs) string {
	c := &differ{}
	wr, gr := want.ResourceLogs(), got.ResourceLogs()
	c.eq("resourceLogs.len", wr.Len(), gr.Len())
	for i := 0; i < min(wr.Len(), gr.Len()); i++ {
		p := fmt.Sprintf("resourceLogs[%d]", i)
		w, g := wr.At(i), gr.At(i)
		c.eq(p+".schemaUrl", w.SchemaUrl(), g.SchemaUrl())
		c.resource(p+".resource", w.Resource(), g.Resource())
		ws, gs := w.ScopeLogs(), g.ScopeLogs()
		c.eq(p+".scopeLogs.len", ws.Len(), gs.Len())
		for j := 0; j < min(ws.Len(), gs.Len()); j++ {
			p := fmt.Sprintf("%s.scopeLogs[%d]", p, j)
			w, g := ws.At(j), gs.At(j)
			c.eq(p+".schemaUrl", w.SchemaUrl(), g.SchemaUrl())
			c.scope(p+".scope", w.Scope(), g.Scope())
			wl, gl := w.LogRecords(), g.LogRecords()
			c.eq(p+".logRecords.len", wl.Len(), gl.Len())
			for k := 0; k < min(wl.Len(), gl.Len()); k++ {
				p := fmt.Sprintf("%s.logRecords[%d]", p, k)
				w, g := wl.At(k), gl.At(k)
				c.eq(p+".time", w.Timestamp(), g.Timestamp())
				c.eq(p+".observedTime", w.ObservedTimestamp(), g.ObservedTimestamp())
				c.eq(p+".severityNumber", w.SeverityNumber(), g.SeverityNumber())
				c.eq(p+".severityText", w.SeverityText(), g.SeverityText())
				c.value(p+".body", w.Body(), g.Body())
				c.attrs(p+".attributes", w.Attributes(), g.Attributes())
				c.eq(p+".droppedAttributesCount", w.DroppedAttributesCount(), g.DroppedAttributesCount())
				c.eq(p+".flags", w.Flags(), g.Flags())
				c.eq(p+".traceId", w.TraceID(), g.TraceID())
				c.eq(p+".spanId", w.SpanID(), g.SpanID())
				c.eq(p+".eventName", w.EventName(), g.EventName())
			}
		}
	}
	return c.result()
}

func (c *differ) resource(p string, w, g pcommon.Resource) {
	c.attrs(p+".attributes", w.Attributes(), g.Attributes())
	c.eq(p+".droppedAttributesCount", w.DroppedAttributesCount(), g.DroppedAttributesCount())
	wr, gr := entity.ResourceEntityRefs(w), entity.ResourceEntityRefs(g)
	c.eq(p+".entityRefs.len", wr.Len(), gr.Len())
	for i := 0; i < min(wr.Len(), gr.Len()); i++ {
		p := fmt.Sprintf("%s.entityRefs[%d]", p, i)
		w, g := wr.At(i), gr.At(i)
		c.eq(p+".schemaUrl", w.SchemaUrl(), g.SchemaUrl())
		c.eq(p+".type", w.Type(), g.Type())
		c.eq(p+".idKeys", fmt.Sprint(w.IdKeys().AsRaw()), fmt.Sprint(g.IdKeys().AsRaw()))
		c.eq(p+".idKeys.len", w.IdKeys().Len(), g.IdKeys().Len())
		c.eq(p+".descriptionKeys", fmt.Sprint(w.DescriptionKeys().AsRaw()), fmt.Sprint(g.DescriptionKeys().AsRaw()))
		c.eq(p+".descriptionKeys.len", w.DescriptionKeys().Len(), g.DescriptionKeys().Len())
	}
}

func (c *differ) scope(p string, w, g pcommon.InstrumentationScope) {
	c.eq(p+".name", w.Name(), g.Name())
	c.eq(p+".version", w.Version(), g.Version())
	c.attrs(p+".attributes", w.Attributes(), g.Attributes())
	c.eq(p+".droppedAttributesCount", w.DroppedAttributesCount(), g.DroppedAttributesCount())
}

// attrs compares maps entry by entry, in order, repeated keys included.
func (c *differ) attrs(p string, w, g pcommon.Map) {
	c.eq(p+".len", w.Len(), g.Len())
	type entry struct {
		k string
		v pcommon.Value
	}
	collect := func(m pcommon.Map) (out []entry) {
		for k, v := range m.All() {
			out = append(out, entry{k, v})
		}
		return out
	}
	we, ge := collect(w), collect(g)
	for i := 0; i < min(len(we), len(ge)); i++ {
		c.eq(fmt.Sprintf("%s[%d].key", p, i), we[i].k, ge[i].k)
		c.value(fmt.Sprintf("%s[%d](%s)", p, i, we[i].k), we[i].v, ge[i].v)
	}
}

func (c *differ) value(p string, w, g pcommon.Value) {
	c.eq(p+".type", w.Type(), g.Type())
	if w.Type() != g.Type() {
		return
	}
	switch w.Type() {
	case pcommon.ValueTypeStr:
		c.eq(p, w.Str(), g.Str())
	case pcommon.ValueTypeInt:
		c.eq(p, w.Int(), g.Int())
	case pcommon.ValueTypeDouble:
		c.eq(p, math.Float64bits(w.Double()), math.Float64bits(g.Double()))
	case pcommon.ValueTypeBool:
		c.eq(p, w.Bool(), g.Bool())
	case pcommon.ValueTypeBytes:
		c.eq(p, bytes.Equal(w.Bytes().AsRaw(), g.Bytes().AsRaw()), true)
	case pcommon.ValueTypeSlice:
		ws, gs := w.Slice(), g.Slice()
		c.eq(p+".len", ws.Len(), gs.Len())
		for i := 0; i < min(ws.Len(), gs.Len()); i++ {
			c.value(fmt.Sprintf("%s[%d]", p, i), ws.At(i), gs.At(i))
		}
	case pcommon.ValueTypeMap:
		c.attrs(p, w.Map(), g.Map())
	}
}
