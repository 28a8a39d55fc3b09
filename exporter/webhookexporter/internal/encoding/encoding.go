// Package encoding is the one interface between the webhook exporter and its
// body formats: an Encoder turns a batch of spans, log records or metric
// data points, indexed as a list of items, into request bodies, and can encode any run of
// consecutive items on its own. Everything else (HTTP, signing, queue,
// retries, splitting by size) is the exporter's and is the same for every
// format. Each format is a package below this one.
package encoding // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"

// Encoder turns batches into request bodies.
type Encoder interface {
	// ContentType is the Content-Type of every body.
	ContentType() string
	// PerItem reports whether every request carries exactly one item.
	PerItem() bool
	// TestBody is the body of the test-connection request.
	TestBody() []byte
	// Traces, Logs and Metrics prepare one batch for encoding.
	Traces(*Traces) Batch
	Logs(*Logs) Batch
	Metrics(*Metrics) Batch
}

// Batch encodes runs of the items of one batch.
type Batch interface {
	// Encode returns the body of items [from, to). A run always encodes to
	// the same bytes, so that a retried request keeps its body and its
	// signature id. An empty body means there is nothing to send for the
	// run. An error means the run cannot be encoded: retrying will not help.
	Encode(from, to int) ([]byte, error)
}

// Recycler is implemented by a Batch whose bodies come from a pool. A body
// handed to Recycle is never read again by whoever handed it, and its
// memory is reused for another body; a body that is not handed back is
// left to the garbage collector.
type Recycler interface {
	Recycle(body []byte)
}

// Items is a batch of spans, log records or data points as a list.
type Items interface {
	// Len is the number of items.
	Len() int
	// Describe names item i for an error message.
	Describe(i int) string
}
