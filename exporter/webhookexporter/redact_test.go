package webhookexporter

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The endpoint shown in errors, logs and the console carries no secret:
// not its userinfo or query, nor the token in the path of a chat webhook
// URL; plain path words stay readable.
func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://hooks.example.com/otel", "https://hooks.example.com/otel"},
		{"https://collector.example.com:4318/v1/traces", "https://collector.example.com:4318/v1/traces"},
		{"https://ingest.example.com/ingest-endpoint-for-traces", "https://ingest.example.com/ingest-endpoint-for-traces"},
		{"https://user:pass@hooks.example.com/hook?token=abc#frag", "https://xxxxx@hooks.example.com/hook?xxxxx"},
		// Slack's incoming webhook: /services/<team>/<bot>/<token>.
		{"https://hooks.slack.com/services/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", "https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/xxxxx"},
		// Discord's: /api/webhooks/<id>/<token>; the id is digits only.
		{"https://discord.com/api/webhooks/112233445566778899/Ab-cD_ef12GhIjKlMnOpQrStUvWxYz0123456789abcdefGHIJKLmnopQRstuv-wxyz", "https://discord.com/api/webhooks/112233445566778899/xxxxx"},
	} {
		u, err := url.Parse(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, redactURL(u), tc.in)
	}
}
