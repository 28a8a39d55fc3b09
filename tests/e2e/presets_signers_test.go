package e2e

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// presetDelivery is a delivery of testdata/webhooks: its headers as the
// sender sent them and its body, byte for byte.
type presetDelivery struct {
	header http.Header
	body   []byte
}

func readPresetDelivery(t *testing.T, preset, name, ext string) presetDelivery {
	t.Helper()
	raw := harness.ReadRepoFile(t, "testdata/webhooks/"+preset+"/"+name+".headers")
	d := presetDelivery{header: http.Header{}, body: harness.ReadRepoFile(t, "testdata/webhooks/"+preset+"/"+name+ext)}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		require.True(t, ok, line)
		d.header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return d
}

func hexHMAC(key string, parts ...string) string {
	mac := hmac.New(sha256.New, []byte(key))
	for _, p := range parts {
		mac.Write([]byte(p))
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// The senders that sign a time are signed again at the time of the test,
// as each sender's documentation says; the built collector's clock is the
// real one.

func resignOpenRouter(d presetDelivery, secret string, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	d.header.Set("X-OpenRouter-Signature", "t="+ts+",v1="+hexHMAC(secret, ts, ",", string(d.body)))
}

func resignZoom(d presetDelivery, secret string, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	d.header.Set("X-Zm-Request-Timestamp", ts)
	d.header.Set("X-Zm-Signature", "v0="+hexHMAC(secret, "v0:", ts, ":", string(d.body)))
}

func resignTwitch(d presetDelivery, secret string, now time.Time) {
	ts := now.UTC().Format(time.RFC3339Nano)
	d.header.Set("Twitch-Eventsub-Message-Timestamp", ts)
	d.header.Set("Twitch-Eventsub-Message-Signature", "sha256="+hexHMAC(secret, d.header.Get("Twitch-Eventsub-Message-Id"), ts, string(d.body)))
}

func resignPaddle(d presetDelivery, secret string, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	d.header.Set("Paddle-Signature", "ts="+ts+";h1="+hexHMAC(secret, ts, ":", string(d.body)))
}

func resignCalendly(d presetDelivery, secret string, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	d.header.Set("Calendly-Webhook-Signature", "t="+ts+",v1="+hexHMAC(secret, ts, ".", string(d.body)))
}

// resignMailgun puts a fresh timestamp and its signature in the body's
// signature object, where Mailgun puts them.
func resignMailgun(t *testing.T, d *presetDelivery, key string, now time.Time) {
	var body map[string]any
	require.NoError(t, json.Unmarshal(d.body, &body))
	sig := body["signature"].(map[string]any)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig["timestamp"] = ts
	sig["signature"] = hexHMAC(key, ts, sig["token"].(string))
	b, err := json.Marshal(body)
	require.NoError(t, err)
	d.body = b
}

// post sends d to url.
func (d presetDelivery) post(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(d.body))
	require.NoError(t, err)
	req.Header = d.header.Clone()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp, buf.String()
}
