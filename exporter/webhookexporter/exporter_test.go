package webhookexporter

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadatatest"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

func TestSendJSONWithPOSTAndHeaders(t *testing.T) {
	allSignals(t, testSendJSONWithPOSTAndHeaders, testSendJSONWithPOSTAndHeaders, testSendJSONWithPOSTAndHeaders)
}

func testSendJSONWithPOSTAndHeaders[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := testConfig(srv.URL + "/hooks/otel?tenant=acme")
	cfg.ClientConfig.Headers = configopaque.MapList{
		{Name: "Authorization", Value: "Bearer token-123"},
		{Name: "X-Tenant", Value: "acme"},
	}
	set := nopSettings()
	set.BuildInfo.Command = "otelcol-webhook"
	set.BuildInfo.Version = "1.2.3"
	exp := startSignal(t, s, cfg, set)

	data := s.data(2, 2, 3)
	require.NoError(t, exp.consume(t.Context(), data))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	req := reqs[0]
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, "otelcol-webhook-exporter/1.2.3 (otelcol-webhook)", req.Header.Get("User-Agent"))
	assert.Equal(t, "Bearer token-123", req.Header.Get("Authorization"))
	assert.Equal(t, "acme", req.Header.Get("X-Tenant"))
	assert.Empty(t, req.Header.Get("Content-Encoding"))
	assert.Empty(t, req.Header.Get("X-Test-Connection"))

	// The body is OTLP JSON exactly as pdata writes it.
	want, err := s.marshal[EncodingJSON](data)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(req.Body))
	requireSameItems(t, s, data, decodeBodies(t, s, EncodingJSON, reqs)...)
}

func TestEndpointIsUsedAsGiven(t *testing.T) {
	var gotPath, gotQuery string
	srv := newTestServer(t, func(_ int, _ recordedRequest, w http.ResponseWriter) { w.WriteHeader(http.StatusOK) })
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.Path, r.URL.RawQuery
		w.WriteHeader(http.StatusNoContent)
	})
	exp := startExporter(t, testConfig(srv.URL+"/api/webhooks/abc"), nopSettings())
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))
	assert.Equal(t, "/api/webhooks/abc", gotPath, "no path is appended to the endpoint")
	assert.Empty(t, gotQuery)
}

func TestSendProtoWithPUT(t *testing.T) {
	allSignals(t, testSendProtoWithPUT, testSendProtoWithPUT, testSendProtoWithPUT)
}

func testSendProtoWithPUT[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusAccepted))
	cfg := testConfig(srv.URL)
	cfg.Method = MethodPut
	cfg.Encoding = EncodingProto
	exp := startSignal(t, s, cfg, nopSettings())

	data := s.data(1, 2, 2)
	require.NoError(t, exp.consume(t.Context(), data))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, "application/x-protobuf", reqs[0].Header.Get("Content-Type"))
	requireSameItems(t, s, data, decodeBodies(t, s, EncodingProto, reqs)...)
}

func TestGzipCompressionAppliesAfterSigning(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := testConfig(srv.URL)
	cfg.ClientConfig.Compression = configcompression.TypeGzip
	cfg.Signature = configoptional.Some(SignatureConfig{
		Scheme: signature.SchemeStandardWebhooks,
		Secret: testStandardSecret,
	})
	exp := startExporter(t, cfg, nopSettings())

	td := testTraces(1, 1, 20)
	require.NoError(t, exp.ConsumeTraces(t.Context(), td))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	req := reqs[0]
	assert.Equal(t, "gzip", req.Header.Get("Content-Encoding"))
	assert.NotEqual(t, req.Body, req.WireBody, "the body on the wire is compressed")
	got, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(req.Body)
	require.NoError(t, err)
	require.NoError(t, ptracetest.CompareTraces(td, got))

	// The signature covers the uncompressed body.
	wh, err := standardwebhooks.NewWebhook(testStandardSecret)
	require.NoError(t, err)
	require.NoError(t, wh.Verify(req.Body, req.Header))
	assert.Error(t, wh.Verify(req.WireBody, req.Header))
}

func TestStatusHandling(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		body         string
		wantErr      bool
		wantRequests int
		wantInError  []string
	}{
		{name: "200 ok", status: http.StatusOK, wantRequests: 1},
		{name: "202 accepted", status: http.StatusAccepted, wantRequests: 1},
		{name: "204 no content", status: http.StatusNoContent, wantRequests: 1},
		{
			name: "400 permanent with excerpt", status: http.StatusBadRequest,
			body:    `{"error":"resourceSpans is required"}`,
			wantErr: true, wantRequests: 1,
			wantInError: []string{"400 Bad Request", `{"error":"resourceSpans is required"}`},
		},
		{name: "401 permanent", status: http.StatusUnauthorized, body: "bad token", wantErr: true, wantRequests: 1, wantInError: []string{"401 Unauthorized", "bad token"}},
		{name: "404 permanent", status: http.StatusNotFound, wantErr: true, wantRequests: 1, wantInError: []string{"404 Not Found"}},
		{name: "413 permanent", status: http.StatusRequestEntityTooLarge, wantErr: true, wantRequests: 1, wantInError: []string{"413"}},
		{name: "500 permanent by default", status: http.StatusInternalServerError, body: "boom", wantErr: true, wantRequests: 1, wantInError: []string{"500 Internal Server Error", "boom"}},
		{name: "501 permanent", status: http.StatusNotImplemented, wantErr: true, wantRequests: 1, wantInError: []string{"501"}},
		{name: "301 not followed, permanent", status: http.StatusMovedPermanently, wantErr: true, wantRequests: 1, wantInError: []string{"301 Moved Permanently", "redirects are not followed", "/elsewhere"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, func(_ int, _ recordedRequest, w http.ResponseWriter) {
				if tt.status/100 == 3 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			exp := startExporter(t, testConfig(srv.URL), nopSettings())
			err := exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
			assert.Equal(t, tt.wantRequests, srv.count())
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, consumererror.IsPermanent(err), "error must be permanent: %v", err)
			for _, s := range tt.wantInError {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestErrorExcerptIsBounded(t *testing.T) {
	long := strings.Repeat("a", 500) + "\n" + strings.Repeat("b", 11) + "TAIL-NOT-IN-EXCERPT" + strings.Repeat("c", 4000)
	srv := newTestServer(t, func(_ int, _ recordedRequest, w http.ResponseWriter) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(long))
	})
	exp := startExporter(t, testConfig(srv.URL), nopSettings())
	err := exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, strings.Repeat("a", 500)+" "+strings.Repeat("b", 11), "the first 512 bytes, on one line")
	assert.NotContains(t, msg, "TAIL-NOT-IN-EXCERPT")
	assert.NotContains(t, msg, "ccc")
}

func TestRedactContent(t *testing.T) {
	allSignals(t, testRedactContent, testRedactContent, testRedactContent)
}

func testRedactContent[D any](t *testing.T, s signal[D]) {
	for _, redact := range []bool{true, false} {
		t.Run("redact="+strconv.FormatBool(redact), func(t *testing.T) {
			srv := newTestServer(t, statuses(http.StatusOK))
			cfg := testConfig(srv.URL)
			cfg.RedactContent = redact
			exp := startSignal(t, s, cfg, nopSettings())
			assert.Equal(t, redact, exp.capabilities().MutatesData)

			data := s.data(1, 1, 2)
			input := s.clone(data)
			if !redact {
				s.readOnly(data)
			}
			require.NoError(t, exp.consume(t.Context(), data))

			reqs := srv.requests()
			require.Len(t, reqs, 1)
			got := decodeBodies(t, s, EncodingJSON, reqs)
			item := s.items(got[0])[0]
			_, hasPrompt := item.attributes.Get("gen_ai.prompt")
			_, hasCompletion := item.attributes.Get("gen_ai.completion")
			assert.Equal(t, !redact, hasPrompt)
			assert.Equal(t, !redact, hasCompletion)
			model, ok := item.attributes.Get("gen_ai.request.model")
			require.True(t, ok, "other attributes are kept")
			assert.Equal(t, "openai/gpt-4o", model.Str())
			if item.span != nil {
				_, hasEventContent := item.span.Events().At(0).Attributes().Get("gen_ai.output.messages")
				assert.Equal(t, !redact, hasEventContent)
				_, ok = item.span.Events().At(0).Attributes().Get("index")
				assert.True(t, ok)
			}
			if item.metric != nil {
				exemplar := item.metric.Histogram().DataPoints().At(0).Exemplars().At(0).FilteredAttributes()
				_, hasExemplarContent := exemplar.Get("gen_ai.output.messages")
				assert.Equal(t, !redact, hasExemplarContent)
				_, ok = exemplar.Get("user.id")
				assert.True(t, ok)
			}
			if !redact {
				requireSameItems(t, s, input, got...)
			}
		})
	}
}

func TestResponseTelemetry(t *testing.T) {
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })

	srv := newTestServer(t, func(i int, _ recordedRequest, w http.ResponseWriter) {
		switch i {
		case 0:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 1:
			w.WriteHeader(http.StatusOK)
		case 2:
			w.WriteHeader(http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	cfg := testConfig(srv.URL)
	exp := startExporter(t, cfg, metadatatest.NewSettings(tt))
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))) // 503, 200
	require.Error(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))   // 400
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))) // 204

	// No response at all.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	refused := testConfig("http://" + addr)
	refused.RetryConfig.Enabled = false
	exp2 := startExporter(t, refused, metadatatest.NewSettings(tt))
	require.Error(t, exp2.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))

	metadatatest.AssertEqualExporterWebhookResponses(t, tt, []metricdata.DataPoint[int64]{
		{Value: 2, Attributes: attribute.NewSet(attribute.String("status_class", "2xx"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("status_class", "4xx"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("status_class", "5xx"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("status_class", "error"))},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestStatusClass(t *testing.T) {
	for code, want := range map[int]string{200: "2xx", 299: "2xx", 302: "3xx", 404: "4xx", 503: "5xx", 100: "error", 600: "error"} {
		assert.Equal(t, want, statusClass(code), code)
	}
}

func TestSendingQueueDelivers(t *testing.T) {
	allSignals(t, testSendingQueueDelivers, testSendingQueueDelivers, testSendingQueueDelivers)
}

func testSendingQueueDelivers[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusServiceUnavailable, http.StatusOK))
	cfg := testConfig(srv.URL)
	cfg.QueueConfig = createDefaultConfig().(*Config).QueueConfig
	exp := startSignal(t, s, cfg, nopSettings())

	data := s.data(1, 1, 3)
	input := s.clone(data)
	require.NoError(t, exp.consume(t.Context(), data), "queued")
	require.Eventually(t, func() bool { return srv.count() >= 2 }, 10*time.Second, 5*time.Millisecond)
	requireSameItems(t, s, input, decodeBodies(t, s, EncodingJSON, srv.requests()[1:2])...)
}

func TestLifecycle(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := testConfig(srv.URL)
	cfg.QueueConfig = createDefaultConfig().(*Config).QueueConfig
	host := componenttest.NewNopHost()

	t.Run("shutdown before start, twice", func(t *testing.T) {
		exp := newExporter(t, cfg, nopSettings())
		require.NoError(t, exp.Shutdown(t.Context()))
		require.NoError(t, exp.Shutdown(t.Context()))
		require.NoError(t, exp.Start(t.Context(), host), "start after shutdown does nothing")
		require.NoError(t, exp.Shutdown(t.Context()))
	})
	t.Run("start twice, shutdown twice", func(t *testing.T) {
		exp := newExporter(t, cfg, nopSettings())
		require.NoError(t, exp.Start(t.Context(), host))
		require.NoError(t, exp.Start(t.Context(), host))
		require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))
		require.Eventually(t, func() bool { return srv.count() == 1 }, 10*time.Second, 5*time.Millisecond)
		require.NoError(t, exp.Shutdown(t.Context()))
		require.NoError(t, exp.Shutdown(t.Context()))
	})
	t.Run("no retry, twice", func(t *testing.T) {
		noRetry := testConfig(srv.URL)
		noRetry.RetryConfig.Enabled = false
		exp := newExporter(t, noRetry, nopSettings())
		require.NoError(t, exp.Start(t.Context(), host))
		require.NoError(t, exp.Shutdown(t.Context()))
		require.NoError(t, exp.Shutdown(t.Context()))
	})
}
