package webhooks

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// Vector is one case of testdata/webhooks/<preset>/vectors.json: a request
// as the sender sent it, the keys it is checked with, and whether the
// sender's own SDK accepts it.
type Vector struct {
	Name       string            `json:"name"`
	Valid      bool              `json:"valid"`
	Method     string            `json:"method"`
	Target     string            `json:"target"`
	PublicURL  string            `json:"public_url"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
	NowUnix    int64             `json:"now_unix"`
	Secrets    []string          `json:"secrets"`
	PublicKeys []string          `json:"public_keys"`
	// Status is what the receiver answers the request with.
	Status int    `json:"status"`
	Expect string `json:"expect"`
	Source string `json:"source"`
}

// VectorFile is a vectors.json.
type VectorFile struct {
	Preset string   `json:"preset"`
	Cases  []Vector `json:"cases"`
}

func testdataDir() string {
	return filepath.Join("..", "..", "..", "..", "testdata", "webhooks")
}

func readVectors(t *testing.T, preset string) VectorFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testdataDir(), preset, "vectors.json"))
	require.NoError(t, err)
	var f VectorFile
	require.NoError(t, json.Unmarshal(raw, &f))
	require.Equal(t, preset, f.Preset)
	require.NotEmpty(t, f.Cases)
	return f
}

// vectorPresets are the presets whose senders' vectors are in testdata;
// the first six presets' are in internal/signature's tests.
var vectorPresets = []string{
	"calendly", "discord", "dropbox", "gitlab", "hubspot", "mailgun", "openrouter", "paddle",
	"pagerduty", "sendgrid", "sentry", "square", "twilio", "twitch", "typeform", "zoom",
}

// looksSecret finds what could be a signature or key in an error: a long
// run of hex or base64.
var looksSecret = regexp.MustCompile(`[0-9a-fA-F]{16,}|[A-Za-z0-9+/]{24,}={0,2}`)

// TestPresetVectors checks every preset's verifier against its sender's
// vectors: what the SDK accepts is accepted, what it refuses is refused
// with an error that says why and holds no secret or signature.
func TestPresetVectors(t *testing.T) {
	for _, preset := range vectorPresets {
		f := readVectors(t, preset)
		valid, invalid := 0, 0
		for _, c := range f.Cases {
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
func verifyVector(t *testing.T, preset string, c Vector) error {
	t.Helper()
	opts := SignatureDefaults(preset)
	opts.URL = c.PublicURL
	v, err := signature.New(opts, signature.Keys{Secrets: c.Secrets, PublicKeys: c.PublicKeys})
	require.NoError(t, err)
	return v.VerifyRequest(vectorRequest(c), vectorNow(c))
}

// vectorRequest is the request of c as the receiver sees it.
func vectorRequest(c Vector) signature.Request {
	h := http.Header{}
	for k, val := range c.Headers {
		h.Set(k, val)
	}
	_, query, _ := strings.Cut(c.Target, "?")
	return signature.Request{Method: c.Method, Query: query, Header: h, Body: []byte(c.Body)}
}

// vectorNow is the clock of c: its own, or any time for the senders that
// sign none.
func vectorNow(c Vector) time.Time {
	if c.NowUnix != 0 {
		return time.Unix(c.NowUnix, 0)
	}
	return time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
}

// Every preset that has no vectors in testdata is one of the six whose
// vectors are in internal/signature's tests.
func TestEveryPresetHasVectors(t *testing.T) {
	older := map[string]bool{"github": true, "stripe": true, "slack": true, "shopify": true, "linear": true, "standard_webhooks": true}
	for _, name := range PresetNames() {
		_, err := os.Stat(filepath.Join(testdataDir(), name, "vectors.json"))
		if older[name] {
			continue
		}
		assert.NoError(t, err, name)
	}
	assert.Len(t, PresetNames(), len(older)+len(vectorPresets))
}
