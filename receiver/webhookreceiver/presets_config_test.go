package webhookreceiver

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks/webhookstest"
)

// A preset's missing key or public_url, a public_url where nothing signs
// the URL, and keys that cannot be read are start-up errors naming the
// route and the key.
func TestPresetConfigErrors(t *testing.T) {
	tests := []struct {
		yaml string
		want string
	}{
		{"webhooks: {zoom: {path: /z, preset: zoom}}", `webhooks::zoom::signature: preset zoom verifies every delivery: set "secrets"`},
		{"webhooks: {d: {path: /d, preset: discord}}", `webhooks::d::signature: preset discord verifies every delivery: set "public_keys"`},
		{"webhooks: {d: {path: /d, preset: discord, signature: {secrets: [s]}}}", `webhooks::d::signature: "secrets" do not apply to scheme ed25519, which verifies with "public_keys"`},
		{"webhooks: {d: {path: /d, preset: discord, signature: {public_keys: [zz]}}}", `webhooks::d::signature: "public_keys[0]": not an Ed25519 public key`},
		{"webhooks: {s: {path: /s, preset: sendgrid, signature: {public_keys: [" + rfc8032Test1Public + "]}}}", `webhooks::s::signature: "public_keys[0]": not an ECDSA P-256 public key`},
		{"webhooks: {g: {path: /g, preset: github, signature: {secrets: [s], public_keys: [k]}}}", `webhooks::g::signature: "public_keys" apply to schemes ed25519 and ecdsa_p256 only`},
		{"webhooks: {t: {path: /t, preset: twilio, signature: {secrets: [s]}}}", `webhooks::t::public_url: is required: preset twilio signs the URL the sender posts to`},
		{"webhooks: {q: {path: /q, preset: square, signature: {secrets: [s]}}}", `webhooks::q::public_url: is required: preset square signs`},
		{"webhooks: {h: {path: /h, preset: hubspot, signature: {secrets: [s]}}}", `webhooks::h::public_url: is required: preset hubspot signs`},
		{"webhooks: {t: {path: /t, preset: twilio, public_url: \"https://x.example/t?a=1\", signature: {secrets: [s]}}}", `webhooks::t::public_url: "https://x.example/t?a=1" must not have a query or fragment`},
		{"webhooks: {t: {path: /t, preset: twilio, public_url: \"ftp://x.example/t\", signature: {secrets: [s]}}}", `webhooks::t::public_url: "ftp://x.example/t" must be an absolute http:// or https:// URL`},
		{"webhooks: {g: {path: /g, preset: github, public_url: \"https://x.example/g\", signature: {secrets: [s]}}}", `webhooks::g::public_url: the route's signature does not cover the URL`},
		{"webhooks: {a: {path: /a, public_url: \"https://x.example/a\"}}", `webhooks::a::public_url: the route's signature does not cover the URL`},
		{"webhooks: {a: {path: /a, signature: {signed_payload: \"{url}{body}\", secrets: [s]}}}", `webhooks::a::public_url: is required: the signature signs the URL`},
		{"webhooks: {a: {path: /a, signature: {signed_payload: \"{when}{body}\", secrets: [s]}}}", `webhooks::a::signature: "signed_payload": unknown placeholder {when}`},
		{"webhooks: {a: {path: /a, signature: {timestamp_key: t, secrets: [s]}}}", `webhooks::a::signature: "timestamp_key" and "separator" read a header of key=value pairs: set "signature_key" too`},
		{"webhooks: {a: {path: /a, signature: {timestamp_format: iso, secrets: [s]}}}", `webhooks::a::signature: "timestamp_format": unknown "iso"`},
		{"webhooks: {a: {path: /a, signature: {scheme: ed25519, public_keys: [" + rfc8032Test1Public + "], algorithm: sha1}}}", `webhooks::a::signature: "algorithm" does not apply to scheme ed25519`},
		{"webhooks: {g: {path: /g, preset: gitlab, signature: {secrets: [\"whsec_%%%\"]}}}", `webhooks::g::signature: "secrets[0]": a GitLab signing token is "whsec_" and base64`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			withYAML(t, tt.yaml)(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, 1, strings.Count(err.Error(), tt.want), "reported once: %s", err)
		})
	}
	// Misspelt keys are refused, not ignored.
	err := confmapFromYAML(t, "webhooks: {d: {path: /d, preset: discord, signature: {public_key: [k]}}}").Unmarshal(createDefaultConfig())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "webhooks::d::signature::public_key")
	err = confmapFromYAML(t, "webhooks: {t: {path: /t, preset: twilio, publicurl: x}}").Unmarshal(createDefaultConfig())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "webhooks::t::publicurl")
}

// A sender without a preset is configured with the same building blocks:
// Paddle's pairs header, Discord's Ed25519 and Square's signed URL, each
// verifying its sender's vector.
func TestSignatureBuildingBlocks(t *testing.T) {
	vector := func(preset, name string) webhookstest.Vector {
		for _, c := range webhookstest.ReadVectors(t, testdataWebhooks, preset) {
			if strings.HasPrefix(c.Name, name) {
				return c
			}
		}
		require.FailNow(t, "no vector "+name)
		return webhookstest.Vector{}
	}
	tests := []struct {
		name, route string
		c           webhookstest.Vector
	}{
		{"paddle's ts=;h1= over <ts>:<body>, five seconds",
			`signature: {scheme: hmac, header: Paddle-Signature, signature_key: h1, timestamp_key: ts, separator: ";", signed_payload: "{timestamp}:{body}", tolerance: 5s, secrets: [` + paddleSecret + `]}`,
			vector("paddle", "python: real customer.created delivery")},
		{"discord's Ed25519 over the timestamp and body",
			`signature: {scheme: ed25519, header: X-Signature-Ed25519, timestamp_header: X-Signature-Timestamp, signed_payload: "{timestamp}{body}", tolerance: 87600h, public_keys: [` + rfc8032Test1Public + `]}`,
			vector("discord", "webhook event LOBBY_MESSAGE_DELETE (docs example)")},
		{"sendgrid's ECDSA P-256 over the timestamp and body",
			`signature: {scheme: ecdsa_p256, header: X-Twilio-Email-Event-Webhook-Signature, timestamp_header: X-Twilio-Email-Event-Webhook-Timestamp, signed_payload: "{timestamp}{body}", public_keys: [` + sendgridMultipleKey + `]}`,
			vector("sendgrid", "two events separated by")},
		{"square's URL and body, base64",
			`public_url: "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"` + "\n" + `signature: {scheme: hmac, header: x-square-hmacsha256-signature, encoding: base64, signed_payload: "{url}{body}", secrets: [Ibxx_5AKakO-3qeNVR61Dw]}`,
			vector("square", "webhooks.test_notification")},
		{"pagerduty's several v1= signatures",
			`signature: {scheme: hmac, header: X-PagerDuty-Signature, signature_key: v1, secrets: ["` + pagerdutySecret + `"]}`,
			vector("pagerduty", "rotation: two v1, second matches")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := startWebhooksAt(t, routeYAML("sender", pathOf(tt.c.Target), tt.route), tt.c.Now())
			resp := env.request(tt.c.Method, tt.c.Target, tt.c.Headers, tt.c.Body)
			require.Equal(t, http.StatusOK, resp.status, resp.body)
			require.NotEmpty(t, env.records())
			// The same delivery with the body changed is refused.
			resp = env.request(tt.c.Method, tt.c.Target, tt.c.Headers, tt.c.Body+" ")
			assert.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
		})
	}
}
