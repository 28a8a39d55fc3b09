package dedup

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadatatest"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

func backendAttr(name string) attribute.Set {
	return attribute.NewSet(attribute.String("backend", name))
}

func latencyPoints(counts map[string]uint64) []metricdata.HistogramDataPoint[float64] {
	var out []metricdata.HistogramDataPoint[float64]
	for name, n := range counts {
		out = append(out, metricdata.HistogramDataPoint[float64]{Attributes: backendAttr(name), Count: n})
	}
	return out
}

// The generated metrics, exactly: hits by the backend that answered (local
// for the cache in front of Redis), misses, errors and one latency
// observation a backend call.
func TestTelemetryRedis(t *testing.T) {
	r := harness.StartRedis(t)
	e1, e2 := newEnv(t, nil), newEnv(t, nil)
	d1 := e1.start(t, redisConfig(r), nil)
	d2 := e2.start(t, redisConfig(r), nil)
	ctx := context.Background()
	keys := spanKeys(1, 4)

	reserveKeys(t, d1, keys...)             // 4 misses, 1 call
	d1.Finish(ctx, keys[:3], true)          // 1 call
	d1.Finish(ctx, keys[3:], false)         // 1 call
	reserveKeys(t, d1, keys...)             // 3 local hits, 1 miss, 1 call
	reserveKeys(t, d2, keys[:3]...)         // 3 redis hits, 1 call
	reserveKeys(t, d2, keys[:3]...)         // 3 local hits, no call
	reserve(t, d1, "otlp:d:in-flight-here") // 1 miss, 1 call
	reserve(t, d1, "otlp:d:in-flight-here") // in flight: no hit, no miss, no call
	r.Stop()
	reserve(t, d2, "otlp:d:down") // 1 error, 1 call

	ignore := []metricdatatest.Option{metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreValue()}
	metadatatest.AssertEqualReceiverWebhookDedupMisses(t, e1.tel, []metricdata.DataPoint[int64]{
		{Attributes: backendAttr("redis"), Value: 6},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualReceiverWebhookDedupHits(t, e1.tel, []metricdata.DataPoint[int64]{
		{Attributes: backendAttr("local"), Value: 3},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualReceiverWebhookDedupLatency(t, e1.tel, latencyPoints(map[string]uint64{"redis": 5}), ignore...)
	assert.Equal(t, uint64(5), e1.calls(t, "redis"), "IgnoreValue ignores the count too")

	metadatatest.AssertEqualReceiverWebhookDedupHits(t, e2.tel, []metricdata.DataPoint[int64]{
		{Attributes: backendAttr("redis"), Value: 3},
		{Attributes: backendAttr("local"), Value: 3},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualReceiverWebhookDedupErrors(t, e2.tel, []metricdata.DataPoint[int64]{
		{Attributes: backendAttr("redis"), Value: 1},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualReceiverWebhookDedupLatency(t, e2.tel, latencyPoints(map[string]uint64{"redis": 2}), ignore...)
	assert.Equal(t, uint64(2), e2.calls(t, "redis"))
}

func TestTelemetryMemory(t *testing.T) {
	e := newEnv(t, nil)
	d := e.start(t, NewDefaultConfig(), nil)
	ctx := context.Background()
	reserve(t, d, "otlp:d:a", "otlp:d:b")
	d.Finish(ctx, K("otlp:d:a"), true)
	reserve(t, d, "otlp:d:a", "otlp:d:b")

	metadatatest.AssertEqualReceiverWebhookDedupHits(t, e.tel, []metricdata.DataPoint[int64]{
		{Attributes: backendAttr("memory"), Value: 1},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualReceiverWebhookDedupMisses(t, e.tel, []metricdata.DataPoint[int64]{
		{Attributes: backendAttr("memory"), Value: 2},
	}, metricdatatest.IgnoreTimestamp())
	_, err := e.tel.GetMetric("otelcol_receiver_webhook_dedup_latency")
	assert.Error(t, err, "memory makes no backend call to time")
}
