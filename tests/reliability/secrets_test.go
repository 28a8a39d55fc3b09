package reliability

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// TestSecretsFromEnvNeverLogged runs the distribution with every credential
// taken from the environment (${env:...}) and debug logging, sends its
// webhook receiver wrong tokens, wrong and stale signatures, undecodable
// bodies and bodies with bad spans, and makes its webhook exporter fail
// against an endpoint that refuses it. Neither the collector's output nor
// any answer contains a secret, a required-header value or a signature.
func TestSecretsFromEnvNeverLogged(t *testing.T) {
	var (
		token        = "rel-token-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		signingKey   = base64.StdEncoding.EncodeToString([]byte("reliability receiver secret key!"))
		signing      = "whsec_" + signingKey
		exportToken  = "rel-export-token-0c2f7d"
		exportKey    = base64.StdEncoding.EncodeToString([]byte("reliability exporter secret key!"))
		exportSecret = "whsec_" + exportKey
	)
	secrets := []string{token, signingKey, exportToken, exportKey}

	// The endpoint of the exporter refuses every request and keeps the
	// credentials it was sent.
	var mu sync.Mutex
	var seen []string
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"), r.Header.Get(signature.HeaderWebhookSignature))
		mu.Unlock()
		http.Error(w, "invalid credentials", http.StatusUnauthorized)
	}))
	t.Cleanup(endpoint.Close)

	webhookPort, otlpPort := harness.FreePort(t), harness.FreePort(t)
	config := fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    required_headers:
      Authorization: "Bearer ${env:REL_WEBHOOK_TOKEN}"
    signature:
      scheme: standard_webhooks
      secrets: ["${env:REL_SIGNING_SECRET}"]
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  nop:
  webhook:
    endpoint: %s/hook
    headers:
      Authorization: "Bearer ${env:REL_EXPORT_TOKEN}"
    signature:
      scheme: standard_webhooks
      secret: "${env:REL_EXPORT_SECRET}"
    test_connection:
      fail_on_error: false
    retry_on_failure:
      enabled: false
    sending_queue:
      enabled: false
service:
  telemetry:
    logs:
      level: debug
    metrics:
      level: none
  pipelines:
    traces/in:
      receivers: [webhook]
      exporters: [nop]
    traces/out:
      receivers: [otlp]
      exporters: [webhook]
`, webhookPort, otlpPort, endpoint.URL)
	for _, s := range secrets {
		require.NotContains(t, config, s, "the configuration text holds no secret")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	env := []string{
		"REL_WEBHOOK_TOKEN=" + token,
		"REL_SIGNING_SECRET=" + signing,
		"REL_EXPORT_TOKEN=" + exportToken,
		"REL_EXPORT_SECRET=" + exportSecret,
	}
	c := harness.StartProcess(t, "otelcol-webhook", dir, env, harness.CollectorBin, "--config", path)
	require.Eventually(t, func() bool {
		return c.Exited() || strings.Contains(c.Log.String(), "Everything is ready")
	}, 60*time.Second, 50*time.Millisecond)
	require.False(t, c.Exited(), "collector exited at start:\n%s", harness.Tail(c.Log.String(), 40))

	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", webhookPort)
	good, _ := spanBatch(t, 6, 0, 2)
	partly := []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[` +
		`{"traceId":"7e060100000000000000000000000001","spanId":"5a06010000000001","name":"ok"},` +
		`{"traceId":"7e060100000000000000000000000002","spanId":"5a06010000000002","name":"bad","startTimeUnixNano":"later"}]}]}]}`)
	invalid := []byte(`{"resourceSpans":[{"scopeSpans":[oops`)
	sign := func(secret, id string, at time.Time, body []byte) []string {
		s, err := signature.NewSigner(signature.SchemeStandardWebhooks, "", "", secret)
		require.NoError(t, err)
		h := http.Header{}
		s.Sign(h, body, id, at)
		secrets = append(secrets, h.Get(signature.HeaderWebhookSignature))
		return []string{"webhook-id", id, "webhook-timestamp", h.Get(signature.HeaderWebhookTimestamp), "webhook-signature", h.Get(signature.HeaderWebhookSignature)}
	}
	var answers strings.Builder
	post := func(body []byte, want int, headers ...string) {
		t.Helper()
		status, resp := harness.Post(t, http.MethodPost, url, "application/json", body, headers...)
		require.Equal(t, want, status, resp)
		answers.WriteString(resp + "\n")
	}
	bearer := "Bearer " + token
	now := time.Now()
	wrongKey := "whsec_" + base64.StdEncoding.EncodeToString([]byte("a key the attacker made up......"))
	post(good, 401)
	post(good, 401, "Authorization", bearer+"x")
	post(good, 401, "Authorization", bearer)
	post(good, 401, append([]string{"Authorization", bearer}, sign(wrongKey, "msg_r1", now, good)...)...)
	post(good, 401, append([]string{"Authorization", bearer}, sign(signing, "msg_r2", now.Add(-time.Hour), good)...)...)
	post(invalid, 400, append([]string{"Authorization", bearer}, sign(signing, "msg_r3", now, invalid)...)...)
	post(partly, 200, append([]string{"Authorization", bearer}, sign(signing, "msg_r4", now, partly)...)...)
	post(good, 200, append([]string{"Authorization", bearer}, sign(signing, "msg_r5", now, good)...)...)

	// The exporter's delivery is refused permanently; without a queue the
	// otlp receiver hands the error back, and the exporter logs it.
	otlpBody, _ := spanBatch(t, 6, 1, 3)
	status, resp := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", otlpPort), "application/json", otlpBody)
	require.Equal(t, http.StatusInternalServerError, status, resp)
	require.Contains(t, resp, "responded with HTTP 401 Unauthorized: invalid credentials")
	answers.WriteString(resp + "\n")
	require.Eventually(t, func() bool {
		log := c.Log.String()
		return strings.Contains(log, "responded with HTTP 401") && strings.Contains(log, "Dropped malformed spans")
	}, 30*time.Second, 50*time.Millisecond, "the collector logs the refused delivery and the dropped span")

	c.Stop(syscall.SIGTERM)
	log := c.Log.String()
	mu.Lock()
	for _, v := range seen {
		if v != "" {
			secrets = append(secrets, v)
		}
	}
	mu.Unlock()
	require.GreaterOrEqual(t, len(seen), 4, "the endpoint saw the test connection and the delivery")
	for _, s := range secrets {
		require.NotContains(t, log, s, "the collector's output contains a secret or signature")
		require.NotContains(t, answers.String(), s, "an answer contains a secret or signature")
	}
	require.Contains(t, log, "test connection to")
	t.Logf("FIGURES secrets: %d secret or signature values checked against %d bytes of debug-level collector output and %d bytes of answers: none found",
		len(secrets), len(log), answers.Len())
}
