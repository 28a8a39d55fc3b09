package webhookreceiver

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks/webhookstest"
)

var testdataWebhooks = webhookstest.Dir(2)

// Each sender's vectors, posted as the sender posts them to a route with
// its preset: what the sender's SDK accepts is answered as a delivery, what
// it refuses is a 401 that says why, and nothing of it is forwarded.
func TestPresetVectorsOverHTTP(t *testing.T) {
	for _, preset := range webhookstest.Presets {
		for _, c := range webhookstest.ReadVectors(t, testdataWebhooks, preset) {
			t.Run(preset+"/"+c.Name, func(t *testing.T) {
				env := startWebhooksAt(t, presetRouteYAML(preset, pathOf(c.Target), c.PublicURL, c.Secrets, c.PublicKeys), c.Now())
				resp := env.request(c.Method, c.Target, c.Headers, c.Body)
				require.Equal(t, c.Status, resp.status, "%s: %s", c.Expect, resp.body)
				if c.Status != http.StatusUnauthorized {
					return
				}
				assert.Contains(t, resp.body, "signature verification failed: ")
				assert.Empty(t, env.logs.AllLogs(), "nothing of a refused delivery is forwarded")
				assert.Equal(t, int64(1), env.counter(metricAuthFailures, "sender", preset))
				for _, s := range append(c.Secrets, c.PublicKeys...) {
					assert.NotContains(t, resp.body, s)
				}
			})
		}
	}
}

// The handshakes the senders make before they send anything: answered as
// the sender wants, once verified where the sender signs them, counted as
// test connections and never forwarded; unsigned, a signed handshake is a
// 401 that does not echo it.
func TestPresetHandshakes(t *testing.T) {
	for _, preset := range []string{"discord", "dropbox", "twitch", "zoom"} {
		for _, h := range webhookstest.ReadHandshakes(t, testdataWebhooks, preset) {
			t.Run(preset+"/"+h.Name, func(t *testing.T) {
				env := startWebhooksAt(t, presetRouteYAML(preset, pathOf(h.Target), "", h.Secrets, h.PublicKeys), webhookstest.Clock(h.NowUnix))
				resp := env.request(h.Method, h.Target, h.Headers, h.Body)
				require.Equal(t, h.Status, resp.status, resp.body)
				assert.Equal(t, h.ResponseBody, resp.body)
				if h.ContentType != "" {
					assert.Contains(t, resp.header.Get("Content-Type"), h.ContentType)
				}
				for k, v := range h.ResponseHeaders {
					assert.Equal(t, v, resp.header.Get(k), k)
				}
				assert.Equal(t, "nosniff", resp.header.Get("X-Content-Type-Options"))
				assert.Empty(t, env.logs.AllLogs(), "a handshake is not forwarded")
				assert.Equal(t, int64(1), env.counter(metricTestConnections, "sender", preset))
				if !h.Signed {
					return
				}
				unsigned := map[string]string{}
				for k, v := range h.Headers {
					unsigned[k] = v
				}
				for _, k := range []string{"X-Signature-Ed25519", "Twitch-Eventsub-Message-Signature", "x-zm-signature"} {
					delete(unsigned, k)
				}
				resp = env.request(h.Method, h.Target, unsigned, h.Body)
				assert.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
				if h.ResponseBody != "" {
					assert.NotContains(t, resp.body, h.ResponseBody)
				}
			})
		}
	}
}

// Dropbox's GET without a challenge is not a handshake: the route takes
// POST only, as every route does.
func TestDropboxGETWithoutChallenge(t *testing.T) {
	env := startWebhooks(t, presetRoute("dropbox", "app-secret"))
	resp := env.do(http.MethodGet, "/dropbox", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.status)
	assert.Equal(t, allowPost, resp.header.Get("Allow"))
	resp = env.do(http.MethodGet, "/dropbox?challenge=%3Cscript%3E", nil)
	require.Equal(t, http.StatusOK, resp.status)
	assert.Equal(t, "<script>", resp.body, "echoed as sent, decoded")
	assert.Equal(t, "text/plain", resp.header.Get("Content-Type"))
	assert.Equal(t, "nosniff", resp.header.Get("X-Content-Type-Options"))
}

// While Zoom's secret token is rotated, the url_validation answer is made
// with the secret that signed the request, whichever of the route's it is.
func TestZoomValidationUsesTheSigningSecret(t *testing.T) {
	h := webhookstest.ReadHandshakes(t, testdataWebhooks, "zoom")[0]
	secrets := append([]string{"the-new-secret-token"}, h.Secrets...)
	env := startWebhooksAt(t, presetRouteYAML("zoom", "/zoom", "", secrets, nil), webhookstest.Clock(h.NowUnix))
	resp := env.request(h.Method, h.Target, h.Headers, h.Body)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, h.ResponseBody, resp.body)
}
