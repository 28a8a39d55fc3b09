package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"bytes"
	"net/http"
	"sync"
)

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps one huge request from pinning its buffer forever.
const maxPooledBuffer = 4 << 20

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	bufferPool.Put(b)
}

// readBody reads the whole body into a pooled buffer sized from
// Content-Length, refusing a declared length over the limit before reading.
func (r *webhookReceiver) readBody(req *http.Request) (*bytes.Buffer, error) {
	if req.ContentLength > r.maxBodySize {
		return nil, &http.MaxBytesError{Limit: r.maxBodySize}
	}
	buf := bufferPool.Get().(*bytes.Buffer)
	if req.ContentLength > 0 {
		buf.Grow(int(req.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(req.Body)
	_ = req.Body.Close()
	if err != nil {
		putBuffer(buf)
		return nil, err
	}
	return buf, nil
}
