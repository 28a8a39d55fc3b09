package reliability

import (
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// dedupCollector is a collector whose webhook receiver keeps its dedup
// state in a backend, writing what it forwards to a file.
type dedupCollector struct {
	*harness.Collector
	port, metricsPort int
	file              string
}

func (c *dedupCollector) url() string { return fmt.Sprintf("http://127.0.0.1:%d/v1/traces", c.port) }

// dedupConfig is the config of a dedupCollector; dedup is the receiver's
// dedup section and extensions the collector's extensions section.
func dedupConfig(port, metricsPort int, dedup, extensions, extensionIDs string) string {
	return fmt.Sprintf(`
extensions:%s
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    dedup:%s
exporters:
  file:
    path: {{dir}}/traces.jsonl
    append: true # a restarted collector adds to the file
    flush_interval: 100ms
service:
  extensions: [%s]%s
  pipelines:
    traces:
      receivers: [webhook]
      exporters: [file]
`, extensions, port, dedup, extensionIDs, telemetryYAML(metricsPort))
}

func startDedupCollector(t *testing.T, dir, dedup, extensions, extensionIDs string) *dedupCollector {
	t.Helper()
	c := &dedupCollector{port: harness.FreePort(t), metricsPort: harness.FreePort(t)}
	c.Collector = harness.StartCollectorIn(t, dir, dedupConfig(c.port, c.metricsPort, dedup, extensions, extensionIDs))
	c.file = dir + "/traces.jsonl"
	return c
}

// redisDedup keeps the dedup state in the Redis at addr, under prefix:
// collectors with the same prefix share it.
func redisDedup(addr, prefix, onError string) string {
	return fmt.Sprintf(`
      backend: redis
      on_error: %s
      redis:
        endpoint: %s
        key_prefix: "%s:"
        timeout: 500ms
        max_retries: -1`, onError, addr, prefix)
}

// post sends a delivery with its webhook-id and returns the status.
func post(t *testing.T, url, id string, body []byte) int {
	t.Helper()
	status, _ := harness.Post(t, http.MethodPost, url, "application/json", body, "webhook-id", id)
	return status
}

// deliver sends a delivery until it is accepted, as a sender that retries
// every non-2xx does, and returns how many attempts it took.
func deliver(t *testing.T, url, id string, body []byte) int {
	t.Helper()
	for attempt := 1; ; attempt++ {
		status := post(t, url, id, body)
		if status == http.StatusOK {
			return attempt
		}
		require.Equal(t, http.StatusServiceUnavailable, status, "only a retryable refusal is expected")
		require.Less(t, attempt, 200, "delivery %s never accepted", id)
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDedupStorageSurvivesSIGKILL: with dedup::backend storage on
// file_storage, a collector killed with SIGKILL and restarted on the same
// directory still knows the deliveries and spans it accepted before.
func TestDedupStorageSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	const extensions = `
  file_storage/dedup:
    directory: {{dir}}/dedup
    create_directory: true`
	const dedup = `
      backend: storage
      storage: file_storage/dedup`
	a := startDedupCollector(t, dir, dedup, extensions, "file_storage/dedup")
	first, firstKeys := spanBatch(t, 0xd1, 1, 5)
	second, secondKeys := spanBatch(t, 0xd1, 2, 5)
	require.Equal(t, http.StatusOK, post(t, a.url(), "msg_kill_1", first))
	require.Equal(t, http.StatusOK, post(t, a.url(), "msg_kill_2", second))
	harness.WaitForSpans(t, a.file, 10)

	a.Stop(syscall.SIGKILL)
	require.True(t, a.Exited())
	b := startDedupCollector(t, dir, dedup, extensions, "file_storage/dedup")

	// The same delivery again, and its spans under a new delivery id.
	require.Equal(t, http.StatusOK, post(t, b.url(), "msg_kill_1", first))
	require.Equal(t, http.StatusOK, post(t, b.url(), "msg_kill_3", second))
	marker, markerKeys := spanBatch(t, 0xd1, 3, 1)
	require.Equal(t, http.StatusOK, post(t, b.url(), "msg_kill_4", marker))
	harness.WaitForSpans(t, b.file, 11)

	got := countSpans(t, b.file)
	requireExactlyOnce(t, append(append(firstKeys, secondKeys...), markerKeys...), got)
	dupDeliveries := mustMetric(t, b.metricsPort, "otelcol_receiver_webhook_duplicate_deliveries")
	dupSpans := mustMetric(t, b.metricsPort, "otelcol_receiver_webhook_duplicate_spans")
	require.Equal(t, 1.0, dupDeliveries)
	require.Equal(t, 5.0, dupSpans)
	hits := mustMetric(t, b.metricsPort, "otelcol_receiver_webhook_dedup_hits", "backend", "storage")
	require.Positive(t, hits, "the restarted collector found them in storage")
	t.Logf("FIGURES dedup storage: 10 spans in 2 deliveries accepted, SIGKILL, restart on the same file_storage; "+
		"redelivered: 1 delivery (same webhook-id) and 5 spans (new webhook-id), all dropped (duplicate_deliveries=%.0f, "+
		"duplicate_spans=%.0f, storage hits=%.0f); forwarded after the restart: 1 new span; every span once in the file", dupDeliveries, dupSpans, hits)
}

// TestDedupRedisAcrossCollectors: two collectors sharing one Redis get the
// same deliveries, one after the other and at the same instant, round after
// round; every span is forwarded once in total.
func TestDedupRedisAcrossCollectors(t *testing.T) {
	const rounds = 40
	r := harness.StartRedis(t)
	a := startDedupCollector(t, t.TempDir(), redisDedup(r.Addr, "gateway", "accept"), "", "")
	b := startDedupCollector(t, t.TempDir(), redisDedup(r.Addr, "gateway", "accept"), "", "")

	var want []spanKey
	attempts := 0
	for round := range rounds {
		// In turn: A first, then B.
		body, keys := spanBatch(t, 0xd2, byte(round), 3)
		want = append(want, keys...)
		id := fmt.Sprintf("msg_turn_%d", round)
		attempts += deliver(t, a.url(), id, body)
		attempts += deliver(t, b.url(), id, body)

		// At the same instant: both copies race.
		body, keys = spanBatch(t, 0xd3, byte(round), 3)
		want = append(want, keys...)
		id = fmt.Sprintf("msg_race_%d", round)
		start := make(chan struct{})
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, c := range []*dedupCollector{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				counts[i] = deliver(t, c.url(), id, body)
			}()
		}
		close(start)
		wg.Wait()
		attempts += counts[0] + counts[1]
	}
	marker, markerKeys := spanBatch(t, 0xd4, 0, 1)
	require.Equal(t, http.StatusOK, post(t, a.url(), "msg_marker_a", marker))
	require.Equal(t, http.StatusOK, post(t, b.url(), "msg_marker_a", marker))
	want = append(want, markerKeys...)
	total := len(want)
	require.Eventually(t, func() bool {
		return len(countSpans(t, a.file))+len(countSpans(t, b.file)) >= total
	}, 30*time.Second, 100*time.Millisecond)

	got := countSpans(t, a.file)
	for k, n := range countSpans(t, b.file) {
		got[k] += n
	}
	requireExactlyOnce(t, want, got)
	dup := mustMetric(t, a.metricsPort, "otelcol_receiver_webhook_duplicate_deliveries") +
		mustMetric(t, b.metricsPort, "otelcol_receiver_webhook_duplicate_deliveries")
	require.Equal(t, float64(2*rounds+1), dup, "every second copy was dropped as a duplicate delivery")
	t.Logf("FIGURES dedup redis replicas: %d rounds, each one delivery in turn and one raced at the same instant "+
		"(%d deliveries, %d copies, %d HTTP attempts incl. 503 retries of a copy in flight); %d spans, each forwarded once "+
		"across the two collectors; duplicate_deliveries=%.0f", rounds, 2*rounds+1, 2*(2*rounds+1), attempts+2, total, dup)
}

// TestDedupRedisOutage stops Redis mid-run: on_error accept forwards every
// delivery and counts the errors, on_error retry answers 503 and loses
// nothing; both deduplicate again once Redis is back.
func TestDedupRedisOutage(t *testing.T) {
	r := harness.StartRedis(t)
	// Two deployments on one Redis, apart by their key prefix.
	accept := startDedupCollector(t, t.TempDir(), redisDedup(r.Addr, "accept", "accept"), "", "")
	retry := startDedupCollector(t, t.TempDir(), redisDedup(r.Addr, "retry", "retry"), "", "")

	before, beforeKeys := spanBatch(t, 0xd5, 0, 2)
	for _, c := range []*dedupCollector{accept, retry} {
		require.Equal(t, http.StatusOK, post(t, c.url(), "msg_outage_0", before))
	}
	r.Stop()

	// accept: every delivery forwarded while Redis is down.
	var acceptWant []spanKey
	acceptWant = append(acceptWant, beforeKeys...)
	for i := 1; i <= 5; i++ {
		body, keys := spanBatch(t, 0xd6, byte(i), 2)
		acceptWant = append(acceptWant, keys...)
		require.Equal(t, http.StatusOK, post(t, accept.url(), fmt.Sprintf("msg_outage_a%d", i), body))
	}
	errorsDuring := mustMetric(t, accept.metricsPort, "otelcol_receiver_webhook_dedup_errors", "backend", "redis")
	require.GreaterOrEqual(t, errorsDuring, 5.0)

	// retry: 503 with Retry-After while Redis is down; nothing forwarded.
	down, downKeys := spanBatch(t, 0xd7, 1, 2)
	status, body := harness.Post(t, http.MethodPost, retry.url(), "application/json", down, "webhook-id", "msg_outage_r1")
	require.Equal(t, http.StatusServiceUnavailable, status, body)
	refused := 1
	for range 3 {
		require.Equal(t, http.StatusServiceUnavailable, post(t, retry.url(), "msg_outage_r1", down))
		refused++
	}

	r.Restart()
	// The sender's retries go through once Redis is back.
	attempts := deliver(t, retry.url(), "msg_outage_r1", down)
	// Dedup works again in both: repeats are dropped.
	require.Equal(t, http.StatusOK, post(t, retry.url(), "msg_outage_r1", down))
	again, againKeys := spanBatch(t, 0xd8, 1, 2)
	require.Equal(t, http.StatusOK, post(t, accept.url(), "msg_outage_a9", again))
	require.Eventually(t, func() bool {
		return post(t, accept.url(), "msg_outage_a9", again) == http.StatusOK &&
			mustMetric(t, accept.metricsPort, "otelcol_receiver_webhook_duplicate_deliveries") >= 1
	}, 10*time.Second, 100*time.Millisecond)
	acceptWant = append(acceptWant, againKeys...)

	harness.WaitForSpans(t, accept.file, len(acceptWant))
	harness.WaitForSpans(t, retry.file, len(beforeKeys)+len(downKeys))
	requireExactlyOnce(t, acceptWant, countSpans(t, accept.file))
	requireExactlyOnce(t, append(beforeKeys, downKeys...), countSpans(t, retry.file))
	t.Logf("FIGURES dedup redis outage: accept: 5 deliveries (10 spans) while Redis was down, all forwarded (dedup_errors=%.0f), "+
		"a repeat after Redis returned dropped; retry: %d attempts answered 503 + Retry-After while down, accepted on attempt %d "+
		"after Redis returned, a repeat then dropped; nothing lost, nothing duplicated", errorsDuring, refused, attempts)
}
