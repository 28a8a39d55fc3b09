// Package ndjson encodes spans, log records and metric data points as
// newline-delimited JSON: one flat object per item, one per line, in a
// fixed, documented schema that data stores map to columns (ClickHouse's
// FORMAT JSONEachRow, Vector's newline-delimited input, files).
package ndjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"

import (
	"slices"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// ContentType is the Content-Type of ndjson bodies.
const ContentType = "application/x-ndjson"

// Config is the ndjson section of the exporter's configuration.
type Config struct {
	// FlattenAttributes lifts the attributes of each item to top-level keys
	// named AttributePrefix + name, and the resource attributes to keys
	// named "resource." + name.
	FlattenAttributes bool
	// AttributePrefix is put before lifted attribute names.
	AttributePrefix string
}

// Encoder writes rows.
type Encoder struct {
	spans   flattener
	logs    flattener
	metrics flattener
	flat    bool
}

var _ encoding.Encoder = (*Encoder)(nil)

// New returns the ndjson encoder of cfg.
func New(cfg Config) *Encoder {
	return &Encoder{
		flat:    cfg.FlattenAttributes,
		spans:   newFlattener(cfg.AttributePrefix, spanFields),
		logs:    newFlattener(cfg.AttributePrefix, logFields),
		metrics: newFlattener(cfg.AttributePrefix, metricFields),
	}
}

// ContentType is application/x-ndjson.
func (e *Encoder) ContentType() string { return ContentType }

// PerItem is false: a request carries a run of rows.
func (e *Encoder) PerItem() bool { return false }

// TestBody is empty: no rows.
func (e *Encoder) TestBody() []byte { return []byte{} }

// Traces writes one row per span.
func (e *Encoder) Traces(t *encoding.Traces) encoding.Batch {
	return &rows{n: t.Len(), row: func(b []byte, i int) []byte {
		rs, ss, span := t.At(i)
		return e.appendSpan(b, rs, ss, span)
	}}
}

// Logs writes one row per log record.
func (e *Encoder) Logs(l *encoding.Logs) encoding.Batch {
	return &rows{n: l.Len(), row: func(b []byte, i int) []byte {
		rl, sl, rec := l.At(i)
		return e.appendLogRecord(b, rl, sl, rec)
	}}
}

// Metrics writes one row per data point.
func (e *Encoder) Metrics(m *encoding.Metrics) encoding.Batch {
	return &rows{n: m.Len(), row: func(b []byte, i int) []byte {
		rm, sm, p := m.At(i)
		return e.appendPoint(b, rm, sm, p)
	}}
}

// firstRowCapacity is room for a typical row, so that the first row is not
// copied while its buffer grows; the first row then sizes the buffer.
const firstRowCapacity = 4096

// rows writes the rows of a batch once, in order, into one buffer; a run of
// rows is a slice of it.
type rows struct {
	n    int
	row  func(b []byte, i int) []byte
	buf  []byte
	ends []int
}

func (r *rows) Encode(from, to int) ([]byte, error) {
	if to <= from {
		return nil, nil
	}
	if r.ends == nil {
		r.ends = make([]int, 0, r.n)
		r.buf = make([]byte, 0, firstRowCapacity)
	}
	for len(r.ends) < to {
		r.buf = r.row(r.buf, len(r.ends))
		r.ends = append(r.ends, len(r.buf))
		if len(r.ends) == 1 {
			// The first row tells how large the others will be, give or
			// take a quarter: growing later would copy every row so far.
			r.buf = slices.Grow(r.buf, len(r.buf)*(r.n-1)*5/4)
		}
	}
	start := 0
	if from > 0 {
		start = r.ends[from-1]
	}
	end := r.ends[to-1]
	// The capacity ends with the run, so that appending to a body never
	// writes over the next row.
	return r.buf[start:end:end], nil
}
