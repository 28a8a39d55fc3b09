package encoding // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// ref locates one item: resource r, scope s, item i.
type ref struct{ r, s, i int }

// index lists the position of every item of a batch, in order, from the
// number of resources, of scopes per resource and of items per scope.
func index(total, resources int, scopes func(r int) int, items func(r, s int) int) []ref {
	refs := make([]ref, 0, total)
	for r := range resources {
		for s := range scopes(r) {
			for i := range items(r, s) {
				refs = append(refs, ref{r, s, i})
			}
		}
	}
	return refs
}

// group visits refs in order and calls resource and scope when an item is
// the first of its resource or scope, then item, so that a copy of the run
// keeps every item under a copy of its own resource and scope.
func group(refs []ref, resource func(r int), scope func(r, s int), item func(ref)) {
	prevR, prevS := -1, -1
	for _, x := range refs {
		if x.r != prevR {
			resource(x.r)
			prevR, prevS = x.r, -1
		}
		if x.s != prevS {
			scope(x.r, x.s)
			prevS = x.s
		}
		item(x)
	}
}

// Traces is a batch of spans as a list.
type Traces struct {
	td   ptrace.Traces
	n    int
	refs []ref
}

var _ Items = (*Traces)(nil)

// NewTraces indexes td.
func NewTraces(td ptrace.Traces) *Traces {
	return &Traces{td: td, n: td.SpanCount()}
}

// Data is the whole batch.
func (t *Traces) Data() ptrace.Traces { return t.td }

// Len is the number of spans.
func (t *Traces) Len() int { return t.n }

func (t *Traces) index() []ref {
	if t.refs == nil {
		rss := t.td.ResourceSpans()
		t.refs = index(t.n, rss.Len(),
			func(r int) int { return rss.At(r).ScopeSpans().Len() },
			func(r, s int) int { return rss.At(r).ScopeSpans().At(s).Spans().Len() })
	}
	return t.refs
}

// At returns span i with its resource and scope.
func (t *Traces) At(i int) (ptrace.ResourceSpans, ptrace.ScopeSpans, ptrace.Span) {
	x := t.index()[i]
	rs := t.td.ResourceSpans().At(x.r)
	ss := rs.ScopeSpans().At(x.s)
	return rs, ss, ss.Spans().At(x.i)
}

// Slice copies spans [from, to) into a new batch, under copies of their
// resources and scopes.
func (t *Traces) Slice(from, to int) ptrace.Traces {
	out := ptrace.NewTraces()
	var rsOut ptrace.ResourceSpans
	var ssOut ptrace.ScopeSpans
	rss := t.td.ResourceSpans()
	group(t.index()[from:to],
		func(r int) {
			rsOut = out.ResourceSpans().AppendEmpty()
			rss.At(r).Resource().CopyTo(rsOut.Resource())
			rsOut.SetSchemaUrl(rss.At(r).SchemaUrl())
		},
		func(r, s int) {
			ss := rss.At(r).ScopeSpans().At(s)
			ssOut = rsOut.ScopeSpans().AppendEmpty()
			ss.Scope().CopyTo(ssOut.Scope())
			ssOut.SetSchemaUrl(ss.SchemaUrl())
		},
		func(x ref) { rss.At(x.r).ScopeSpans().At(x.s).Spans().At(x.i).CopyTo(ssOut.Spans().AppendEmpty()) })
	return out
}

// Describe names span i by its name and IDs.
func (t *Traces) Describe(i int) string {
	_, _, span := t.At(i)
	return fmt.Sprintf("span %q (trace_id %s, span_id %s)", span.Name(), span.TraceID(), span.SpanID())
}

// Logs is a batch of log records as a list.
type Logs struct {
	ld   plog.Logs
	n    int
	refs []ref
}

var _ Items = (*Logs)(nil)

// NewLogs indexes ld.
func NewLogs(ld plog.Logs) *Logs {
	return &Logs{ld: ld, n: ld.LogRecordCount()}
}

// Data is the whole batch.
func (l *Logs) Data() plog.Logs { return l.ld }

// Len is the number of log records.
func (l *Logs) Len() int { return l.n }

func (l *Logs) index() []ref {
	if l.refs == nil {
		rls := l.ld.ResourceLogs()
		l.refs = index(l.n, rls.Len(),
			func(r int) int { return rls.At(r).ScopeLogs().Len() },
			func(r, s int) int { return rls.At(r).ScopeLogs().At(s).LogRecords().Len() })
	}
	return l.refs
}

// At returns log record i with its resource and scope.
func (l *Logs) At(i int) (plog.ResourceLogs, plog.ScopeLogs, plog.LogRecord) {
	x := l.index()[i]
	rl := l.ld.ResourceLogs().At(x.r)
	sl := rl.ScopeLogs().At(x.s)
	return rl, sl, sl.LogRecords().At(x.i)
}

// Slice copies log records [from, to) into a new batch, under copies of
// their resources and scopes.
func (l *Logs) Slice(from, to int) plog.Logs {
	out := plog.NewLogs()
	var rlOut plog.ResourceLogs
	var slOut plog.ScopeLogs
	rls := l.ld.ResourceLogs()
	group(l.index()[from:to],
		func(r int) {
			rlOut = out.ResourceLogs().AppendEmpty()
			rls.At(r).Resource().CopyTo(rlOut.Resource())
			rlOut.SetSchemaUrl(rls.At(r).SchemaUrl())
		},
		func(r, s int) {
			sl := rls.At(r).ScopeLogs().At(s)
			slOut = rlOut.ScopeLogs().AppendEmpty()
			sl.Scope().CopyTo(slOut.Scope())
			slOut.SetSchemaUrl(sl.SchemaUrl())
		},
		func(x ref) {
			rls.At(x.r).ScopeLogs().At(x.s).LogRecords().At(x.i).CopyTo(slOut.LogRecords().AppendEmpty())
		})
	return out
}

// Describe names log record i by its position, event name and time; log
// records have no IDs of their own.
func (l *Logs) Describe(i int) string {
	_, _, rec := l.At(i)
	return fmt.Sprintf("log record %d of the batch (event_name %q, time %s)", i, rec.EventName(), FormatTime(rec.Timestamp()))
}
