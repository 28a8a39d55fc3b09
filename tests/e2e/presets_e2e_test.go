package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// Keys of the deliveries in testdata/webhooks (their README says which are
// the senders' published ones).
const (
	rfc8032Test1Public  = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	sendgridSingleKey   = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
	sendgridMultipleKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ4LIFtWztlsF7skFqOncjD1lun4H5w8XOhyOArHW9RcIx/FfEzx6cikC/yPfUvwaX/JScE7Fc9CJD2afQ9Ok3Q=="
	pagerdutySecret     = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK"
	paddleSecret        = "pdl_ntfset_01hs0t3tw21j988db1pam5xg8m_GrOWLNef+vmtjJYq4mSnHNzvc8uWoJ1I"
)

const presetsConfig = `
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    webhooks:
      openrouter: {path: /openrouter, preset: openrouter, signature: {secrets: [dev_secret]}}
      discord: {path: /discord, preset: discord, signature: {public_keys: ["` + rfc8032Test1Public + `"]}}
      sendgrid: {path: /sendgrid, preset: sendgrid, signature: {public_keys: ["` + sendgridSingleKey + `", "` + sendgridMultipleKey + `"]}}
      twilio: {path: /twilio, preset: twilio, public_url: "https://mycompany.com/myapp.php", signature: {secrets: ["12345"]}}
      zoom: {path: /zoom, preset: zoom, signature: {secrets: [derived-zoom-secret-token]}}
      twitch: {path: /twitch, preset: twitch, signature: {secrets: [derived-twitch-secret]}}
      pagerduty: {path: /pagerduty, preset: pagerduty, signature: {secrets: ["` + pagerdutySecret + `"]}}
      gitlab: {path: /gitlab, preset: gitlab, signature: {secrets: [derived-gitlab-secret-token]}}
      paddle: {path: /paddle, preset: paddle, signature: {secrets: ["` + paddleSecret + `"]}}
      square: {path: /square, preset: square, public_url: "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9", signature: {secrets: [Ibxx_5AKakO-3qeNVR61Dw]}}
      mailgun: {path: /mailgun, preset: mailgun, signature: {secrets: [key-3ax6xnjp29jd6fds4gc373sgvjxteol0]}}
      hubspot: {path: /hubspot, preset: hubspot, public_url: "https://www.example.com/webhook_uri", signature: {secrets: [yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy]}}
      dropbox: {path: /dropbox, preset: dropbox, signature: {secrets: [derived-dropbox-app-secret]}}
      typeform: {path: /typeform, preset: typeform, signature: {secrets: [derived-typeform-secret]}}
      calendly: {path: /calendly, preset: calendly, signature: {secrets: [derived-calendly-signing-key]}}
      sentry: {path: /sentry, preset: sentry, signature: {secrets: [derived-sentry-client-secret]}}
exporters:
  file:
    path: {{dir}}/logs.jsonl
    flush_interval: 100ms
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [webhook]
      exporters: [file]
`

// TestDistributionPresets drives the built collector with every handshake
// of the sixteen presets and one delivery of each, and reads the records
// back from the file exporter: each with the event name its sender gave.
func TestDistributionPresets(t *testing.T) {
	port := harness.FreePort(t)
	c := harness.StartCollector(t, fmt.Sprintf(presetsConfig, port))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	now := time.Now()

	t.Run("handshakes", func(t *testing.T) { presetHandshakes(t, base, now) })

	deliveries := []struct {
		route, name, ext, target string
		resign                   func(d *presetDelivery)
		status                   int
		// bodyUnsigned: GitLab's token and Mailgun's signature do not
		// cover the body.
		bodyUnsigned bool
	}{
		{route: "openrouter", name: "video_generation_completed", resign: func(d *presetDelivery) { resignOpenRouter(*d, "dev_secret", now) }},
		{route: "discord", name: "entitlement_create", status: http.StatusNoContent},
		{route: "sendgrid", name: "processed_and_bounce"},
		{route: "twilio", name: "voice_form_params", ext: ".txt", target: "/twilio?foo=1&bar=2"},
		{route: "zoom", name: "meeting_started", resign: func(d *presetDelivery) { resignZoom(*d, "derived-zoom-secret-token", now) }},
		{route: "twitch", name: "notification_channel_follow", resign: func(d *presetDelivery) { resignTwitch(*d, "derived-twitch-secret", now) }},
		{route: "pagerduty", name: "incident_priority_updated_sdk"},
		{route: "gitlab", name: "push_hook", bodyUnsigned: true},
		{route: "paddle", name: "customer_created", resign: func(d *presetDelivery) { resignPaddle(*d, paddleSecret, now) }},
		{route: "square", name: "webhooks_test_notification"},
		{route: "mailgun", name: "delivered_envelope", resign: func(d *presetDelivery) { resignMailgun(t, d, "key-3ax6xnjp29jd6fds4gc373sgvjxteol0", now) }, bodyUnsigned: true},
		{route: "hubspot", name: "contact_creation_v1"},
		{route: "dropbox", name: "list_folder_notification"},
		{route: "typeform", name: "form_response"},
		{route: "calendly", name: "invitee_created", resign: func(d *presetDelivery) { resignCalendly(*d, "derived-calendly-signing-key", now) }},
		{route: "sentry", name: "installation_created"},
	}
	for _, d := range deliveries {
		ext, target, status := d.ext, d.target, d.status
		if ext == "" {
			ext = ".json"
		}
		if target == "" {
			target = "/" + d.route
		}
		if status == 0 {
			status = http.StatusOK
		}
		del := readPresetDelivery(t, d.route, d.name, ext)
		if d.resign != nil {
			d.resign(&del)
		}
		resp, body := del.post(t, base+target)
		require.Equal(t, status, resp.StatusCode, "%s: %s", d.route, body)
		if d.bodyUnsigned {
			continue
		}
		// The same body with one byte changed is refused, and not forwarded.
		tampered := presetDelivery{header: del.header, body: append([]byte(" "), del.body...)}
		resp, body = tampered.post(t, base+target)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s: %s", d.route, body)
		assert.Contains(t, body, "signature verification failed: ")
	}

	want := map[string][]string{
		"openrouter": {"video.generation.completed"}, "discord": {"ENTITLEMENT_CREATE"}, "sendgrid": {"bounce", "processed"},
		"twilio": {""}, "zoom": {"meeting.started"}, "twitch": {"channel.follow"}, "pagerduty": {"incident.priority_updated"},
		"gitlab": {"Push Hook"}, "paddle": {"customer.created"}, "square": {"webhooks.test_notification"}, "mailgun": {"delivered"},
		"hubspot": {"contact.creation"}, "dropbox": {""}, "typeform": {"form_response"}, "calendly": {"invitee.created"},
		"sentry": {"installation.created"},
	}
	total := 0
	for _, names := range want {
		total += len(names)
	}
	harness.WaitForRecords(t, filepath.Join(c.Dir, "logs.jsonl"), total)
	got := map[string][]string{}
	for _, ld := range harness.ReadLogsExport(t, filepath.Join(c.Dir, "logs.jsonl")) {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			name, _ := rl.Resource().Attributes().Get("service.name")
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				recs := rl.ScopeLogs().At(j).LogRecords()
				for k := 0; k < recs.Len(); k++ {
					got[name.Str()] = append(got[name.Str()], recs.At(k).EventName())
				}
			}
		}
	}
	for _, names := range got {
		sort.Strings(names)
	}
	assert.Equal(t, want, got, "one record per event, handshakes and refused deliveries left out")
}

// presetHandshakes makes each sender's endpoint check against the built
// collector.
func presetHandshakes(t *testing.T, base string, now time.Time) {
	// Discord: an interaction PING and a webhook-events PING, signed.
	for _, name := range []string{"interactions endpoint PING", "webhook events PING"} {
		h := handshakeCase(t, "discord", name)
		status, ctype, body := send(t, http.MethodPost, base+"/discord", h.Headers, h.Body)
		assert.Equal(t, h.Status, status, name)
		assert.Equal(t, h.ResponseBody, body, name)
		if h.ContentType != "" {
			assert.Contains(t, ctype, h.ContentType)
		}
	}
	// Dropbox: GET ?challenge=, unsigned.
	status, ctype, body := send(t, http.MethodGet, base+"/dropbox?challenge=7zFP1wTbxM3rXgaBYZ2Xf5lAlqZ8o5zV", nil, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "text/plain", ctype)
	assert.Equal(t, "7zFP1wTbxM3rXgaBYZ2Xf5lAlqZ8o5zV", body)
	// Twitch's challenge and Zoom's url_validation, signed now.
	tw := handshakeCase(t, "twitch", "webhook_callback_verification")
	twd := presetDelivery{header: headerOf(tw.Headers), body: []byte(tw.Body)}
	resignTwitch(twd, "derived-twitch-secret", now)
	resp, body := twd.post(t, base+"/twitch")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, tw.ResponseBody, body)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
	zm := handshakeCase(t, "zoom", "endpoint.url_validation")
	zmd := presetDelivery{header: headerOf(zm.Headers), body: []byte(zm.Body)}
	resignZoom(zmd, "derived-zoom-secret-token", now)
	resp, body = zmd.post(t, base+"/zoom")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.JSONEq(t, zm.ResponseBody, body)
	// Unsigned, Zoom's is refused and not answered.
	zmd.header.Del("X-Zm-Signature")
	resp, body = zmd.post(t, base+"/zoom")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
	assert.NotContains(t, body, "encryptedToken")
}

// handshake is a case of testdata/webhooks/<preset>/handshake.json.
type handshake struct {
	Name         string            `json:"name"`
	Headers      map[string]string `json:"headers"`
	Body         string            `json:"body"`
	Status       int               `json:"status"`
	ContentType  string            `json:"content_type"`
	ResponseBody string            `json:"response_body"`
}

func handshakeCase(t *testing.T, preset, name string) handshake {
	t.Helper()
	var f struct{ Cases []handshake }
	require.NoError(t, json.Unmarshal(harness.ReadRepoFile(t, "testdata/webhooks/"+preset+"/handshake.json"), &f))
	for _, h := range f.Cases {
		if h.Name == name {
			return h
		}
	}
	require.FailNow(t, "no handshake "+name)
	return handshake{}
}

func headerOf(m map[string]string) http.Header {
	h := http.Header{}
	for k, v := range m {
		h.Set(k, v)
	}
	return h
}

func send(t *testing.T, method, url string, headers map[string]string, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = headerOf(headers)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}
