package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

const (
	headerTestConnection = "X-Test-Connection"
	headerRetryAfter     = "Retry-After"
	// retryAfterSeconds is sent with every 503 so that senders back off.
	retryAfterSeconds = "5"
	allowPost         = "POST, PUT"
	allowHealth       = "GET, HEAD"
)

// handle is the life of a request to any sender's path: the order of the
// checks is what tells a sender exactly what went wrong first.
func (r *webhookReceiver) handle(w http.ResponseWriter, req *http.Request, rt *route) {
	ctx := req.Context()
	format := parseContentType(req.Header.Get("Content-Type"))
	answer := format
	if !rt.otlp && format == formatProto {
		// Only OTLP paths answer in protobuf.
		answer = formatText
	}
	if addr, ok := clientAddr(req, r.trustedProxies); !rt.auth.allowsSource(addr, ok) {
		// Neither the list nor its size is named: only what was seen.
		r.authFailed(ctx, rt, "source")
		seen := "the client's address could not be read"
		if ok {
			seen = "source address " + addr.String() + " is not allowed"
		}
		writeError(w, answer, http.StatusForbidden, fmt.Sprintf("%s to post to %q", seen, rt.path))
		return
	}
	if !r.consumes(rt.signal) {
		writeError(w, answer, http.StatusNotFound, fmt.Sprintf(
			"%q is not served: no %s pipeline uses receiver %q; add it to a %s pipeline",
			rt.path, rt.signal, r.settings.ID, rt.signal))
		return
	}
	if r.answerChallenge(ctx, w, req, rt) {
		return
	}
	if req.Method != http.MethodPost && req.Method != http.MethodPut {
		w.Header().Set("Allow", allowPost)
		writeError(w, answer, http.StatusMethodNotAllowed, "method "+req.Method+" is not allowed: use POST or PUT")
		return
	}
	if name, ok := rt.auth.checkRequiredHeaders(req.Header); !ok {
		r.authFailed(ctx, rt, "required_header")
		writeError(w, answer, http.StatusUnauthorized, "required header "+name+" is missing or has the wrong value")
		return
	}
	testConnection := isTestConnection(req.Header)
	if !rt.accepts(format, req.Header.Get("Content-Type")) && !testConnection && req.ContentLength != 0 {
		writeError(w, answer, http.StatusUnsupportedMediaType, rt.contentTypeHint(req.Header.Get("Content-Type")))
		return
	}

	buf, err := r.readBody(req)
	if err != nil {
		if maxErr, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, answer, http.StatusRequestEntityTooLarge, fmt.Sprintf(
				"request body exceeds max_request_body_size of %d bytes (after decompression)", maxErr.Limit))
			return
		}
		writeError(w, answer, http.StatusBadRequest, "reading request body: "+err.Error())
		return
	}
	defer putBuffer(buf)
	body := buf.Bytes()

	if rt.auth.verifier != nil {
		if err := rt.auth.verify(req, body); err != nil {
			r.authFailed(ctx, rt, authReason(err))
			writeError(w, answer, http.StatusUnauthorized, "signature verification failed: "+err.Error())
			return
		}
	}
	if testConnection || len(body) == 0 {
		r.testConnection(ctx, w, rt, answer, 1)
		return
	}

	b, err := rt.decode(r, rt, &request{
		format:      format,
		contentType: req.Header.Get("Content-Type"),
		header:      req.Header,
		body:        body,
		arrival:     time.Now(),
	})
	if err != nil {
		r.refuseDecode(ctx, rt, format, b, err)
		writeError(w, answer, http.StatusBadRequest, err.Error())
		return
	}
	if b.reply != nil {
		r.writeReply(ctx, w, rt, b.reply)
		return
	}
	if b.count() == 0 {
		r.recordDecode(ctx, rt, format, b)
		if b.Rejected > 0 {
			writeError(w, answer, http.StatusBadRequest, b.RejectMessage)
			return
		}
		r.testConnection(ctx, w, rt, answer, max(b.tests, 1))
		return
	}

	deliveryID := b.deliveryID
	if rt.otlp {
		deliveryID = req.Header.Get(signature.HeaderWebhookID)
	}
	res := r.reserve(ctx, rt, b, deliveryID)
	switch {
	case res.duplicate:
		// Accepted before: answered as then, nothing counted twice.
		r.telemetry.ReceiverWebhookDuplicateDeliveries.Add(ctx, 1, senderAttr(rt))
		noteAnswer(w, console.OutcomeDuplicate, 0, b.count(), "")
		if rt.otlp {
			writeSuccess(w, answer, rt.signal, 0, "")
		} else {
			writeRouteCounts(w, rt, 0, b.count())
		}
		return
	case res.busy != "":
		writeRetryable(w, answer, res.busy)
		return
	}
	r.recordDecode(ctx, rt, format, b)
	if b.tests > 0 {
		// Test events next to real ones; alone they are a test connection.
		r.telemetry.ReceiverWebhookTestConnections.Add(ctx, int64(b.tests), senderAttr(rt))
	}
	if b.signal == pipeline.SignalTraces {
		r.transform(b.traces)
	}

	n := b.count()
	if n > 0 {
		octx := r.startOp(ctx, rt.signal)
		err = r.consume(octx, b)
		r.endOp(octx, rt.signal, format, n, err)
	}
	r.finish(ctx, res.keys, err == nil)
	if err == nil {
		r.countWithoutID(ctx, rt, b)
	}
	if err != nil {
		r.writeConsumerError(w, answer, err)
		return
	}
	r.writeAccepted(w, rt, answer, b, n, res.dropped)
}

// accepts reports whether the route reads bodies of format (contentType as
// sent, for the webhooks routes).
func (rt *route) accepts(format bodyFormat, contentType string) bool {
	if rt.mapping != nil {
		ok, _ := rt.mapping.Accepts(contentType)
		return ok
	}
	return format == formatJSON || (rt.otlp && format == formatProto)
}

func (rt *route) contentTypeHint(contentType string) string {
	if rt.mapping != nil {
		_, hint := rt.mapping.Accepts(contentType)
		return hint
	}
	if rt.otlp {
		return fmt.Sprintf("unsupported Content-Type %q: use application/json (OTLP JSON) or application/x-protobuf", contentType)
	}
	return fmt.Sprintf("unsupported Content-Type %q: use application/json", contentType)
}

func senderAttr(rt *route) metric.MeasurementOption {
	return metric.WithAttributes(attribute.String("sender", rt.sender))
}

func (r *webhookReceiver) testConnection(ctx context.Context, w http.ResponseWriter, rt *route, format bodyFormat, n int) {
	r.telemetry.ReceiverWebhookTestConnections.Add(ctx, int64(n), senderAttr(rt))
	writeSuccess(w, format, rt.signal, 0, "")
}

func (r *webhookReceiver) authFailed(ctx context.Context, rt *route, reason string) {
	r.telemetry.ReceiverWebhookAuthFailures.Add(ctx, 1, metric.WithAttributes(
		attribute.String("reason", reason), attribute.String("sender", rt.sender)))
}

// recordDecode counts what decoding repaired and left out.
func (r *webhookReceiver) recordDecode(ctx context.Context, rt *route, format bodyFormat, b *batch) {
	for kind, n := range b.Repairs.All() {
		r.telemetry.ReceiverWebhookRepairs.Add(ctx, int64(n), metric.WithAttributes(attribute.String("kind", kind)))
	}
	if b.Rejected > 0 {
		// Items the decoder had to leave out count as refused.
		r.endOp(r.startOp(ctx, rt.signal), rt.signal, format, b.Rejected, errors.New(b.RejectMessage))
		r.settings.Logger.Warn("Dropped malformed "+itemsNoun(rt.signal),
			zap.Int(strings.ReplaceAll(itemsNoun(rt.signal), " ", "_"), b.Rejected), zap.String("reason", b.RejectMessage))
	}
}

// writeAccepted answers a request whose data the pipeline accepted (or that
// was all duplicates): OTLP paths with an OTLP response, the other senders
// with what was accepted (n, counted before the pipeline took the data: a
// batch processor moves it away) and what was a duplicate.
func (r *webhookReceiver) writeAccepted(w http.ResponseWriter, rt *route, format bodyFormat, b *batch, n, duplicates int) {
	noteAnswer(w, console.OutcomeAccepted, n, duplicates, b.RejectMessage)
	if rt.otlp {
		writeSuccess(w, format, rt.signal, b.Rejected, b.RejectMessage)
		return
	}
	writeRouteCounts(w, rt, n, duplicates)
}

// writeCounts answers a sender that does not speak OTLP with how many items
// were accepted and how many were dropped as duplicates.
func writeCounts(w http.ResponseWriter, accepted, duplicates int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, `{"accepted":%d,"duplicates":%d}`, accepted, duplicates)
}

func authReason(err error) string {
	switch {
	case errors.Is(err, signature.ErrMissingSignature), errors.Is(err, signature.ErrMissingHeaders):
		return "missing_signature"
	case errors.Is(err, signature.ErrStaleTimestamp), errors.Is(err, signature.ErrInvalidTimestamp):
		return "timestamp"
	case errors.Is(err, signature.ErrMalformedSignature):
		return "malformed_signature"
	default:
		return "invalid_signature"
	}
}

func isTestConnection(h http.Header) bool {
	v := strings.TrimSpace(h.Get(headerTestConnection))
	return strings.EqualFold(v, "true") || v == "1"
}
