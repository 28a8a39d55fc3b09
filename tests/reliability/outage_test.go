package reliability

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestEndpointOutage runs collector A (otlp receiver -> webhook exporter with
// a persistent queue, Standard Webhooks signing) against an endpoint that is
// first down (port closed), then answers 500, then 503 and 429 with
// Retry-After, then accepts deliveries but loses some answers, and finally
// forwards to collector B (webhook receiver verifying the signature, dedup
// on, file exporter). Every span sent to A arrives in B's file exactly once;
// every attempt of a delivery carries the same webhook-id, and the copies B
// had already accepted are dropped by its dedup.
func TestEndpointOutage(t *testing.T) {
	const (
		batches, perBatch = 30, 10 // 300 spans, one delivery per batch
		consumers         = 4
		refusals          = 6 // of each status
		lostAnswers       = 4
	)
	b := startReceivingCollector(t)
	s := newSink(t, b.url())
	otlpPort, aMetrics := harness.FreePort(t), harness.FreePort(t)
	harness.StartCollector(t, exportingConfig(otlpPort, aMetrics, s.url(), consumers, 5*time.Second))

	sent := sendBatches(t, otlpPort, 1, batches, perBatch)
	require.Len(t, sent, batches*perBatch)

	// Down: every attempt fails to connect and is retried.
	require.Eventually(t, func() bool {
		v, err := metric(aMetrics, "otelcol_exporter_webhook_responses", "status_class", "error")
		return err == nil && v >= 3*consumers
	}, 30*time.Second, 50*time.Millisecond, "attempts while the endpoint is down")
	require.Empty(t, harness.ReadFileExport(t, b.file), "nothing can arrive while the endpoint is down")

	var script []sinkStep
	for range refusals {
		script = append(script, sinkStep{status: http.StatusInternalServerError})
	}
	for range refusals {
		script = append(script, sinkStep{status: http.StatusServiceUnavailable, retryAfter: "1"})
	}
	for range refusals {
		script = append(script, sinkStep{status: http.StatusTooManyRequests, retryAfter: "1"})
	}
	for range lostAnswers {
		// B accepts the delivery, but A is told 503, as when a gateway
		// loses the answer: A must retry and B must drop the copy.
		script = append(script, sinkStep{forward: true, status: http.StatusServiceUnavailable, retryAfter: "1"})
	}
	s.up(script...)

	// Every delivery acknowledged to A: nothing more will be sent.
	require.Eventually(t, func() bool {
		v, err := metric(aMetrics, "otelcol_exporter_sent_spans", "exporter", "webhook")
		return err == nil && int(v) == len(sent)
	}, 60*time.Second, 100*time.Millisecond, "A acknowledged every span")
	harness.WaitForSpans(t, b.file, len(sent))
	// The file exporter flushes every 100ms; a late copy would show here.
	require.Eventually(t, func() bool {
		return mustMetric(t, b.metricsPort, "otelcol_receiver_accepted_spans", "receiver", "webhook") == float64(len(sent))
	}, 10*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond)

	got := countSpans(t, b.file)
	requireExactlyOnce(t, sent, got)

	f := figures(t, s.requests())
	for _, k := range sent {
		require.Equal(t, 1, f.idsPerSpan[k], "every attempt that carried a span carried the same webhook-id")
	}
	require.Equal(t, refusals, f.refused[http.StatusInternalServerError])
	require.Equal(t, refusals, f.refused[http.StatusServiceUnavailable])
	require.Equal(t, refusals, f.refused[http.StatusTooManyRequests])
	require.Equal(t, batches, f.accepted, "each delivery accepted by B once")
	require.GreaterOrEqual(t, f.redelivered, 1, "a delivery whose answer was lost is sent again")
	require.LessOrEqual(t, f.redelivered, lostAnswers)

	dupDeliveries := mustMetric(t, b.metricsPort, "otelcol_receiver_webhook_duplicate_deliveries")
	require.Equal(t, float64(f.redelivered), dupDeliveries, "B dropped every copy by its webhook-id")
	require.Zero(t, mustMetric(t, b.metricsPort, "otelcol_receiver_webhook_duplicate_spans"),
		"copies are caught by webhook-id before span dedup is needed")
	require.Zero(t, mustMetric(t, aMetrics, "otelcol_exporter_send_failed_spans", "exporter", "webhook"), "A dropped nothing")
	downAttempts := mustMetric(t, aMetrics, "otelcol_exporter_webhook_responses", "status_class", "error")

	t.Logf("FIGURES outage: spans sent=%d delivered=%d (distinct) duplicated in B=0; requests: connection refused=%.0f, "+
		"500=%d, 503=%d, 429=%d, accepted by B but answer lost=%d, redelivered with the same webhook-id=%d, "+
		"dropped by B's dedup=%.0f; requests at the endpoint=%d",
		len(sent), len(got), downAttempts, f.refused[500], f.refused[503], f.refused[429], lostAnswers,
		f.redelivered, dupDeliveries, f.requests)
}
