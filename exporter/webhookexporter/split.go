package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"errors"
	"fmt"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

var (
	// errItemTooLarge marks a span, log record or data point whose request
	// alone exceeds max_request_body_size.
	errItemTooLarge = errors.New("item too large")
	// errItemNotEncoded marks a span, log record or data point that cannot
	// be encoded (a template that fails or renders invalid JSON).
	errItemNotEncoded = errors.New("item not encoded")
)

// chunk is a run of items [start, end) of a splitter and its encoded body.
type chunk struct {
	start, end int
	body       []byte
}

// splitter cuts a batch into requests. Each chunk is the longest run of
// items, from the current position, that encodes, fits in limit bytes (when
// limit is positive) and holds at most maxRun items (when maxRun is
// positive). It is found by doubling the run until it no longer encodes or
// fits, then bisecting; the size of an encoded run grows with its length, so
// the result depends only on the items from the chunk's first item on. An
// item that does not encode or fit on its own is skipped with an error.
type splitter struct {
	items  encoding.Items
	batch  encoding.Batch
	limit  int
	maxRun int
	pos    int
}

func newSplitter(items encoding.Items, batch encoding.Batch, limit, maxRun int) *splitter {
	return &splitter{items: items, batch: batch, limit: limit, maxRun: maxRun}
}

func (s *splitter) done() bool { return s.pos >= s.items.Len() }

// try encodes run [start, start+n) and reports whether it can be sent as
// one request; err is the encoding error, if any.
func (s *splitter) try(start, n int) (body []byte, ok bool, err error) {
	body, err = s.batch.Encode(start, start+n)
	if err != nil {
		return nil, false, err
	}
	return body, s.limit <= 0 || len(body) <= s.limit, nil
}

// recycle hands a body that is not sent back to the encoder's pool.
func (s *splitter) recycle(body []byte) {
	if body != nil {
		recycleBody(s.batch, body)
	}
}

// next returns the next chunk. An item that cannot be sent alone is skipped
// and reported with an error wrapping errItemTooLarge or errItemNotEncoded.
func (s *splitter) next() (chunk, error) {
	start := s.pos
	remaining := s.items.Len() - start
	if s.maxRun > 0 {
		remaining = min(remaining, s.maxRun)
	}

	// Double the run while it can be sent. Every body tried and not kept
	// goes back to the encoder's pool.
	lo, hi := 0, remaining+1 // lo items can be sent, hi cannot (remaining+1: unknown)
	var loBody []byte
	var firstLen int
	var firstErr error
	for n := 1; ; n *= 2 {
		n = min(n, remaining)
		body, ok, err := s.try(start, n)
		if n == 1 {
			firstLen, firstErr = len(body), err
		}
		if !ok {
			s.recycle(body)
			hi = n
			break
		}
		s.recycle(loBody)
		lo, loBody = n, body
		if n == remaining {
			break
		}
	}
	// Bisect between the longest run known to fit and the shortest known not to.
	for hi <= remaining && hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if body, ok, _ := s.try(start, mid); ok {
			s.recycle(loBody)
			lo, loBody = mid, body
		} else {
			s.recycle(body)
			hi = mid
		}
	}

	if lo == 0 {
		s.pos++
		if firstErr != nil {
			return chunk{}, fmt.Errorf("%w: %s cannot be encoded, it was dropped: %w", errItemNotEncoded, s.items.Describe(start), firstErr)
		}
		return chunk{}, fmt.Errorf("%w: %s alone encodes to a %d-byte request, over max_request_body_size of %d bytes; it was dropped",
			errItemTooLarge, s.items.Describe(start), firstLen, s.limit)
	}
	s.pos = start + lo
	return chunk{start: start, end: start + lo, body: loBody}, nil
}
