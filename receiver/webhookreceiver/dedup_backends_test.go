package webhookreceiver

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// withRedis puts the dedup state in the Redis at addr, with a policy.
func withRedis(addr string, onError dedup.OnError) func(*Config) {
	return func(c *Config) {
		d := c.Dedup.Get()
		d.Backend = dedup.BackendRedis
		d.Redis.Endpoint = addr
		d.Redis.Timeout = 500 * time.Millisecond
		d.Redis.MaxRetries = -1
		d.OnError = onError
	}
}

// TestRedisDedupAcrossReceivers: two receivers (two replicas) sharing one
// Redis forward a delivery, its spans and OpenRouter events once, whichever
// gets the copy.
func TestRedisDedupAcrossReceivers(t *testing.T) {
	r := harness.StartRedis(t)
	modify := func(c *Config) {
		withRedis(r.Addr, dedup.OnErrorAccept)(c)
		withEvents(c)
	}
	a, b := startBoth(t, modify), startBoth(t, modify)

	body := tracesJSON(t, [2]string{traceA, spanA}, [2]string{traceA, spanB})
	require.Equal(t, http.StatusOK, a.postJSON(body, "webhook-id", "msg_replicas_1").status)
	resp := b.postJSON(body, "webhook-id", "msg_replicas_1")
	require.Equal(t, http.StatusOK, resp.status)
	assert.Len(t, a.spans(), 2)
	assert.Empty(t, b.spans(), "the other replica knows the delivery")
	assert.Equal(t, int64(1), b.counter(metricDupDeliveries, "sender", "otlp"))

	// A new delivery id with a span the other replica accepted.
	resp = b.postJSON(tracesJSON(t, [2]string{traceA, spanB}, [2]string{traceB, spanA}), "webhook-id", "msg_replicas_2")
	require.Equal(t, http.StatusOK, resp.status)
	require.Len(t, b.spans(), 1)
	assert.Equal(t, traceB, b.spans()[0].TraceID().String())

	event := readEvents(t, "credit_low_balance.json")
	require.Equal(t, http.StatusOK, b.postEvent(event).status)
	resp = a.postEvent(event)
	require.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)
	assert.Len(t, a.records(), 0)
	assert.Len(t, b.records(), 1)
	assert.Positive(t, a.counter("otelcol_receiver_webhook_dedup_hits", "backend", "redis"))
}

// TestRedisDownPolicies: with on_error: retry the receiver answers 503 and
// keeps nothing while Redis is down, and accepts again once it is back; with
// accept it forwards and counts the errors.
func TestRedisDownPolicies(t *testing.T) {
	r := harness.StartRedis(t)
	retry := startReceiver(t, withRedis(r.Addr, dedup.OnErrorRetry), nil)
	accept := startReceiver(t, withRedis(r.Addr, dedup.OnErrorAccept), nil)
	r.Stop()

	body := tracesJSON(t, [2]string{traceA, spanA})
	resp := retry.postJSON(body, "webhook-id", "msg_down_1")
	require.Equal(t, http.StatusServiceUnavailable, resp.status)
	assert.Equal(t, "5", resp.header.Get("Retry-After"))
	assert.Contains(t, gjson(t, resp.body, "message"), "deduplication is unavailable, retry later: dedup backend unavailable")
	assert.Empty(t, retry.spans())

	resp = accept.postJSON(body, "webhook-id", "msg_down_1")
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Len(t, accept.spans(), 1, "forwarded: nothing is lost, a duplicate is possible")
	assert.Positive(t, accept.counter("otelcol_receiver_webhook_dedup_errors", "backend", "redis"))

	r.Restart()
	require.Eventually(t, func() bool {
		return retry.postJSON(body, "webhook-id", "msg_down_1").status == http.StatusOK
	}, 10*time.Second, 100*time.Millisecond, "the retry is accepted once Redis is back")
	assert.Len(t, retry.spans(), 1)
	resp = retry.postJSON(body, "webhook-id", "msg_down_1")
	require.Equal(t, http.StatusOK, resp.status)
	assert.Len(t, retry.spans(), 1, "and dedup works again")
}
