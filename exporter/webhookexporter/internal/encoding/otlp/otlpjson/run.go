package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import "math"

// run selects the items [from, to) of a batch, counted in order across its
// resources and scopes, for a request that carries only them, each under
// its own resource and scope; or, when all is set, the whole batch as it
// is, resources and scopes without items included.
type run struct {
	from, to int
	all      bool
}

var whole = run{from: 0, to: math.MaxInt, all: true}

func newRun(from, to int) run { return run{from: from, to: to} }

// clip returns the items [lo, hi) of a scope of n items whose first item is
// item pos of the batch that are in the run, and whether the scope is
// written at all.
func (r run) clip(pos, n int) (lo, hi int, ok bool) {
	lo, hi = max(r.from-pos, 0), min(r.to-pos, n)
	return lo, hi, r.all || lo < hi
}

// past reports whether item pos and every item after it are beyond the
// run.
func (r run) past(pos int) bool { return !r.all && pos >= r.to }

// group writes the opening of an element of an array lazily: the array's
// member name and bracket before its first element, so that an array the
// run leaves empty is not written at all, as pdata does not write empty
// arrays.
type group struct {
	start int // where the array's elements start, or -1 before the first
}

func newGroup() group { return group{start: -1} }

// element appends the separator of a new element, after the member name
// of the array if this is its first element.
func (g *group) element(b []byte, name string) []byte {
	if g.start < 0 {
		b = append(b, name...)
		g.start = len(b)
	}
	return append(b, ',')
}

// close closes the array if it has an element.
func (g *group) close(b []byte) []byte {
	if g.start < 0 {
		return b
	}
	return closeArray(b, g.start)
}
