package otlp // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp"

import "sync"

// maxPooled bounds the buffers kept for reuse, so that a rare huge batch
// does not keep its memory in the pool.
const maxPooled = 16 << 20

// buffers holds the bodies the exporter is done with. A body is written
// into one and sent as it is: there is no copy to a body of the exact size.
var buffers sync.Pool

func getBuffer() []byte {
	if p, ok := buffers.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return nil
}

func putBuffer(b []byte) {
	if cap(b) == 0 || cap(b) > maxPooled {
		return
	}
	b = b[:0]
	buffers.Put(&b)
}
