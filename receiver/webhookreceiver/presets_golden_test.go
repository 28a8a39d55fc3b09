package webhookreceiver

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks/webhookstest"
)

// presetDeliveries are the deliveries of testdata/webhooks for the
// sixteen presets: each is posted with the headers in its .headers file,
// signatures included, as the sender signed it (README.md there says which
// are the senders' own), at the clock now (0: any time).
var presetDeliveries = []struct {
	preset, name string
	now          int64
	target       string
	publicURL    string
	secrets      []string
	publicKeys   []string
}{
	{preset: "openrouter", name: "video_generation_completed", now: 1777032005, target: "/openrouter", secrets: []string{"dev_secret"}},
	{preset: "openrouter", name: "video_generation_failed", now: 1777032005, target: "/openrouter", secrets: []string{"dev_secret"}},
	{preset: "openrouter", name: "video_generation_cancelled", now: 1777032005, target: "/openrouter", secrets: []string{"dev_secret"}},
	{preset: "openrouter", name: "video_generation_expired", now: 1777032005, target: "/openrouter", secrets: []string{"dev_secret"}},
	{preset: "discord", name: "entitlement_create", now: 1733400005, target: "/discord", publicKeys: []string{rfc8032Test1Public}},
	{preset: "discord", name: "lobby_message_delete", now: 1733400005, target: "/discord", publicKeys: []string{rfc8032Test1Public}},
	{preset: "sendgrid", name: "processed_and_bounce", now: 1619651159, target: "/sendgrid", publicKeys: []string{sendgridMultipleKey}},
	{preset: "sendgrid", name: "dropped_single", now: 1600112502, target: "/sendgrid", publicKeys: []string{sendgridSingleKey}},
	{preset: "twilio", name: "voice_form_params", target: "/myapp.php?foo=1&bar=2", publicURL: "https://mycompany.com/myapp.php", secrets: []string{"12345"}},
	{preset: "twilio", name: "json_body_bodysha256", target: "/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", publicURL: "https://mycompany.com/myapp.php", secrets: []string{"12345"}},
	{preset: "zoom", name: "meeting_started", now: 1654503855, target: "/zoom", secrets: []string{"derived-zoom-secret-token"}},
	{preset: "twitch", name: "notification_channel_follow", now: 1573899077, target: "/twitch", secrets: []string{"derived-twitch-secret"}},
	{preset: "twitch", name: "revocation_authorization_revoked", now: 1573899077, target: "/twitch", secrets: []string{"derived-twitch-secret"}},
	{preset: "pagerduty", name: "incident_priority_updated_sdk", target: "/pagerduty", secrets: []string{pagerdutySecret}},
	{preset: "pagerduty", name: "service_updated", target: "/pagerduty", secrets: []string{pagerdutySecret}},
	{preset: "gitlab", name: "push_hook", target: "/gitlab", secrets: []string{"derived-gitlab-secret-token"}},
	{preset: "paddle", name: "customer_created", now: 1710498759, target: "/paddle", secrets: []string{paddleSecret}},
	{preset: "paddle", name: "customer_created_special_chars", now: 1710498289, target: "/paddle", secrets: []string{paddleSecret}},
	{preset: "paddle", name: "price_created", now: 1710929256, target: "/paddle", secrets: []string{"pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_hKkRiCGyyRhbFwIUuqiTBgI7gnWoV0Gr"}},
	{preset: "square", name: "webhooks_test_notification", target: "/679a4f3a-dcfa-49ee-bac5-9d0edad886b9", publicURL: "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9", secrets: []string{"Ibxx_5AKakO-3qeNVR61Dw"}},
	{preset: "mailgun", name: "delivered_envelope", now: 1403645225, target: "/mailgun", secrets: []string{"key-3ax6xnjp29jd6fds4gc373sgvjxteol0"}},
	{preset: "hubspot", name: "contact_creation_v1", target: "/webhook_uri", publicURL: "https://www.example.com/webhook_uri", secrets: []string{hubspotSecret}},
	{preset: "dropbox", name: "list_folder_notification", target: "/dropbox", secrets: []string{"derived-dropbox-app-secret"}},
	{preset: "typeform", name: "form_response", target: "/typeform", secrets: []string{"derived-typeform-secret"}},
	{preset: "calendly", name: "invitee_created", now: 1717236010, target: "/calendly", secrets: []string{"derived-calendly-signing-key"}},
	{preset: "sentry", name: "installation_created", target: "/sentry", secrets: []string{"derived-sentry-client-secret"}},
}

// Keys of the senders' published vectors.
const (
	// rfc8032Test1Public is RFC 8032's TEST 1 Ed25519 public key (Discord
	// publishes none).
	rfc8032Test1Public  = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	sendgridSingleKey   = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
	sendgridMultipleKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ4LIFtWztlsF7skFqOncjD1lun4H5w8XOhyOArHW9RcIx/FfEzx6cikC/yPfUvwaX/JScE7Fc9CJD2afQ9Ok3Q=="
	pagerdutySecret     = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK"
	paddleSecret        = "pdl_ntfset_01hs0t3tw21j988db1pam5xg8m_GrOWLNef+vmtjJYq4mSnHNzvc8uWoJ1I"
	hubspotSecret       = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
)

// TestGoldenPresetDeliveries posts each delivery to a route with its
// sender's preset and compares what reaches the logs pipeline with the
// expected records next to it (the arrival time is not compared).
func TestGoldenPresetDeliveries(t *testing.T) {
	for _, tt := range presetDeliveries {
		t.Run(tt.preset+"/"+tt.name, func(t *testing.T) {
			env := startWebhooksAt(t, presetRouteYAML(tt.preset, pathOf(tt.target), tt.publicURL, tt.secrets, tt.publicKeys), webhookstest.Clock(tt.now))
			d := readDelivery(t, tt.preset, tt.name)
			resp := env.post(tt.target, d)
			want := http.StatusOK
			if tt.preset == "discord" {
				want = http.StatusNoContent // Discord wants events answered 204
			}
			require.Equal(t, want, resp.status, resp.body)

			require.Len(t, env.logs.AllLogs(), 1)
			actual := env.logs.AllLogs()[0]
			path := filepath.Join(testdataWebhooks, tt.preset, tt.name+".yaml")
			if *updateGolden {
				written := plog.NewLogs()
				actual.CopyTo(written)
				clearObserved(written)
				require.NoError(t, golden.WriteLogs(t, path, written))
			}
			expected, err := golden.ReadLogs(path)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(expected, actual, plogtest.IgnoreObservedTimestamp()))
		})
	}
}
