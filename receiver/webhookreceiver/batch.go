package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"net/http"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/helicone"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/openrouterevents"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"
)

// batch is what one request decoded into, whatever its sender: traces or
// logs, and what dedup needs to know of them.
type batch struct {
	signal pipeline.Signal
	traces ptrace.Traces
	logs   plog.Logs
	otlp.Result
	// deliveryID identifies the delivery when its body does (Helicone's
	// request_id); "" when it does not.
	deliveryID string
	// itemIDs, when set, identify each span or log record, in order
	// (OpenRouter event ids, LiteLLM payload ids).
	itemIDs []string
	// tests counts test events that are answered and not forwarded.
	tests int
	// reply, when set, is answered instead of forwarding anything (Slack's
	// url_verification challenge).
	reply *webhooks.Reply
}

// request is what a decoder gets of an HTTP request: its body, read whole
// and verified, and what the sender said about it.
type request struct {
	// format is the parsed Content-Type; contentType the header as sent.
	format      bodyFormat
	contentType string
	header      http.Header
	body        []byte
	// arrival is when the request came, for senders whose data has no time
	// of its own.
	arrival time.Time
}

// decodeFunc turns a request to a route into a batch.
type decodeFunc func(r *webhookReceiver, rt *route, req *request) (*batch, error)

func encodingOf(format bodyFormat) otlp.Encoding {
	if format == formatProto {
		return otlp.Proto
	}
	return otlp.JSON
}

// decodeOTLPTraces decodes an OTLP traces body. With an error the batch
// still tells how many spans the decoder had begun to read (Rejected).
func decodeOTLPTraces(r *webhookReceiver, _ *route, req *request) (*batch, error) {
	td, res, err := otlp.DecodeTraces(encodingOf(req.format), req.body, r.cfg.Lenient)
	if err == nil && isConnectionTest(td) {
		// Answered as a test connection, and not forwarded.
		return &batch{signal: pipeline.SignalTraces, traces: ptrace.NewTraces(), tests: 1}, nil
	}
	return &batch{signal: pipeline.SignalTraces, traces: td, Result: res}, err
}

// connectionTestSpan is the name of the one span OpenRouter's Broadcast
// sends when a destination's Test Connection is clicked, in place of the
// empty payload its documentation describes.
const connectionTestSpan = "openrouter-connection-test"

// isConnectionTest reports whether td is OpenRouter's test span: the only
// span, named connectionTestSpan, with no attributes.
func isConnectionTest(td ptrace.Traces) bool {
	if td.SpanCount() != 1 {
		return false
	}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			if spans := sss.At(j).Spans(); spans.Len() == 1 {
				span := spans.At(0)
				return span.Name() == connectionTestSpan && span.Attributes().Len() == 0
			}
		}
	}
	return false
}

func decodeOTLPLogs(r *webhookReceiver, _ *route, req *request) (*batch, error) {
	ld, res, err := otlp.DecodeLogs(encodingOf(req.format), req.body, r.cfg.Lenient)
	return &batch{signal: pipeline.SignalLogs, logs: ld, Result: res}, err
}

// refuseDecode counts a body its decoder refused as a whole as refused in
// the receiver's obsreport: with the items the decoder had begun to read
// when the batch tells them, else 0, so that the request itself is seen.
func (r *webhookReceiver) refuseDecode(ctx context.Context, rt *route, format bodyFormat, b *batch, err error) {
	n := 0
	if b != nil {
		n = b.Rejected
	}
	r.endOp(r.startOp(ctx, rt.signal), rt.signal, format, n, err)
}

func decodeOpenRouterEvents(_ *webhookReceiver, _ *route, req *request) (*batch, error) {
	ev, err := openrouterevents.DecodeKeyed(req.body, req.arrival, req.header.Get(openrouterevents.HeaderIdempotencyKey))
	if err != nil {
		return nil, err
	}
	return &batch{signal: pipeline.SignalLogs, logs: ev.Logs, itemIDs: ev.IDs, tests: ev.Tests}, nil
}

func decodeHelicone(_ *webhookReceiver, _ *route, req *request) (*batch, error) {
	d, err := helicone.Decode(req.body, req.arrival)
	if err != nil {
		return nil, err
	}
	// The span's IDs come from the request id, and so does the dedup key.
	return &batch{signal: pipeline.SignalTraces, traces: d.Traces, deliveryID: d.Key}, nil
}

// count is the number of spans or log records.
func (b *batch) count() int {
	if b.signal == pipeline.SignalTraces {
		return b.traces.SpanCount()
	}
	return b.logs.LogRecordCount()
}

// itemKeys appends to dst the dedup key of each item, in walk order, in the
// sender's namespaces sp, or nothing when the items have no identity of their
// own (OTLP log records) or the delivery's key stands for them (Helicone's
// one span). Spans have binary keys; senders that name their items (event
// ids, itemIDs) text ones.
func (b *batch) itemKeys(dst []dedup.Key, sp *keySpaces) []dedup.Key {
	switch {
	case b.itemIDs != nil:
		for _, id := range b.itemIDs {
			if id == "" {
				// A record without an id has no key: the zero Key.
				dst = append(dst, dedup.Key{})
				continue
			}
			dst = append(dst, dedup.TextKey(sp.event, id))
		}
	case b.signal == pipeline.SignalTraces && b.SpanKeys != nil:
		for _, k := range b.SpanKeys {
			dst = append(dst, dedup.SpanKey(sp.span, k.TraceID, k.SpanID))
		}
	}
	return dst
}

// remove removes the items at the given walk-order positions (ascending),
// and containers left empty.
func (b *batch) remove(drop []int) {
	if len(drop) == 0 {
		return
	}
	pos, next := 0, 0
	gone := func() bool {
		remove := next < len(drop) && drop[next] == pos
		pos++
		if remove {
			next++
		}
		return remove
	}
	if b.signal == pipeline.SignalTraces {
		b.traces.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
			rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
				ss.Spans().RemoveIf(func(ptrace.Span) bool { return gone() })
				return ss.Spans().Len() == 0
			})
			return rs.ScopeSpans().Len() == 0
		})
		return
	}
	b.logs.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
		rl.ScopeLogs().RemoveIf(func(sl plog.ScopeLogs) bool {
			sl.LogRecords().RemoveIf(func(plog.LogRecord) bool { return gone() })
			return sl.LogRecords().Len() == 0
		})
		return rl.ScopeLogs().Len() == 0
	})
}

// Attributes that keep an ID the lenient decoder had to replace.
const (
	AttrOriginalTraceID      = otlp.AttrOriginalTraceID
	AttrOriginalSpanID       = otlp.AttrOriginalSpanID
	AttrOriginalParentSpanID = otlp.AttrOriginalParentSpanID
)
