package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// pushTraces sends the spans of td with the configured encoding.
func (e *webhookExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	items := encoding.NewTraces(td)
	return e.push(ctx, items, e.encoder.Traces(items), func(err error, from int) error {
		return consumererror.NewTraces(err, items.Slice(from, items.Len()))
	})
}

// pushLogs sends the log records of ld with the configured encoding.
func (e *webhookExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	items := encoding.NewLogs(ld)
	return e.push(ctx, items, e.encoder.Logs(items), func(err error, from int) error {
		return consumererror.NewLogs(err, items.Slice(from, items.Len()))
	})
}

// pushMetrics sends the data points of md with the configured encoding.
func (e *webhookExporter) pushMetrics(ctx context.Context, md pmetric.Metrics) error {
	items := encoding.NewMetrics(md)
	return e.push(ctx, items, e.encoder.Metrics(items), func(err error, from int) error {
		return consumererror.NewMetrics(err, items.Slice(from, items.Len()))
	})
}

// push sends a batch as one request when it encodes as a whole and fits in
// max_request_body_size, and in several otherwise. retry wraps a retryable
// error with the items from index from on, which are handed back to
// exporterhelper for a retry.
func (e *webhookExporter) push(ctx context.Context, items encoding.Items, batch encoding.Batch, retry func(err error, from int) error) error {
	if items.Len() == 0 {
		return nil
	}
	if !e.encoder.PerItem() {
		body, err := batch.Encode(0, items.Len())
		if err == nil && (e.maxBody <= 0 || len(body) <= e.maxBody) {
			return e.sendBody(ctx, body, recycler(batch), items.Len())
		}
		if err == nil {
			recycleBody(batch, body)
		}
		// A batch that does not encode as a whole is split too, so that
		// the items that encode are still sent.
	}
	maxRun := 0
	if e.encoder.PerItem() {
		maxRun = 1
	}
	return e.pushSplit(ctx, newSplitter(items, batch, e.maxBody, maxRun), retry)
}

// pushSplit sends the chunks of s one by one. Chunk boundaries depend only
// on the items from a chunk's first item on: when a chunk fails with a
// retryable error, the chunk and everything after it are handed back for
// retry, and the retry encodes the same chunk to the same bytes, with the
// same webhook-id. A permanent failure of one chunk, or an item that cannot
// be encoded or sent alone, does not stop the others.
func (e *webhookExporter) pushSplit(ctx context.Context, s *splitter, retry func(err error, from int) error) error {
	var dropped []error
	for !s.done() {
		c, err := s.next()
		if err != nil {
			if errors.Is(err, errItemNotEncoded) {
				e.recordEncodingFailure(ctx)
			}
			dropped = append(dropped, err)
			continue
		}
		if err := e.sendBody(ctx, c.body, recycler(s.batch), c.end-c.start); err != nil {
			if consumererror.IsPermanent(err) {
				dropped = append(dropped, err)
				continue
			}
			if len(dropped) > 0 {
				// The dropped parts cannot be reported through the error
				// handed back for retry, which must not be permanent.
				e.logger.Error("Dropped part of a batch permanently while retrying the rest",
					zap.Error(errors.Join(dropped...)))
			}
			return retry(err, c.start)
		}
	}
	if len(dropped) > 0 {
		return consumererror.NewPermanent(errors.Join(dropped...))
	}
	return nil
}

// sendBody sends body, of items items, unless the encoding left nothing to
// send. recycle, if not nil, takes the body back once nothing reads it. In
// delivery mode each body is a delivery of its own.
func (e *webhookExporter) sendBody(ctx context.Context, body []byte, recycle func([]byte), items int) error {
	if len(body) == 0 {
		if recycle != nil {
			recycle(body)
		}
		return nil
	}
	if e.delivery != nil {
		e.deliver(ctx, body, recycle, items)
		return nil
	}
	return e.send(ctx, body, recycle)
}
