package webhookexporter

import (
	"net"
	"net/http"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr + "/hook"
}

func withTestConnection(cfg *Config, failOnError bool) *Config {
	cfg.TestConnection = configoptional.Some(TestConnectionConfig{FailOnError: failOnError})
	return cfg
}

func TestTestConnectionPasses(t *testing.T) {
	for _, status := range []int{http.StatusOK, http.StatusNoContent, http.StatusBadRequest} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := newTestServer(t, statuses(status))
			startExporter(t, withTestConnection(testConfig(srv.URL), true), nopSettings())

			reqs := srv.requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, "true", reqs[0].Header.Get("X-Test-Connection"))
			assert.Equal(t, http.MethodPost, reqs[0].Method)
			assert.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))
			assert.JSONEq(t, `{}`, string(reqs[0].Body), "an OTLP JSON payload without spans")
		})
	}
}

func TestTestConnectionProtoPUTSigned(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := withTestConnection(testConfig(srv.URL), true)
	cfg.Method = MethodPut
	cfg.Encoding = EncodingProto
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	startExporter(t, cfg, nopSettings())

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, "application/x-protobuf", reqs[0].Header.Get("Content-Type"))
	assert.Empty(t, reqs[0].Body)
	wh, err := standardwebhooks.NewWebhook(testStandardSecret)
	require.NoError(t, err)
	assert.NoError(t, wh.Verify(reqs[0].Body, reqs[0].Header), "the test connection is signed")
}

// Encodings without an empty OTLP request send an empty body: no rows.
func TestTestConnectionNDJSONIsEmpty(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := withTestConnection(testConfig(srv.URL), true)
	cfg.Encoding = EncodingNDJSON
	startExporter(t, cfg, nopSettings())

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "true", reqs[0].Header.Get("X-Test-Connection"))
	assert.Equal(t, "application/x-ndjson", reqs[0].Header.Get("Content-Type"))
	assert.Empty(t, reqs[0].Body)
}

func TestTestConnectionFails(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusUnauthorized, http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := newTestServer(t, func(_ int, _ recordedRequest, w http.ResponseWriter) {
				if status == http.StatusFound {
					w.Header().Set("Location", "https://elsewhere.example.com/")
				}
				w.WriteHeader(status)
				_, _ = w.Write([]byte("no webhook here"))
			})
			exp := newExporter(t, withTestConnection(testConfig(srv.URL+"/hook"), true), nopSettings())
			err := exp.Start(t.Context(), componenttest.NewNopHost())
			require.Error(t, err)
			assert.Contains(t, err.Error(), srv.URL+"/hook")
			assert.Contains(t, err.Error(), http.StatusText(status))
			assert.Contains(t, err.Error(), "no webhook here")
			require.NoError(t, exp.Shutdown(t.Context()))
			assert.Equal(t, 1, srv.count(), "the test is not retried and redirects are not followed")
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		endpoint := closedPortURL(t)
		exp := newExporter(t, withTestConnection(testConfig(endpoint), true), nopSettings())
		err := exp.Start(t.Context(), componenttest.NewNopHost())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "test connection to "+endpoint+" failed")
		require.NoError(t, exp.Shutdown(t.Context()))
	})
}

func TestTestConnectionWarnOnly(t *testing.T) {
	for name, endpoint := range map[string]func(t *testing.T) string{
		"500": func(t *testing.T) string {
			return newTestServer(t, statuses(http.StatusInternalServerError)).URL
		},
		"connection refused": closedPortURL,
	} {
		t.Run(name, func(t *testing.T) {
			core, logs := observer.New(zapcore.WarnLevel)
			set := nopSettings()
			set.Logger = zap.New(core)
			startExporter(t, withTestConnection(testConfig(endpoint(t)), false), set)
			warnings := logs.FilterMessageSnippet("test connection failed").All()
			require.Len(t, warnings, 1)
			assert.Contains(t, warnings[0].ContextMap()["error"], "test connection to")
		})
	}
}

func TestNoTestConnectionByDefault(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusNotFound))
	startExporter(t, testConfig(srv.URL), nopSettings())
	assert.Zero(t, srv.count())
}
