package webhookexporter

import (
	"net"
	"net/http"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

func TestRetryableStatusIsRetriedWithSameDeliveryID(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusOK))
	cfg := testConfig(srv.URL)
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp := startExporter(t, cfg, nopSettings())

	td := testTraces(1, 1, 2)
	require.NoError(t, exp.ConsumeTraces(t.Context(), td))

	reqs := srv.requests()
	require.Len(t, reqs, 3, "503 and 502 are retried until the 200")
	id := reqs[0].Header.Get(signature.HeaderWebhookID)
	require.NotEmpty(t, id)
	assert.Equal(t, signature.DeliveryID(reqs[0].Body), id)
	wh, err := standardwebhooks.NewWebhook(testStandardSecret)
	require.NoError(t, err)
	for i, r := range reqs {
		assert.Equal(t, id, r.Header.Get(signature.HeaderWebhookID), "attempt %d carries the same webhook-id", i)
		assert.Equal(t, reqs[0].Body, r.Body, "attempt %d carries the same body", i)
		assert.NoError(t, wh.Verify(r.Body, r.Header), "attempt %d is signed", i)
	}
}

func TestRetriesGiveUpAfterMaxElapsedTime(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusServiceUnavailable))
	cfg := testConfig(srv.URL)
	cfg.RetryConfig.MaxElapsedTime = 100 * time.Millisecond
	exp := startExporter(t, cfg, nopSettings())
	err := exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "503 Service Unavailable")
	assert.GreaterOrEqual(t, srv.count(), 2)
}

func TestRetryAfterSeconds(t *testing.T) {
	srv := newTestServer(t, func(i int, _ recordedRequest, w http.ResponseWriter) {
		if i == 0 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	exp := startExporter(t, testConfig(srv.URL), nopSettings())
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))

	reqs := srv.requests()
	require.Len(t, reqs, 2)
	// The back-off alone is a few milliseconds: the gap shows Retry-After.
	assert.GreaterOrEqual(t, reqs[1].At.Sub(reqs[0].At), time.Second)
}

func TestRetryAfterHTTPDate(t *testing.T) {
	var retryAt time.Time
	srv := newTestServer(t, func(i int, req recordedRequest, w http.ResponseWriter) {
		if i == 0 {
			// HTTP-dates have whole seconds: the date lies 1 to 2 s ahead.
			retryAt = req.At.Add(2 * time.Second).Truncate(time.Second)
			w.Header().Set("Retry-After", retryAt.UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	exp := startExporter(t, testConfig(srv.URL), nopSettings())
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))

	reqs := srv.requests()
	require.Len(t, reqs, 2)
	require.GreaterOrEqual(t, retryAt.Sub(reqs[0].At), time.Second)
	assert.False(t, reqs[1].At.Before(retryAt), "retried at %s, before the requested %s", reqs[1].At, retryAt)
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(30 * time.Second).Format(time.RFC850), 30 * time.Second, true},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.value != "" {
			h.Set("Retry-After", tt.value)
		}
		got, ok := retryAfter(h, now)
		assert.Equal(t, tt.ok, ok, tt.value)
		assert.Equal(t, tt.want, got, tt.value)
	}
}

func TestRetryableStatusesOverride(t *testing.T) {
	t.Run("500 retried", func(t *testing.T) {
		srv := newTestServer(t, statuses(http.StatusInternalServerError, http.StatusOK))
		cfg := testConfig(srv.URL)
		cfg.RetryableStatuses = []int{http.StatusInternalServerError}
		exp := startExporter(t, cfg, nopSettings())
		require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))
		assert.Equal(t, 2, srv.count())
	})
	t.Run("503 no longer retried", func(t *testing.T) {
		srv := newTestServer(t, statuses(http.StatusServiceUnavailable, http.StatusOK))
		cfg := testConfig(srv.URL)
		cfg.RetryableStatuses = []int{http.StatusInternalServerError}
		exp := startExporter(t, cfg, nopSettings())
		err := exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
		require.Error(t, err)
		assert.True(t, consumererror.IsPermanent(err))
		assert.Equal(t, 1, srv.count())
	})
}

func TestNetworkErrorIsRetried(t *testing.T) {
	// Nothing listens on a closed listener's port, then a server does.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	cfg := testConfig("http://" + addr + "/hook")
	cfg.RetryConfig.MaxElapsedTime = 150 * time.Millisecond
	exp := startExporter(t, cfg, nopSettings())
	err = exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), "a network error is retryable: %v", err)
	assert.Contains(t, err.Error(), "no more retries left")
	assert.Contains(t, err.Error(), addr)
}

func TestTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	srv := newTestServer(t, func(i int, _ recordedRequest, w http.ResponseWriter) {
		if i == 0 {
			<-release
		}
		w.WriteHeader(http.StatusOK)
	})
	cfg := testConfig(srv.URL)
	cfg.ClientConfig.Timeout = 100 * time.Millisecond
	exp := startExporter(t, cfg, nopSettings())
	err := exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
	close(release)
	require.NoError(t, err, "the request that timed out is retried")
	assert.Equal(t, 2, srv.count())
}
