package reliability

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestCrashAndRestart fills collector A's persistent queue while the
// endpoint is down, lets the endpoint take the deliveries in flight to
// collector B without ever answering, kills A with SIGKILL, and restarts it
// on the same directory. Every span arrives in B's file exactly once: the
// deliveries that were in flight at the kill are sent again after the
// restart with the same webhook-id, and B drops them as duplicates.
func TestCrashAndRestart(t *testing.T) {
	const (
		batches, perBatch = 30, 10 // 300 spans
		consumers         = 4
	)
	b := startReceivingCollector(t)
	s := newSink(t, b.url())
	otlpPort, aMetrics := harness.FreePort(t), harness.FreePort(t)
	dir := t.TempDir()
	// A long timeout: the deliveries held by the endpoint stay in flight
	// until the kill.
	config := exportingConfig(otlpPort, aMetrics, s.url(), consumers, time.Minute)
	a := harness.StartCollectorIn(t, dir, config)

	sent := sendBatches(t, otlpPort, 2, batches, perBatch)
	var queued, failures float64
	require.Eventually(t, func() bool {
		var err1, err2 error
		queued, err1 = metric(aMetrics, "otelcol_exporter_queue_size", "exporter", "webhook")
		failures, err2 = metric(aMetrics, "otelcol_exporter_webhook_responses", "status_class", "error")
		return err1 == nil && err2 == nil && queued > 0 && failures >= consumers
	}, 30*time.Second, 50*time.Millisecond, "deliveries wait in the queue while the endpoint is down")

	// The endpoint comes up and takes one delivery per consumer to B, but
	// never answers.
	hang := make([]sinkStep, consumers)
	for i := range hang {
		hang[i] = sinkStep{forward: true, hang: true}
	}
	s.up(hang...)
	require.Eventually(t, func() bool { return len(s.requests()) == consumers },
		30*time.Second, 20*time.Millisecond, "every consumer of A has a delivery held by the endpoint")
	for _, r := range s.requests() {
		require.Equal(t, 200, r.targetStatus, "B accepted the held delivery")
	}

	a.Stop(syscall.SIGKILL)
	require.True(t, a.Exited())
	s.setScript() // forward everything from now on

	a2 := harness.StartCollectorIn(t, dir, config)
	require.Eventually(t, func() bool {
		v, err := metric(aMetrics, "otelcol_exporter_sent_spans", "exporter", "webhook")
		return err == nil && int(v) == len(sent)
	}, 60*time.Second, 100*time.Millisecond, "the restarted A delivers everything it had queued")
	harness.WaitForSpans(t, b.file, len(sent))
	time.Sleep(300 * time.Millisecond)

	got := countSpans(t, b.file)
	requireExactlyOnce(t, sent, got)
	f := figures(t, s.requests())
	for _, k := range sent {
		require.Equal(t, 1, f.idsPerSpan[k], "the delivery replayed after the restart has the same webhook-id")
	}
	require.Equal(t, batches, f.accepted)
	require.Equal(t, consumers, f.redelivered, "exactly the deliveries in flight at the kill were sent twice")
	dup := mustMetric(t, b.metricsPort, "otelcol_receiver_webhook_duplicate_deliveries")
	require.Equal(t, float64(consumers), dup, "B dropped each of them by its webhook-id")
	require.Zero(t, mustMetric(t, aMetrics, "otelcol_exporter_send_failed_spans", "exporter", "webhook"))
	require.False(t, a2.Exited())

	t.Logf("FIGURES crash: spans sent=%d in %d requests; queue size before the kill=%d requests (%d of them held by the endpoint, "+
		"already accepted by B), failed attempts before the kill=%.0f; after the restart delivered=%d (distinct), "+
		"deliveries sent twice=%d (%d spans), dropped by B's dedup=%.0f, duplicated in B=0",
		len(sent), batches, int(queued), consumers, failures, len(got), f.redelivered, f.redelivered*perBatch, dup)
}
