package webhookexporter

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

func TestHMACSignature(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := testConfig(srv.URL)
	cfg.Signature = configoptional.Some(SignatureConfig{
		Scheme: signature.SchemeHMACSHA256,
		Secret: testHMACSecret,
		Header: "X-Hub-Signature-256",
		Prefix: "sha256=",
	})
	exp := startExporter(t, cfg, nopSettings())
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 2)))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	mac := hmac.New(sha256.New, []byte(testHMACSecret))
	mac.Write(reqs[0].Body)
	assert.Equal(t, "sha256="+hex.EncodeToString(mac.Sum(nil)), reqs[0].Header.Get("X-Hub-Signature-256"))
	assert.Empty(t, reqs[0].Header.Get(signature.HeaderWebhookID), "hmac_sha256 sends no webhook-* headers")
}

func TestHMACSignatureDefaultHeader(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := testConfig(srv.URL)
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256, Secret: testHMACSecret})
	exp := startExporter(t, cfg, nopSettings())
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	mac := hmac.New(sha256.New, []byte(testHMACSecret))
	mac.Write(reqs[0].Body)
	assert.Equal(t, hex.EncodeToString(mac.Sum(nil)), reqs[0].Header.Get("X-Webhook-Signature"))
}

func TestStandardWebhooksSignature(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := testConfig(srv.URL)
	cfg.Encoding = EncodingProto
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp := startExporter(t, cfg, nopSettings())
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(2, 1, 2)))
	require.NoError(t, exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))

	reqs := srv.requests()
	require.Len(t, reqs, 2)
	wh, err := standardwebhooks.NewWebhook(testStandardSecret)
	require.NoError(t, err)
	for _, r := range reqs {
		require.NoError(t, wh.Verify(r.Body, r.Header))
		assert.Equal(t, signature.DeliveryID(r.Body), r.Header.Get(signature.HeaderWebhookID))
	}
	assert.NotEqual(t, reqs[0].Header.Get(signature.HeaderWebhookID), reqs[1].Header.Get(signature.HeaderWebhookID),
		"different batches have different ids")

	// A wrong secret does not verify.
	other, err := standardwebhooks.NewWebhook("whsec_c2VjcmV0LW9mLXRoZS1wcmV2aW91cy1yb3RhdGlvbg==")
	require.NoError(t, err)
	assert.Error(t, other.Verify(reqs[0].Body, reqs[0].Header))
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	const apiKey = "api-key-must-stay-secret"
	srv := newTestServer(t, func(i int, _ recordedRequest, w http.ResponseWriter) {
		if i == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("forbidden"))
	})
	cfg := testConfig(srv.URL + "/hook?token=query-token-secret")
	cfg.ClientConfig.Headers = configopaque.MapList{{Name: "X-Api-Key", Value: apiKey}}
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256, Secret: testHMACSecret})
	core, logs := observer.New(zapcore.DebugLevel)
	set := nopSettings()
	set.Logger = zap.New(core)
	exp := startExporter(t, cfg, set)

	err := exp.ConsumeTraces(t.Context(), testTraces(1, 1, 1))
	require.Error(t, err)
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	sig := reqs[1].Header.Get("X-Webhook-Signature")
	require.NotEmpty(t, sig)

	texts := []string{err.Error()}
	for _, entry := range logs.All() {
		texts = append(texts, entry.Message)
		for k, v := range entry.ContextMap() {
			texts = append(texts, k+"="+toString(v))
		}
	}
	require.Greater(t, len(texts), 1, "the retry was logged")
	for _, text := range texts {
		for _, secret := range []string{apiKey, testHMACSecret, sig, "query-token-secret"} {
			assert.NotContains(t, text, secret)
		}
	}
	assert.Contains(t, err.Error(), "403 Forbidden")
}

func toString(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(v)
}
