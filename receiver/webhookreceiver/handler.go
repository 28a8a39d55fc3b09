package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

const (
	headerTestConnection = "X-Test-Connection"
	headerRetryAfter     = "Retry-After"
	// retryAfterSeconds is sent with every 503 so that senders back off.
	retryAfterSeconds = "5"
	allowTraces       = "POST, PUT"
	allowHealth       = "GET, HEAD"
)

// ServeHTTP routes requests to the traces and health paths.
func (r *webhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	for k, v := range r.responseHeaders.Iter {
		w.Header().Set(k, string(v))
	}
	switch req.URL.Path {
	case r.cfg.Path:
		r.handleTraces(w, req)
	case r.cfg.HealthPath:
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", allowHealth)
			writeError(w, formatText, http.StatusMethodNotAllowed, "method "+req.Method+" is not allowed on the health path: use GET")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	default:
		writeError(w, formatText, http.StatusNotFound, fmt.Sprintf("no endpoint at %q: send traces to %q", req.URL.Path, r.cfg.Path))
	}
}

func (r *webhookReceiver) handleTraces(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	format := parseContentType(req.Header.Get("Content-Type"))
	if req.Method != http.MethodPost && req.Method != http.MethodPut {
		w.Header().Set("Allow", allowTraces)
		writeError(w, format, http.StatusMethodNotAllowed, "method "+req.Method+" is not allowed: use POST or PUT")
		return
	}
	if name, ok := r.checkRequiredHeaders(req.Header); !ok {
		r.authFailed(ctx, "required_header")
		writeError(w, format, http.StatusUnauthorized, "required header "+name+" is missing or has the wrong value")
		return
	}
	testConnection := isTestConnection(req.Header)
	if format == formatUnknown && !testConnection && req.ContentLength != 0 {
		writeError(w, format, http.StatusUnsupportedMediaType, fmt.Sprintf(
			"unsupported Content-Type %q: use application/json (OTLP JSON) or application/x-protobuf", req.Header.Get("Content-Type")))
		return
	}

	buf, err := r.readBody(req)
	if err != nil {
		if maxErr, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, format, http.StatusRequestEntityTooLarge, fmt.Sprintf(
				"request body exceeds max_request_body_size of %d bytes (after decompression)", maxErr.Limit))
			return
		}
		writeError(w, format, http.StatusBadRequest, "reading request body: "+err.Error())
		return
	}
	defer putBuffer(buf)
	body := buf.Bytes()

	if r.verifier != nil {
		if err := r.verifier.Verify(req.Header, body, time.Now()); err != nil {
			r.authFailed(ctx, authReason(err))
			writeError(w, format, http.StatusUnauthorized, "signature verification failed: "+err.Error())
			return
		}
	}

	if testConnection || len(body) == 0 {
		r.testConnection(ctx, w, format)
		return
	}

	deliveryID := req.Header.Get(signature.HeaderWebhookID)
	if r.dedup != nil && deliveryID != "" {
		switch r.dedup.reserveDelivery(deliveryID) {
		case stateDone:
			r.telemetry.ReceiverWebhookDuplicateDeliveries.Add(ctx, 1)
			writeSuccess(w, format, 0, "")
			return
		case stateInFlight:
			writeRetryable(w, format, "delivery "+deliveryID+" is being processed by a concurrent request: retry later")
			return
		}
	}
	accepted := false
	defer func() {
		if r.dedup != nil && deliveryID != "" {
			r.dedup.finishDelivery(deliveryID, accepted)
		}
	}()

	res, err := r.decode(format, body)
	if err != nil {
		writeError(w, format, http.StatusBadRequest, err.Error())
		return
	}
	r.recordRepairs(ctx, res.repairs)
	if res.rejected > 0 {
		// Spans the decoder had to drop count as refused.
		rctx := r.obsrecv.StartTracesOp(ctx)
		r.obsrecv.EndTracesOp(rctx, format.String(), res.rejected, errors.New(res.rejectMessage))
		r.settings.Logger.Warn("Dropped malformed spans", zap.Int("spans", res.rejected), zap.String("reason", res.rejectMessage))
	}
	td := res.traces
	if td.SpanCount() == 0 {
		if res.rejected > 0 {
			writeError(w, format, http.StatusBadRequest, res.rejectMessage)
			return
		}
		r.testConnection(ctx, w, format)
		return
	}
	r.transform(td)

	var reserved []spanKey
	if r.dedup != nil {
		var dropped int
		var busy bool
		reserved, dropped, busy = r.dedup.reserveSpans(td)
		if busy {
			writeRetryable(w, format, "spans of this request are being processed by a concurrent request: retry later")
			return
		}
		if dropped > 0 {
			r.telemetry.ReceiverWebhookDuplicateSpans.Add(ctx, int64(dropped))
		}
	}
	if n := td.SpanCount(); n > 0 {
		octx := r.obsrecv.StartTracesOp(ctx)
		err = r.next.ConsumeTraces(octx, td)
		r.obsrecv.EndTracesOp(octx, format.String(), n, err)
	}
	if r.dedup != nil {
		r.dedup.finishSpans(reserved, err == nil)
	}
	if err != nil {
		r.writeConsumerError(w, format, err)
		return
	}
	accepted = true
	writeSuccess(w, format, res.rejected, res.rejectMessage)
}

// transform applies the optional attribute changes to every span.
func (r *webhookReceiver) transform(td ptrace.Traces) {
	if !r.cfg.Semconv && !r.cfg.RedactContent {
		return
	}
	if r.cfg.RedactContent {
		genai.RedactTraces(td)
	}
	if !r.cfg.Semconv {
		return
	}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				genai.AddSemconv(spans.At(k).Attributes())
			}
		}
	}
}

func (r *webhookReceiver) testConnection(ctx context.Context, w http.ResponseWriter, format bodyFormat) {
	r.telemetry.ReceiverWebhookTestConnections.Add(ctx, 1)
	writeSuccess(w, format, 0, "")
}

func (r *webhookReceiver) authFailed(ctx context.Context, reason string) {
	r.telemetry.ReceiverWebhookAuthFailures.Add(ctx, 1, metric.WithAttributes(attribute.String("reason", reason)))
}

func (r *webhookReceiver) recordRepairs(ctx context.Context, repairs repairCounts) {
	for kind, n := range repairs.all() {
		r.telemetry.ReceiverWebhookRepairs.Add(ctx, int64(n), metric.WithAttributes(attribute.String("kind", kind)))
	}
}

// writeConsumerError maps a pipeline error to a status as the otlp receiver
// does: retryable errors are 503 (or 429) with Retry-After, permanent ones
// keep the status they carry, else 500.
func (r *webhookReceiver) writeConsumerError(w http.ResponseWriter, format bodyFormat, err error) {
	if !consumererror.IsPermanent(err) {
		if consumererror.ToHTTPStatus(err) == http.StatusTooManyRequests {
			w.Header().Set(headerRetryAfter, retryAfterSeconds)
			writeError(w, format, http.StatusTooManyRequests, "pipeline is throttling: "+err.Error())
			return
		}
		writeRetryable(w, format, "pipeline refused the data, retry later: "+err.Error())
		return
	}
	status := consumererror.ToHTTPStatus(err)
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	writeError(w, format, status, "pipeline rejected the data permanently: "+err.Error())
}

func writeRetryable(w http.ResponseWriter, format bodyFormat, msg string) {
	w.Header().Set(headerRetryAfter, retryAfterSeconds)
	writeError(w, format, http.StatusServiceUnavailable, msg)
}

// writeTransportError answers failures inside confighttp, such as a body that
// cannot be decompressed.
func (r *webhookReceiver) writeTransportError(w http.ResponseWriter, req *http.Request, msg string, status int) {
	writeError(w, parseContentType(req.Header.Get("Content-Type")), status, "decoding Content-Encoding "+
		req.Header.Get("Content-Encoding")+": "+msg)
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
