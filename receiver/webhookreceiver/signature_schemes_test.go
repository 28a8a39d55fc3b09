package webhookreceiver

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// vercelSign is what Vercel's drain docs compute: the hex HMAC-SHA1 of the
// raw body keyed with the drain's signature secret.
func vercelSign(secret string, body []byte) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Vercel's trace drains post OTLP to the traces path, signed in
// x-vercel-signature: the top-level signature takes the hmac options.
func TestOTLPPathVerifiesVercelSignature(t *testing.T) {
	const secret = "vercel-drain-secret"
	env := startReceiver(t, func(c *Config) {
		c.Signature = configoptional.Some(SignatureConfig{
			Scheme: signature.SchemeHMAC, Algorithm: signature.SHA1, Header: "x-vercel-signature",
			Secrets: []configopaque.String{secret},
		})
	}, nil)
	body := tracesJSON(t, [2]string{"5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174"})
	resp := env.postJSON(body, "x-vercel-signature", vercelSign(secret, body))
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	require.Len(t, env.spans(), 1)

	resp = env.postJSON(body, "x-vercel-signature", vercelSign("another-secret", body))
	assert.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Contains(t, resp.body, "signature does not match")
	resp = env.postJSON(body)
	assert.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "missing_signature"))
	assert.Len(t, env.spans(), 1)
}

func TestSignatureConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		sig  SignatureConfig
		want string
	}{
		{"hmac algorithm", SignatureConfig{Scheme: signature.SchemeHMAC, Algorithm: "md5", Secrets: []configopaque.String{"k"}}, `signature: "algorithm": unknown "md5"`},
		{"hmac encoding", SignatureConfig{Scheme: signature.SchemeHMAC, Encoding: "base32", Secrets: []configopaque.String{"k"}}, `signature: "encoding": unknown "base32"`},
		{"stripe takes no algorithm", SignatureConfig{Scheme: signature.SchemeStripe, Algorithm: signature.SHA1, Secrets: []configopaque.String{"whsec_x"}}, `signature: "algorithm" does not apply to scheme stripe, which fixes them`},
		{"signed payload without the body", SignatureConfig{Scheme: signature.SchemeHMAC, TimestampHeader: "X-Ts", SignedPayload: "{timestamp}", Secrets: []configopaque.String{"k"}}, `signature: "signed_payload" must contain {body}`},
		{"unknown scheme", SignatureConfig{Scheme: "rsa", Secrets: []configopaque.String{"k"}}, `signature: "scheme": unknown scheme "rsa": one of hmac, hmac_sha256, slack, stripe, standard_webhooks`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			cfg.Signature = configoptional.Some(tt.sig)
			assert.ErrorContains(t, cfg.Validate(), tt.want)
		})
	}
}
