package webhookexporter

import (
	"context"
	"net/http"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"
	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

var deliveryT0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// deliveryConfig is testConfig in delivery mode with a short schedule.
func deliveryConfig(endpoint string) *Config {
	cfg := testConfig(endpoint)
	d := defaultDeliveryConfig()
	d.Schedule = []time.Duration{10 * time.Second, time.Minute}
	d.Concurrency = 2
	cfg.Delivery = configoptional.Some(d)
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	return cfg
}

// startDeliveryExporter builds the traces exporter as the factory does, on
// clock, and starts it with host.
func startDeliveryExporter(t *testing.T, cfg *Config, host component.Host, clock delivery.Clock) (exporter.Traces, *webhookExporter) {
	t.Helper()
	exp, e := newStoppableDeliveryExporter(t, cfg, host, clock)
	t.Cleanup(func() { assert.NoError(t, exp.Shutdown(context.Background())) })
	return exp, e
}

func waitStatus(t *testing.T, e *webhookExporter, scheduled, dead int) {
	t.Helper()
	require.Eventually(t, func() bool {
		s := e.delivery.Status()
		return s.Scheduled == scheduled && s.Dead == dead
	}, 10*time.Second, time.Millisecond, "want %d scheduled, %d dead; have %+v", scheduled, dead, e.delivery.Status())
}

func advanceWhenWaiting(t *testing.T, clock *delivery.FakeClock, d time.Duration) {
	t.Helper()
	require.Eventually(t, func() bool { return clock.Timers() > 0 }, 10*time.Second, time.Millisecond)
	clock.Advance(d)
}

// A delivery that keeps failing leaves the queue at once: the next ones go
// out while it waits, and every attempt has the same body and webhook-id,
// signed anew.
func TestDeliveryFailureLeavesTheQueue(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusServiceUnavailable, http.StatusOK))
	clock := delivery.NewFakeClock(deliveryT0)
	exp, e := startDeliveryExporter(t, deliveryConfig(srv.URL), componenttest.NewNopHost(), clock)

	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)), "a kept failure is a success for the queue")
	for range 20 {
		require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 2)))
	}
	assert.Equal(t, 21, srv.count())
	waitStatus(t, e, 1, 0)

	advanceWhenWaiting(t, clock, 12*time.Second)
	require.Eventually(t, func() bool { return srv.count() == 22 }, 10*time.Second, time.Millisecond)
	waitStatus(t, e, 0, 0)

	reqs := srv.requests()
	first, retried := reqs[0], reqs[21]
	assert.Equal(t, first.Body, retried.Body)
	assert.Equal(t, first.Header.Get("webhook-id"), retried.Header.Get("webhook-id"))
	assert.Equal(t, signature.DeliveryID(first.Body), retried.Header.Get("webhook-id"))
	wh, err := standardwebhooks.NewWebhook(testStandardSecret)
	require.NoError(t, err)
	assert.NoError(t, wh.Verify(retried.Body, retried.Header), "signed again for the retry")
}

func TestDeliveryRefusedIsDeadLetterWithRedactedHeaders(t *testing.T) {
	srv := newTestServer(t, func(_ int, _ recordedRequest, w http.ResponseWriter) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"bad token"}`))
	})
	cfg := deliveryConfig(srv.URL)
	cfg.ClientConfig.Headers.Set("Authorization", configopaque.String("Bearer very-secret-token"))
	exp, e := startDeliveryExporter(t, cfg, componenttest.NewNopHost(), delivery.NewFakeClock(deliveryT0))
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 3)))
	waitStatus(t, e, 0, 1)
	assert.Equal(t, 1, srv.count(), "a 401 is not retried")

	d := e.delivery.List(console.Filter{})[0]
	assert.Equal(t, 3, d.Items)
	assert.Equal(t, srv.requests()[0].Header.Get("webhook-id"), d.WebhookID)
	assert.Equal(t, http.StatusUnauthorized, d.Attempts[0].Status)
	assert.Equal(t, `{"error":"bad token"}`, d.Attempts[0].Response)
	assert.Equal(t, redacted, d.Headers["Authorization"])
	assert.Equal(t, redacted, d.Headers["Webhook-Signature"])
	assert.Equal(t, d.WebhookID, d.Headers["Webhook-Id"])
	body, ct, err := e.delivery.Body(t.Context(), d.ID)
	require.NoError(t, err)
	assert.Equal(t, srv.requests()[0].Body, body)
	assert.Equal(t, "application/json", ct)
}

// 410 disables the endpoint: later deliveries become dead letters without a
// request until the endpoint is enabled, and a replay then delivers them.
func TestDeliveryGoneDisablesEndpoint(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusGone, http.StatusOK))
	exp, e := startDeliveryExporter(t, deliveryConfig(srv.URL), componenttest.NewNopHost(), delivery.NewFakeClock(deliveryT0))
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 2)))
	waitStatus(t, e, 0, 2)
	assert.Equal(t, 1, srv.count())
	assert.Equal(t, console.StateDisabled, e.delivery.Status().State)

	require.NoError(t, e.delivery.Enable(t.Context()))
	assert.Equal(t, 2, e.delivery.ReplayDead(t.Context(), time.Time{}))
	require.Eventually(t, func() bool { return srv.count() == 3 }, 10*time.Second, time.Millisecond)
	waitStatus(t, e, 0, 0)
}

func TestDeliveryOffTurnsRetryOff(t *testing.T) {
	cfg := deliveryConfig("http://127.0.0.1:1/hook")
	assert.False(t, retryConfig(cfg).Enabled, "delivery turns retry_on_failure off")
	cfg.Delivery = configoptional.None[DeliveryConfig]()
	assert.True(t, retryConfig(cfg).Enabled)
}
