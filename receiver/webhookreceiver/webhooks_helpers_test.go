package webhookreceiver

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.yaml.in/yaml/v3"
)

// withYAML reads a receiver config fragment over the default config, as
// the collector would: unknown keys and bad values fail the test.
func withYAML(t *testing.T, text string) func(*Config) {
	t.Helper()
	return func(c *Config) {
		var raw map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(text), &raw))
		require.NoError(t, confmap.NewFromStringMap(raw).Unmarshal(c))
	}
}

// startWebhooks starts a receiver in a logs pipeline with the config
// fragment text.
func startWebhooks(t *testing.T, text string) *testEnv {
	t.Helper()
	return startPipelines(t, withYAML(t, text), nil, nil, false, true)
}

// delivery is one delivery of testdata/webhooks/<sender>/<name>: its
// headers as the sender sends them and its body, byte for byte.
type delivery struct {
	header http.Header
	body   []byte
}

func readDelivery(t *testing.T, sender, name string) delivery {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "webhooks", sender)
	raw, err := os.ReadFile(filepath.Join(dir, name+".headers"))
	require.NoError(t, err)
	d := delivery{header: http.Header{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		require.True(t, ok, line)
		d.header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	for _, ext := range []string{".json", ".txt"} {
		if b, err := os.ReadFile(filepath.Join(dir, name+ext)); err == nil {
			d.body = b
			return d
		}
	}
	require.FailNow(t, "no body for "+name)
	return d
}

// post sends the delivery with extra headers (name, value pairs) set.
func (e *testEnv) post(path string, d delivery, extra ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.base+path, bytes.NewReader(d.body))
	require.NoError(e.t, err)
	for k, vs := range d.header {
		req.Header[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	return e.send(req)
}

// The signatures as each sender's documentation or SDK computes them.

func hmacSHA256(key []byte, parts ...string) []byte {
	mac := hmac.New(sha256.New, key)
	for _, p := range parts {
		mac.Write([]byte(p))
	}
	return mac.Sum(nil)
}

// githubSign: "X-Hub-Signature-256: sha256=" + hex HMAC-SHA256 of the body.
func githubSign(secret string, d delivery, _ time.Time) []string {
	return []string{"X-Hub-Signature-256", "sha256=" + hex.EncodeToString(hmacSHA256([]byte(secret), string(d.body)))}
}

// stripeSign: "Stripe-Signature: t=<unix>,v1=" + hex HMAC-SHA256 of
// "<t>.<body>", keyed with the whsec_ secret's text (stripe-go's
// webhook.ComputeSignature).
func stripeSign(secret string, d delivery, now time.Time) []string {
	ts := strconv.FormatInt(now.Unix(), 10)
	return []string{"Stripe-Signature", "t=" + ts + ",v1=" + hex.EncodeToString(hmacSHA256([]byte(secret), ts, ".", string(d.body)))}
}

// slackSign: "X-Slack-Signature: v0=" + hex HMAC-SHA256 of
// "v0:<X-Slack-Request-Timestamp>:<body>".
func slackSign(secret string, d delivery, now time.Time) []string {
	ts := strconv.FormatInt(now.Unix(), 10)
	return []string{"X-Slack-Request-Timestamp", ts,
		"X-Slack-Signature", "v0=" + hex.EncodeToString(hmacSHA256([]byte(secret), "v0:", ts, ":", string(d.body)))}
}

// shopifySign: "X-Shopify-Hmac-Sha256:" base64 HMAC-SHA256 of the body.
func shopifySign(secret string, d delivery, _ time.Time) []string {
	return []string{"X-Shopify-Hmac-Sha256", base64.StdEncoding.EncodeToString(hmacSHA256([]byte(secret), string(d.body)))}
}

// linearSign: "Linear-Signature:" hex HMAC-SHA256 of the body.
func linearSign(secret string, d delivery, _ time.Time) []string {
	return []string{"Linear-Signature", hex.EncodeToString(hmacSHA256([]byte(secret), string(d.body)))}
}

// standardSign: "webhook-signature: v1," + base64 HMAC-SHA256 of
// "<webhook-id>.<webhook-timestamp>.<body>", keyed with the base64 after
// whsec_; under the svix-* names when the delivery uses them.
func standardSign(secret string, d delivery, now time.Time) []string {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		panic(err)
	}
	prefix := "webhook-"
	id := d.header.Get("webhook-id")
	if id == "" {
		prefix, id = "svix-", d.header.Get("svix-id")
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	return []string{prefix + "timestamp", ts,
		prefix + "signature", "v1," + base64.StdEncoding.EncodeToString(hmacSHA256(key, id, ".", ts, ".", string(d.body)))}
}

func noSign(string, delivery, time.Time) []string { return nil }

// routeYAML writes the webhooks fragment of one route; extra is its YAML.
func routeYAML(name, path, extra string) string {
	s := fmt.Sprintf("webhooks:\n  %s:\n    path: %s\n", name, path)
	for _, line := range strings.Split(strings.TrimSpace(extra), "\n") {
		if line != "" {
			s += "    " + line + "\n"
		}
	}
	return s
}

func confmapFromYAML(t *testing.T, text string) *confmap.Conf {
	t.Helper()
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(text), &raw))
	return confmap.NewFromStringMap(raw)
}
