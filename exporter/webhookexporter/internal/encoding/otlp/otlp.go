// Package otlp encodes batches as OTLP requests: JSON with the writer of
// package otlpjson, into pooled buffers, and protobuf with pdata's
// marshaler.
package otlp // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp"

import (
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"
)

const (
	contentTypeJSON  = "application/json"
	contentTypeProto = "application/x-protobuf"
)

// Encoder is the OTLP encoder of one wire format.
type Encoder struct {
	contentType string
	testBody    []byte
	json        bool
	traces      ptrace.Marshaler
	logs        plog.Marshaler
	metrics     pmetric.Marshaler
	// The JSON bytes per span, log record and data point of the last body,
	// to size a buffer the pool does not have.
	spanSize, recordSize, pointSize atomic.Int64
}

var _ encoding.Encoder = (*Encoder)(nil)

// NewJSON returns the OTLP JSON encoder.
func NewJSON() *Encoder {
	return &Encoder{
		contentType: contentTypeJSON,
		// An OTLP JSON request without data.
		testBody: []byte("{}"),
		json:     true,
	}
}

// NewProto returns the OTLP protobuf encoder.
func NewProto() *Encoder {
	return &Encoder{
		contentType: contentTypeProto,
		// An OTLP protobuf request without data is zero bytes long.
		testBody: []byte{},
		traces:   &ptrace.ProtoMarshaler{},
		logs:     &plog.ProtoMarshaler{},
		metrics:  &pmetric.ProtoMarshaler{},
	}
}

// ContentType is application/json or application/x-protobuf.
func (e *Encoder) ContentType() string { return e.contentType }

// PerItem is false: one request carries a run of items.
func (e *Encoder) PerItem() bool { return false }

// TestBody is an OTLP request without data.
func (e *Encoder) TestBody() []byte { return e.testBody }

// Traces encodes runs of spans as OTLP trace requests.
func (e *Encoder) Traces(t *encoding.Traces) encoding.Batch {
	if e.json {
		return jsonBatch{size: &e.spanSize, write: func(b []byte, from, to int) []byte {
			if from == 0 && to == t.Len() {
				return otlpjson.AppendTraces(b, t.Data())
			}
			return otlpjson.AppendSpans(b, t.Data(), from, to)
		}}
	}
	return protoBatch(func(from, to int) ([]byte, error) {
		td := t.Data()
		if from != 0 || to != t.Len() {
			td = t.Slice(from, to)
		}
		body, err := e.traces.MarshalTraces(td)
		if err != nil {
			return nil, fmt.Errorf("encoding spans as OTLP: %w", err)
		}
		return body, nil
	})
}

// Logs encodes runs of log records as OTLP logs requests.
func (e *Encoder) Logs(l *encoding.Logs) encoding.Batch {
	if e.json {
		return jsonBatch{size: &e.recordSize, write: func(b []byte, from, to int) []byte {
			if from == 0 && to == l.Len() {
				return otlpjson.AppendLogs(b, l.Data())
			}
			return otlpjson.AppendLogRecords(b, l.Data(), from, to)
		}}
	}
	return protoBatch(func(from, to int) ([]byte, error) {
		ld := l.Data()
		if from != 0 || to != l.Len() {
			ld = l.Slice(from, to)
		}
		body, err := e.logs.MarshalLogs(ld)
		if err != nil {
			return nil, fmt.Errorf("encoding log records as OTLP: %w", err)
		}
		return body, nil
	})
}

// Metrics encodes runs of data points as OTLP metrics requests.
func (e *Encoder) Metrics(m *encoding.Metrics) encoding.Batch {
	if e.json {
		return jsonBatch{size: &e.pointSize, write: func(b []byte, from, to int) []byte {
			if from == 0 && to == m.Len() {
				return otlpjson.AppendMetrics(b, m.Data())
			}
			return otlpjson.AppendDataPoints(b, m.Data(), from, to)
		}}
	}
	return protoBatch(func(from, to int) ([]byte, error) {
		md := m.Data()
		if from != 0 || to != m.Len() {
			md = m.Slice(from, to)
		}
		body, err := e.metrics.MarshalMetrics(md)
		if err != nil {
			return nil, fmt.Errorf("encoding metrics as OTLP: %w", err)
		}
		return body, nil
	})
}

// protoBatch adapts a function to encoding.Batch.
type protoBatch func(from, to int) ([]byte, error)

func (p protoBatch) Encode(from, to int) ([]byte, error) { return p(from, to) }

// jsonBatch writes runs of items into pooled buffers: writing OTLP JSON
// cannot fail.
type jsonBatch struct {
	size  *atomic.Int64 // bytes per item of the last body
	write func(b []byte, from, to int) []byte
}

var _ encoding.Recycler = jsonBatch{}

func (j jsonBatch) Encode(from, to int) ([]byte, error) {
	n := int64(to - from)
	b := j.write(getBuffer(int(n*j.size.Load()*9/8)), from, to)
	if n > 0 {
		j.size.Store(int64(len(b)) / n)
	}
	return b, nil
}

// Recycle returns a body to the pool.
func (jsonBatch) Recycle(body []byte) { putBuffer(body) }
