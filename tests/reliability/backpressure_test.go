package reliability

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/memorylimiterprocessor"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

const mib = 1 << 20

// TestMemoryLimiterBackpressure runs the webhook receiver in front of the
// real memory_limiter processor, with a limit set just above the test
// process's current heap. While memory is held above the limit, every
// delivery is answered 503 with Retry-After, counted as refused, and nothing
// of it reaches the sink; once the memory is released, the refused
// deliveries are sent again and accepted, and the sink holds every span sent,
// once.
func TestMemoryLimiterBackpressure(t *testing.T) {
	const perBatch = 20
	sink := new(consumertest.TracesSink)

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := uint32(ms.Alloc / mib)
	// Soft limit (limit - spike) 128 MiB above the heap now, hard limit
	// 256 MiB above: a 200 MiB ballast sits between the two, so the limiter
	// refuses without forcing GC on every check.
	mf := memorylimiterprocessor.NewFactory()
	mcfg := mf.CreateDefaultConfig().(*memorylimiterprocessor.Config)
	mcfg.CheckInterval = 20 * time.Millisecond
	mcfg.MemoryLimitMiB = base + 256
	mcfg.MemorySpikeLimitMiB = 128
	require.NoError(t, mcfg.Validate())
	limiter, err := mf.CreateTraces(context.Background(), processor.Settings{
		ID:                component.NewID(mf.Type()),
		TelemetrySettings: componenttest.NewNopTelemetrySettings(),
		BuildInfo:         component.NewDefaultBuildInfo(),
	}, mcfg, sink)
	require.NoError(t, err)
	require.NoError(t, limiter.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, limiter.Shutdown(context.Background())) })

	rcv := startInProcessReceiver(t, nil, limiter, nil)
	post := func(body []byte) (int, string, string) {
		req, err := http.NewRequest(http.MethodPost, rcv.url(), bytesReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b := readAll(t, resp)
		return resp.StatusCode, resp.Header.Get("Retry-After"), b
	}

	var sent, acceptedFirstTry []spanKey
	batch := byte(0)
	next := func() ([]byte, []spanKey) {
		body, keys := spanBatch(t, 3, batch, perBatch)
		batch++
		sent = append(sent, keys...)
		return body, keys
	}

	// No pressure: accepted.
	for range 5 {
		body, keys := next()
		status, _, msg := post(body)
		require.Equal(t, http.StatusOK, status, msg)
		acceptedFirstTry = append(acceptedFirstTry, keys...)
	}

	// Pressure: hold memory above the soft limit until the limiter refuses.
	ballast := make([]byte, 200*mib)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	type refusal struct {
		body []byte
		keys []spanKey
	}
	var refused []refusal
	require.Eventually(t, func() bool {
		body, keys := next()
		status, retryAfter, msg := post(body)
		if status == http.StatusOK {
			// The limiter has not measured the ballast yet.
			acceptedFirstTry = append(acceptedFirstTry, keys...)
			return false
		}
		require.Equal(t, http.StatusServiceUnavailable, status, msg)
		require.Equal(t, "5", retryAfter)
		require.Contains(t, msg, "data refused due to high memory usage")
		refused = append(refused, refusal{body, keys})
		return true
	}, 30*time.Second, 20*time.Millisecond, "the memory limiter refuses while the ballast is held")
	for range 9 {
		body, keys := next()
		status, retryAfter, msg := post(body)
		require.Equal(t, http.StatusServiceUnavailable, status, msg)
		require.Equal(t, "5", retryAfter)
		require.Contains(t, msg, `"code":14`)
		refused = append(refused, refusal{body, keys})
	}
	refusedSpans := len(refused) * perBatch
	require.Equal(t, len(acceptedFirstTry), sink.SpanCount(), "refused spans never reach the sink")
	require.Equal(t, int64(refusedSpans), rcv.counter("otelcol_receiver_refused_spans"))
	require.Equal(t, int64(len(acceptedFirstTry)), rcv.counter("otelcol_receiver_accepted_spans"))
	runtime.KeepAlive(ballast)

	// Pressure ends: the senders' retries are accepted.
	ballast = nil
	runtime.GC()
	retries := 0
	for _, r := range refused {
		require.Eventually(t, func() bool {
			retries++
			status, _, _ := post(r.body)
			return status == http.StatusOK
		}, 30*time.Second, 20*time.Millisecond, "a refused delivery is accepted once memory is released")
	}

	require.Equal(t, len(sent), len(acceptedFirstTry)+refusedSpans, "accepted + refused-then-retried = sent")
	got := map[spanKey]int{}
	for _, s := range harness.SpansIn(sink.AllTraces()) {
		got[keyOf(s)]++
	}
	requireExactlyOnce(t, sent, got)
	require.Equal(t, int64(len(sent)), rcv.counter("otelcol_receiver_accepted_spans"))
	refusedTotal := rcv.counter("otelcol_receiver_refused_spans")
	require.GreaterOrEqual(t, refusedTotal, int64(refusedSpans))

	t.Logf("FIGURES backpressure: heap at start=%d MiB, limit=%d MiB, spike=%d MiB, ballast=200 MiB; spans sent=%d, "+
		"accepted at once=%d, refused with 503=%d (%d requests), accepted on retry=%d (%d retry requests), "+
		"in the sink=%d, refused_spans counter=%d, accepted_spans counter=%d",
		base, mcfg.MemoryLimitMiB, mcfg.MemorySpikeLimitMiB, len(sent), len(acceptedFirstTry), refusedSpans, len(refused),
		refusedSpans, retries, len(got), refusedTotal, rcv.counter("otelcol_receiver_accepted_spans"))
}
