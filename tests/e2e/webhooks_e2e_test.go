package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// The webhook primer's curl, as it is printed there but for the address.
const (
	primerBody   = `{"event": "test", "data": "hello world"}`
	primerSecret = "my-secret"
)

// primerCurl posts the primer's request to url: with the curl program when
// there is one, else the same request from Go.
func primerCurl(t *testing.T, url string) (int, string) {
	t.Helper()
	if curl, err := exec.LookPath("curl"); err == nil {
		out, err := exec.Command(curl, "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", url,
			"-H", "Content-Type: application/json",
			"-H", "X-Webhook-Secret: "+primerSecret,
			"-d", primerBody).Output()
		require.NoError(t, err)
		body, code, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		if code == "" { // an empty answer body
			body, code = "", body
		}
		var status int
		_, err = fmt.Sscan(code, &status)
		require.NoError(t, err, string(out))
		return status, body
	}
	return harness.Post(t, http.MethodPost, url, "application/json", []byte(primerBody), "X-Webhook-Secret", primerSecret)
}

// TestDistributionWebhooksRoutes drives the built collector with the
// primer's curl and a signed GitHub delivery on two routes of one receiver,
// and reads the log records back from the file exporter.
func TestDistributionWebhooksRoutes(t *testing.T) {
	const githubSecret = "e2e-github-webhook-secret"
	port := harness.FreePort(t)
	c := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    webhooks:
      webhook:
        path: /webhook
        required_headers:
          X-Webhook-Secret: %s
      github:
        path: /github
        preset: github
        signature:
          secrets: [%s]
        headers: [X-GitHub-Hook-ID]
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
`, port, primerSecret, githubSecret))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)

	status, body := primerCurl(t, base+"/webhook")
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, body)
	status, body = harness.Post(t, http.MethodPost, base+"/webhook", "application/json", []byte(primerBody), "X-Webhook-Secret", "guess")
	require.Equal(t, http.StatusUnauthorized, status, body)

	issue := harness.ReadRepoFile(t, "testdata/webhooks/github/issues_opened.json")
	mac := hmac.New(sha256.New, []byte(githubSecret))
	mac.Write(issue)
	signed := []string{"X-Hub-Signature-256", "sha256=" + hex.EncodeToString(mac.Sum(nil)),
		"X-GitHub-Event", "issues", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "X-GitHub-Hook-ID", "292430182"}
	status, body = harness.Post(t, http.MethodPost, base+"/github", "application/json", issue, signed...)
	require.Equal(t, http.StatusOK, status, body)
	// GitHub redelivers it: answered, not forwarded twice.
	status, body = harness.Post(t, http.MethodPost, base+"/github", "application/json", issue, signed...)
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, body)
	signed[1] = "sha256=" + strings.Repeat("0", 64)
	status, body = harness.Post(t, http.MethodPost, base+"/github", "application/json", issue, signed...)
	require.Equal(t, http.StatusUnauthorized, status, body)

	// A last record marks the end: the file exporter writes in order.
	status, body = primerCurl(t, base+"/webhook")
	require.Equal(t, http.StatusOK, status, body)
	records := harness.WaitForRecords(t, filepath.Join(c.Dir, "logs.jsonl"), 3)
	require.Len(t, records, 3)

	primer := records[0]
	assert.Equal(t, map[string]any{"event": "test", "data": "hello world"}, primer.Body().Map().AsRaw())
	assert.Equal(t, "INFO", primer.SeverityText())
	gh := records[1]
	assert.Equal(t, "issues.opened", gh.EventName())
	attrs := gh.Attributes().AsRaw()
	assert.Equal(t, "72d3162e-cc78-11e3-81ab-4c9367dc0958", attrs["webhook.event.id"])
	assert.Equal(t, []any{"292430182"}, attrs["http.request.header.x-github-hook-id"])
	assert.Equal(t, "Found a bug", gh.Body().Map().AsRaw()["issue"].(map[string]any)["title"])

	services := map[string]int{}
	for _, ld := range harness.ReadLogsExport(t, filepath.Join(c.Dir, "logs.jsonl")) {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			name, _ := rl.Resource().Attributes().Get("service.name")
			services[name.Str()] += rl.ScopeLogs().At(0).LogRecords().Len()
		}
	}
	assert.Equal(t, map[string]int{"webhook": 2, "github": 1}, services, "service.name is the route name")
}

// TestDefaultConfigTakesThePrimerCurl runs config/default.yaml, as `make run`
// does, on free ports, posts the primer's curl to its /webhook route and
// finds the record in the debug exporter's output.
func TestDefaultConfigTakesThePrimerCurl(t *testing.T) {
	config := string(harness.ReadRepoFile(t, "config/default.yaml"))
	require.Contains(t, config, "endpoint: localhost:8000", "the primer's curl posts to localhost:8000")
	ports := map[string]string{}
	config = regexp.MustCompile(`localhost:\d+`).ReplaceAllStringFunc(config, func(addr string) string {
		if _, ok := ports[addr]; !ok {
			ports[addr] = fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t))
		}
		return ports[addr]
	})
	c := harness.StartCollector(t, config)
	status, body := primerCurl(t, "http://"+ports["localhost:8000"]+"/webhook")
	require.Equal(t, http.StatusOK, status, body)
	require.Eventually(t, func() bool {
		return strings.Contains(c.Log.String(), "hello world")
	}, 30*time.Second, 50*time.Millisecond, "the debug exporter prints the record")
	assert.Contains(t, c.Log.String(), "service.name: Str(webhook)")
	assert.Contains(t, c.Log.String(), "EventName: test", "the primer's event is the record's event name")
}
