package webhookexporter

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadatatest"
	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

func outcomePoint(v int64, outcome string) metricdata.DataPoint[int64] {
	return metricdata.DataPoint[int64]{Value: v, Attributes: attribute.NewSet(attribute.String("outcome", outcome))}
}

func TestDeliveryTelemetry(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusServiceUnavailable, http.StatusOK, http.StatusUnauthorized, http.StatusOK))
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	clock := delivery.NewFakeClock(deliveryT0)
	exp, e := newDeliveryExporterWith(t, deliveryConfig(srv.URL), metadatatest.NewSettings(tt), componenttest.NewNopHost(), clock)
	defer func() { require.NoError(t, exp.Shutdown(context.Background())) }()

	for n := range 3 {
		require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, n+1)))
	}
	waitStatus(t, e, 1, 1)
	opts := []metricdatatest.Option{metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars()}
	metadatatest.AssertEqualExporterWebhookDeliveries(t, tt, []metricdata.DataPoint[int64]{
		outcomePoint(1, "delivered"), outcomePoint(1, "scheduled"), outcomePoint(1, "dead_lettered"),
	}, opts...)
	metadatatest.AssertEqualExporterWebhookDeliveryAttempts(t, tt, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("status_class", "2xx"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("status_class", "4xx"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("status_class", "5xx"))},
	}, opts...)
	metadatatest.AssertEqualExporterWebhookDeliveriesScheduled(t, tt, []metricdata.DataPoint[int64]{{Value: 1}}, opts...)
	metadatatest.AssertEqualExporterWebhookDeadLetters(t, tt, []metricdata.DataPoint[int64]{{Value: 1}}, opts...)
	metadatatest.AssertEqualExporterWebhookEndpointState(t, tt, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("state", "active"))},
		{Value: 0, Attributes: attribute.NewSet(attribute.String("state", "circuit_open"))},
		{Value: 0, Attributes: attribute.NewSet(attribute.String("state", "disabled"))},
	}, opts...)

	dead := e.delivery.List(console.Filter{State: console.DeliveryDead})
	require.NoError(t, e.delivery.Replay(t.Context(), dead[0].ID))
	advanceWhenWaiting(t, clock, 12*time.Second)
	waitStatus(t, e, 0, 0)
	metadatatest.AssertEqualExporterWebhookDeliveries(t, tt, []metricdata.DataPoint[int64]{
		outcomePoint(3, "delivered"), outcomePoint(1, "scheduled"), outcomePoint(1, "dead_lettered"), outcomePoint(1, "replayed"),
	}, opts...)
}

// Each chunk of a split batch is a delivery of its own: one that fails is
// scheduled with its items while the others are delivered.
func TestDeliverySplitChunksAreDeliveries(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK, http.StatusServiceUnavailable, http.StatusOK))
	cfg := deliveryConfig(srv.URL)
	// A limit that one span fits and two do not.
	enc, err := newEncoder(cfg)
	require.NoError(t, err)
	items := encoding.NewTraces(testTraces(1, 1, 3))
	batch := enc.Traces(items)
	maxOne := 0
	for i := range 3 {
		body, err := batch.Encode(i, i+1)
		require.NoError(t, err)
		maxOne = max(maxOne, len(body))
	}
	two, err := batch.Encode(0, 2)
	require.NoError(t, err)
	require.Less(t, maxOne, len(two))
	cfg.MaxRequestBodySize = maxOne
	exp, e := startDeliveryExporter(t, cfg, componenttest.NewNopHost(), delivery.NewFakeClock(deliveryT0))
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 3)))
	assert.Equal(t, 3, srv.count(), "one request per span, the failed one not blocking the third")
	waitStatus(t, e, 1, 0)
	d := e.delivery.List(console.Filter{})[0]
	assert.Equal(t, 1, d.Items)
	body, _, err := e.delivery.Body(t.Context(), d.ID)
	require.NoError(t, err)
	assert.Equal(t, srv.requests()[1].Body, body)
}
