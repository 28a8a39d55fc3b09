package webhooks

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks/webhookstest"
)

// looksSecret finds what could be a signature or key in an error: a long
// run of hex or base64.
var looksSecret = regexp.MustCompile(`[0-9a-fA-F]{16,}|[A-Za-z0-9+/]{24,}={0,2}`)

// TestPresetVectors checks every preset's verifier against its sender's
// vectors: what the SDK accepts is accepted, what it refuses is refused
// with an error that says why and holds no secret or signature.
func TestPresetVectors(t *testing.T) {
	for _, preset := range webhookstest.Presets {
		cases := webhookstest.ReadVectors(t, webhookstest.Dir(4), preset)
		valid, invalid := 0, 0
		for _, c := range cases {
			t.Run(preset+"/"+c.Name, func(t *testing.T) {
				err := verifyVector(t, preset, c)
				if c.Valid {
					valid++
					require.NoError(t, err, c.Expect)
					return
				}
				invalid++
				require.Error(t, err, c.Expect)
				assert.True(t, isSignatureError(err), "one of the signature errors: %v", err)
				msg := err.Error()
				assert.NotRegexp(t, looksSecret, msg)
				for _, s := range append(c.Secrets, c.PublicKeys...) {
					assert.NotContains(t, msg, s)
				}
			})
		}
		assert.Positive(t, valid, preset+": a valid vector at least")
		assert.Positive(t, invalid, preset+": an invalid vector at least")
	}
}

func isSignatureError(err error) bool {
	for _, kind := range []error{signature.ErrMissingSignature, signature.ErrMalformedSignature, signature.ErrSignatureMismatch,
		signature.ErrMissingHeaders, signature.ErrInvalidTimestamp, signature.ErrStaleTimestamp} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

// verifyVector checks c with the preset's signature options.
func verifyVector(t *testing.T, preset string, c webhookstest.Vector) error {
	t.Helper()
	opts := SignatureDefaults(preset)
	opts.URL = c.PublicURL
	v, err := signature.New(opts, signature.Keys{Secrets: c.Secrets, PublicKeys: c.PublicKeys})
	require.NoError(t, err)
	return v.VerifyRequest(c.Request(), c.Now())
}

// Every preset that has no vectors in testdata is one of the six whose
// vectors are in internal/signature's tests.
func TestEveryPresetHasVectors(t *testing.T) {
	older := map[string]bool{"github": true, "stripe": true, "slack": true, "shopify": true, "linear": true, "standard_webhooks": true}
	for _, name := range PresetNames() {
		_, err := os.Stat(filepath.Join(webhookstest.Dir(4), name, "vectors.json"))
		if older[name] {
			continue
		}
		assert.NoError(t, err, name)
	}
	assert.Len(t, PresetNames(), len(older)+len(webhookstest.Presets))
}
