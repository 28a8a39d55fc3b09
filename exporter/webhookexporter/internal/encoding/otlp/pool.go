package otlp // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp"

import "sync"

// maxPooled bounds the buffers kept for reuse, so that a rare huge batch
// does not keep its memory in the pool.
const maxPooled = 16 << 20

// buffers holds the bodies the exporter is done with. A body is written
// into one and sent as it is: there is no copy to a body of the exact size.
var buffers sync.Pool

// minBuffer is the smallest buffer made, for a first body of its kind.
const minBuffer = 4 << 10

// getBuffer returns an empty buffer that holds at least size bytes: one of
// the pool's, or a new one of that size, so that writing a body does not
// grow it step by step. A pooled buffer too small for size is left to the
// garbage collector.
func getBuffer(size int) []byte {
	if p, ok := buffers.Get().(*[]byte); ok && cap(*p) >= size {
		return (*p)[:0]
	}
	return make([]byte, 0, max(size, minBuffer))
}

func putBuffer(b []byte) {
	if cap(b) == 0 || cap(b) > maxPooled {
		return
	}
	b = b[:0]
	buffers.Put(&b)
}
