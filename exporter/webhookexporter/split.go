package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// errSpanTooLarge marks a span whose request alone exceeds
// max_request_body_size.
var errSpanTooLarge = errors.New("span too large")

// spanRef locates one span in a ptrace.Traces.
type spanRef struct {
	rs, ss, sp int
}

// chunk is a run of spans [start, end) of a splitter and its encoded body.
type chunk struct {
	start, end int
	body       []byte
}

// splitter cuts a batch into requests whose encoded body is at most limit
// bytes, keeping the resource and scope of every span. Each chunk is the
// longest run of spans, from the current position, that fits: it is found by
// doubling the run until it no longer fits, then bisecting. The size of an
// encoded run grows with its length, so the result depends only on the spans
// from the chunk's first span on.
type splitter struct {
	td        ptrace.Traces
	refs      []spanRef
	pos       int
	marshaler ptrace.Marshaler
	limit     int
}

func newSplitter(td ptrace.Traces, m ptrace.Marshaler, limit int) *splitter {
	s := &splitter{td: td, marshaler: m, limit: limit}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			n := sss.At(j).Spans().Len()
			for k := 0; k < n; k++ {
				s.refs = append(s.refs, spanRef{rs: i, ss: j, sp: k})
			}
		}
	}
	return s
}

func (s *splitter) done() bool { return s.pos >= len(s.refs) }

// next returns the next chunk. A span too large to be sent alone is skipped
// and reported with an error wrapping errSpanTooLarge.
func (s *splitter) next() (chunk, error) {
	start := s.pos
	remaining := len(s.refs) - start

	// Double the run while it fits.
	lo, hi := 0, remaining+1 // lo spans fit, hi spans do not (remaining+1: unknown)
	var loBody []byte
	firstSize := 0
	for n := 1; ; n *= 2 {
		n = min(n, remaining)
		body, err := s.encode(start, start+n)
		if err != nil {
			return chunk{}, err
		}
		if n == 1 {
			firstSize = len(body)
		}
		if len(body) > s.limit {
			hi = n
			break
		}
		lo, loBody = n, body
		if n == remaining {
			break
		}
	}
	// Bisect between the longest run known to fit and the shortest known not to.
	for hi <= remaining && hi-lo > 1 {
		mid := lo + (hi-lo)/2
		body, err := s.encode(start, start+mid)
		if err != nil {
			return chunk{}, err
		}
		if len(body) > s.limit {
			hi = mid
		} else {
			lo, loBody = mid, body
		}
	}

	if lo == 0 {
		s.pos++
		return chunk{}, s.tooLarge(start, firstSize)
	}
	s.pos = start + lo
	return chunk{start: start, end: start + lo, body: loBody}, nil
}

// remainingFrom returns the spans from the start of c to the end of the
// batch, for a retry.
func (s *splitter) remainingFrom(c chunk) ptrace.Traces {
	return s.build(c.start, len(s.refs))
}

func (s *splitter) encode(from, to int) ([]byte, error) {
	body, err := s.marshaler.MarshalTraces(s.build(from, to))
	if err != nil {
		return nil, fmt.Errorf("encoding traces: %w", err)
	}
	return body, nil
}

// build copies spans [from, to) into a new batch, grouped under copies of
// their resources and scopes.
func (s *splitter) build(from, to int) ptrace.Traces {
	out := ptrace.NewTraces()
	var rsOut ptrace.ResourceSpans
	var ssOut ptrace.ScopeSpans
	prevRS, prevSS := -1, -1
	for _, r := range s.refs[from:to] {
		rs := s.td.ResourceSpans().At(r.rs)
		if r.rs != prevRS {
			rsOut = out.ResourceSpans().AppendEmpty()
			rs.Resource().CopyTo(rsOut.Resource())
			rsOut.SetSchemaUrl(rs.SchemaUrl())
			prevRS, prevSS = r.rs, -1
		}
		ss := rs.ScopeSpans().At(r.ss)
		if r.ss != prevSS {
			ssOut = rsOut.ScopeSpans().AppendEmpty()
			ss.Scope().CopyTo(ssOut.Scope())
			ssOut.SetSchemaUrl(ss.SchemaUrl())
			prevSS = r.ss
		}
		ss.Spans().At(r.sp).CopyTo(ssOut.Spans().AppendEmpty())
	}
	return out
}

func (s *splitter) tooLarge(i, size int) error {
	r := s.refs[i]
	span := s.td.ResourceSpans().At(r.rs).ScopeSpans().At(r.ss).Spans().At(r.sp)
	return fmt.Errorf("%w: span %q (trace_id %s, span_id %s) alone encodes to a %d-byte request, over max_request_body_size of %d bytes; it was dropped",
		errSpanTooLarge, span.Name(), span.TraceID(), span.SpanID(), size, s.limit)
}
