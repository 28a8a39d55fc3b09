package webhookexporter

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"
)

type testReceiver struct {
	url, logsURL string
	sink         *consumertest.TracesSink
	logs         *consumertest.LogsSink
	telemetry    *componenttest.Telemetry
}

// startReceiver starts our webhook receiver on a loopback port chosen by the
// system, verifying standard_webhooks signatures made with secret.
func startReceiver(t *testing.T, secret string) *testReceiver {
	t.Helper()
	f := webhookreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*webhookreceiver.Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	sig := cfg.Signature.GetOrInsertDefault()
	sig.Scheme = signature.SchemeStandardWebhooks
	sig.Secrets = []configopaque.String{configopaque.String(secret)}

	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { assert.NoError(t, tt.Shutdown(context.Background())) })
	core, logs := observer.New(zapcore.InfoLevel)
	set := receivertest.NewNopSettings(f.Type())
	set.TelemetrySettings = tt.NewTelemetrySettings()
	set.Logger = zap.New(core)

	sink, logSink := new(consumertest.TracesSink), new(consumertest.LogsSink)
	rcv, err := f.CreateTraces(t.Context(), set, cfg, sink)
	require.NoError(t, err)
	// The same receiver, in a logs pipeline too: one server for both.
	lrcv, err := f.CreateLogs(t.Context(), set, cfg, logSink)
	require.NoError(t, err)
	require.NoError(t, rcv.Start(t.Context(), componenttest.NewNopHost()))
	require.NoError(t, lrcv.Start(t.Context(), componenttest.NewNopHost()))
	t.Cleanup(func() { assert.NoError(t, rcv.Shutdown(context.Background())) })

	// The receiver logs the address it listens on.
	var addr string
	for _, entry := range logs.All() {
		if ep, ok := entry.ContextMap()["endpoint"].(string); ok && ep != "" {
			addr = ep
		}
	}
	require.NotEmpty(t, addr, "the receiver logs its listening endpoint")
	return &testReceiver{url: "http://" + addr + cfg.Path, logsURL: "http://" + addr + cfg.LogsPath, sink: sink, logs: logSink, telemetry: tt}
}

func (r *testReceiver) duplicateDeliveries(t *testing.T) int64 {
	t.Helper()
	m, err := r.telemetry.GetMetric("otelcol_receiver_webhook_duplicate_deliveries")
	if err != nil {
		return 0
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok)
	var total int64
	for _, dp := range sum.DataPoints {
		total += dp.Value
	}
	return total
}

func TestRoundTripThroughWebhookReceiver(t *testing.T) {
	rcv := startReceiver(t, testStandardSecret)

	cfg := testConfig(rcv.url)
	cfg.ClientConfig.Compression = configcompression.TypeGzip
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	cfg.TestConnection = configoptional.Some(TestConnectionConfig{FailOnError: true})
	exp := startExporter(t, cfg, nopSettings())

	td := testTraces(2, 2, 3)
	input := cloneTraces(td)
	require.NoError(t, exp.ConsumeTraces(t.Context(), td))

	all := rcv.sink.AllTraces()
	require.Len(t, all, 1, "the test connection pushes nothing")
	require.NoError(t, ptracetest.CompareTraces(input, all[0]))
}

// TestRoundTripLogsThroughWebhookReceiver: logs exported as OTLP JSON,
// signed and compressed, to the receiver's logs path arrive unchanged; a
// retry after a lost answer is delivered once.
func TestRoundTripLogsThroughWebhookReceiver(t *testing.T) {
	rcv := startReceiver(t, testStandardSecret)
	cfg := testConfig(rcv.logsURL)
	cfg.ClientConfig.Compression = configcompression.TypeGzip
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	cfg.TestConnection = configoptional.Some(TestConnectionConfig{FailOnError: true})
	exp := startSignal(t, logsSignal, cfg, nopSettings())

	ld := testLogs(2, 2, 3)
	input := logsSignal.clone(ld)
	require.NoError(t, exp.consume(t.Context(), ld))
	all := rcv.logs.AllLogs()
	require.Len(t, all, 1, "the test connection pushes nothing")
	require.NoError(t, plogtest.CompareLogs(input, all[0]))
	assert.Zero(t, rcv.sink.SpanCount())

	// The answer to the first attempt is lost: the retry, with the same
	// webhook-id, is dropped by the receiver.
	proxy := newFlakyProxy(t, rcv.logsURL)
	cfg = testConfig(proxy.URL)
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp = startSignal(t, logsSignal, cfg, nopSettings())
	require.NoError(t, exp.consume(t.Context(), testLogs(1, 1, 4)))
	ids := proxy.deliveryIDs()
	require.Len(t, ids, 2)
	assert.Equal(t, ids[0], ids[1])
	require.Eventually(t, func() bool { return rcv.duplicateDeliveries(t) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, input.LogRecordCount()+4, rcv.logs.LogRecordCount(), "delivered downstream exactly once")
}

func TestRoundTripRejectedWithWrongSecret(t *testing.T) {
	rcv := startReceiver(t, testStandardSecret)
	cfg := testConfig(rcv.url)
	cfg.Signature = configoptional.Some(SignatureConfig{
		Scheme: signature.SchemeStandardWebhooks,
		Secret: "whsec_c2VjcmV0LW9mLXRoZS1wcmV2aW91cy1yb3RhdGlvbg==",
	})
	exp := startExporter(t, cfg, nopSettings())
	err := exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "401")
	assert.Zero(t, rcv.sink.SpanCount())
}

// flakyProxy forwards every request to target; it answers the first one
// with 503 after the target accepted it, as a gateway that loses the
// response would.
type flakyProxy struct {
	*httptest.Server
	mu  sync.Mutex
	ids []string
}

func newFlakyProxy(t *testing.T, target string) *flakyProxy {
	t.Helper()
	transport := &http.Transport{}
	client := &http.Client{Transport: transport}
	p := &flakyProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if !assert.NoError(t, err) {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
		if !assert.NoError(t, err) {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := client.Do(out)
		if !assert.NoError(t, err) {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		respBody, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()

		p.mu.Lock()
		p.ids = append(p.ids, r.Header.Get(signature.HeaderWebhookID))
		first := len(p.ids) == 1
		p.mu.Unlock()
		if first {
			assert.Equal(t, http.StatusOK, resp.StatusCode, "the receiver accepted the first delivery")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(respBody)
	}))
	t.Cleanup(func() {
		p.Close()
		transport.CloseIdleConnections()
	})
	return p
}

func (p *flakyProxy) deliveryIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.ids...)
}

func TestRoundTripRetryIsDeliveredOnce(t *testing.T) {
	rcv := startReceiver(t, testStandardSecret)
	proxy := newFlakyProxy(t, rcv.url)

	cfg := testConfig(proxy.URL)
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp := startExporter(t, cfg, nopSettings())

	td := testTraces(1, 1, 4)
	input := cloneTraces(td)
	require.NoError(t, exp.ConsumeTraces(t.Context(), td), "the retry succeeds")

	ids := proxy.deliveryIDs()
	require.Len(t, ids, 2, "the 503 was retried once")
	assert.Equal(t, ids[0], ids[1], "the retry carries the same webhook-id")
	require.Eventually(t, func() bool { return rcv.duplicateDeliveries(t) == 1 }, 5*time.Second, 5*time.Millisecond,
		"the receiver dropped the retry as a duplicate delivery")
	all := rcv.sink.AllTraces()
	require.Len(t, all, 1, "delivered downstream exactly once")
	require.NoError(t, ptracetest.CompareTraces(input, all[0]))
}
