package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"net/http"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// startOp and endOp report a push into the pipeline of signal through the
// receiver's obsreport (accepted and refused spans or log records).
func (r *webhookReceiver) startOp(ctx context.Context, signal pipeline.Signal) context.Context {
	if signal == pipeline.SignalTraces {
		return r.obsrecv.StartTracesOp(ctx)
	}
	return r.obsrecv.StartLogsOp(ctx)
}

func (r *webhookReceiver) endOp(ctx context.Context, signal pipeline.Signal, format bodyFormat, n int, err error) {
	if signal == pipeline.SignalTraces {
		r.obsrecv.EndTracesOp(ctx, format.String(), n, err)
		return
	}
	r.obsrecv.EndLogsOp(ctx, format.String(), n, err)
}

// consume pushes the batch into its pipeline.
func (r *webhookReceiver) consume(ctx context.Context, b *batch) error {
	if b.signal == pipeline.SignalTraces {
		return r.nextTraces.ConsumeTraces(ctx, b.traces)
	}
	return r.nextLogs.ConsumeLogs(ctx, b.logs)
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

// writeTransportError answers failures inside confighttp: a request its
// auth extension refused (401), or a body that cannot be decompressed.
func (r *webhookReceiver) writeTransportError(w http.ResponseWriter, req *http.Request, msg string, status int) {
	if c := r.console.Load(); c != nil {
		a := c.recordAnswer(r, w, req)
		defer a.finish()
		w = a
	}
	if status == http.StatusUnauthorized {
		msg = "authentication failed: " + msg
	} else {
		msg = "decoding Content-Encoding " + req.Header.Get("Content-Encoding") + ": " + msg
	}
	writeError(w, parseContentType(req.Header.Get("Content-Type")), status, msg)
}
