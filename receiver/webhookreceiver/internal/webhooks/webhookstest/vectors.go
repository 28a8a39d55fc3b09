// Package webhookstest reads the senders' signature vectors and handshakes
// in testdata/webhooks, for the tests of the webhooks package and of the
// receiver.
package webhookstest // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks/webhookstest"

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// Presets are the presets whose senders' vectors are in testdata; the
// other six presets' vectors are in internal/signature's tests.
var Presets = []string{
	"calendly", "discord", "dropbox", "gitlab", "hubspot", "mailgun", "openrouter", "paddle",
	"pagerduty", "sendgrid", "sentry", "square", "twilio", "twitch", "typeform", "zoom",
}

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

// Handshake is one case of testdata/webhooks/<preset>/handshake.json: a
// request the sender makes to check the endpoint and the answer it wants.
type Handshake struct {
	Name       string            `json:"name"`
	Method     string            `json:"method"`
	Target     string            `json:"target"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
	NowUnix    int64             `json:"now_unix"`
	Secrets    []string          `json:"secrets"`
	PublicKeys []string          `json:"public_keys"`
	// Signed: the sender signs the handshake, which is verified first.
	Signed          bool              `json:"signed"`
	Status          int               `json:"status"`
	ContentType     string            `json:"content_type"`
	ResponseBody    string            `json:"response_body"`
	ResponseHeaders map[string]string `json:"response_headers"`
	Source          string            `json:"source"`
}

// Dir is testdata/webhooks from a directory depth levels below the
// repository's root.
func Dir(depth int) string {
	parts := make([]string, depth, depth+2)
	for i := range parts {
		parts[i] = ".."
	}
	return filepath.Join(append(parts, "testdata", "webhooks")...)
}

// ReadVectors reads the vectors of preset in dir.
func ReadVectors(t testing.TB, dir, preset string) []Vector {
	t.Helper()
	var f struct {
		Preset string   `json:"preset"`
		Cases  []Vector `json:"cases"`
	}
	read(t, filepath.Join(dir, preset, "vectors.json"), &f)
	require.Equal(t, preset, f.Preset)
	require.NotEmpty(t, f.Cases)
	return f.Cases
}

// ReadHandshakes reads the handshakes of preset in dir.
func ReadHandshakes(t testing.TB, dir, preset string) []Handshake {
	t.Helper()
	var f struct {
		Preset string      `json:"preset"`
		Cases  []Handshake `json:"cases"`
	}
	read(t, filepath.Join(dir, preset, "handshake.json"), &f)
	require.Equal(t, preset, f.Preset)
	require.NotEmpty(t, f.Cases)
	return f.Cases
}

func read(t testing.TB, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, v), path)
}

// Header is the vector's headers.
func (c Vector) Header() http.Header {
	h := http.Header{}
	for k, v := range c.Headers {
		h.Set(k, v)
	}
	return h
}

// Request is the request of c as the receiver sees it.
func (c Vector) Request() signature.Request {
	_, query, _ := strings.Cut(c.Target, "?")
	return signature.Request{Method: c.Method, Query: query, Header: c.Header(), Body: []byte(c.Body)}
}

// Now is the clock of c: its own, or any time for the senders that sign
// none.
func (c Vector) Now() time.Time {
	return Clock(c.NowUnix)
}

// Clock is the Unix time s, or a fixed time when s is 0.
func Clock(s int64) time.Time {
	if s != 0 {
		return time.Unix(s, 0)
	}
	return time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
}
