package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"bytes"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// recycler returns the function that hands the bodies of batch back to
// its encoder's pool, or nil when they do not come from one.
func recycler(batch encoding.Batch) func([]byte) {
	if r, ok := batch.(encoding.Recycler); ok {
		return r.Recycle
	}
	return nil
}

// recycleBody hands a body that nothing reads back to batch's pool.
func recycleBody(batch encoding.Batch, body []byte) {
	if r, ok := batch.(encoding.Recycler); ok {
		r.Recycle(body)
	}
}

// sharedBody lends a body to the HTTP client and hands it back to its pool
// only when nothing reads it any more: the exporter has released it and the
// transport has closed every reader it was given. The transport may read a
// body after Client.Do has returned (when the server answers before the
// body is sent) and may ask for it again to retry on a new connection, so
// returning it when Do returns would let a later body overwrite it. A
// reader that is never closed (a round tripper that does not close the
// body it replaces) keeps the body out of the pool for good, for the
// garbage collector to take.
type sharedBody struct {
	body    []byte
	refs    atomic.Int32
	recycle func([]byte)
}

// newSharedBody holds the exporter's reference, which release drops.
func newSharedBody(body []byte, recycle func([]byte)) *sharedBody {
	s := &sharedBody{body: body, recycle: recycle}
	s.refs.Store(1)
	return s
}

// attach makes the body of req a reader of s, and GetBody a new reader of
// s each time the transport asks for one.
func (s *sharedBody) attach(req *http.Request) {
	req.ContentLength = int64(len(s.body))
	if len(s.body) == 0 {
		req.Body = http.NoBody
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		return
	}
	req.Body = s.reader()
	req.GetBody = func() (io.ReadCloser, error) { return s.reader(), nil }
}

func (s *sharedBody) reader() io.ReadCloser {
	s.refs.Add(1)
	r := &bodyReader{shared: s}
	r.Reset(s.body)
	return r
}

func (s *sharedBody) release() {
	if s.refs.Add(-1) == 0 && s.recycle != nil {
		s.recycle(s.body)
	}
}

// bodyReader reads a sharedBody and drops its reference on the first Close.
type bodyReader struct {
	bytes.Reader // by value: one allocation per reader
	shared       *sharedBody
	closed       atomic.Bool
}

func (r *bodyReader) Close() error {
	if r.closed.CompareAndSwap(false, true) {
		r.shared.release()
	}
	return nil
}
