package docs

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

const (
	consolePage = "docs/console.md"
	// consolePort is the console's port the page's curls target.
	consolePort = "localhost:13134"
	// pageDeliveryID is the page's illustrative delivery ID.
	pageDeliveryID = "3f9c0e5a7b21d4c86e10"
	// consoleDeadLetters is how many dead letters the test makes: the page
	// replays two in bulk.
	consoleDeadLetters = 2
)

// consolePageCalls are the API calls the page must show with curl.
var consolePageCalls = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^curl -s localhost:13134/api/v1/exporters$`),
	regexp.MustCompile(`(?m)^curl -s 'localhost:13134/api/v1/deliveries\?[^']*state=dead`),
	regexp.MustCompile(`(?m)^curl -s localhost:13134/api/v1/deliveries/` + pageDeliveryID + `$`),
	regexp.MustCompile(`(?m)^curl -s localhost:13134/api/v1/deliveries/` + pageDeliveryID + `/body$`),
	regexp.MustCompile(`(?m)^curl -s -X POST localhost:13134/api/v1/deliveries/` + pageDeliveryID + `/replay$`),
	regexp.MustCompile(`(?m)^curl -s -X POST localhost:13134/api/v1/replay .*"since"`),
	regexp.MustCompile(`(?m)^curl -s -X POST localhost:13134/api/v1/exporters/enable `),
	regexp.MustCompile(`(?m)^curl -s -X DELETE localhost:13134/api/v1/deliveries/` + pageDeliveryID + `$`),
	regexp.MustCompile(`(?m)^curl -s -X POST localhost:13134/api/v1/deliveries/nope/replay$`),
	regexp.MustCompile(`(?m)^curl -s 'localhost:13134/api/v1/received\?route=github&outcome=unauthorized`),
}

// sentBodies is the test's webhook endpoint: it refuses every delivery
// with 401, as the page's expired token does, and keeps each body it got
// by its webhook-id.
type sentBodies struct {
	mu     sync.Mutex
	bodies map[string][]byte
}

func (s *sentBodies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.bodies[r.Header.Get("Webhook-Id")] = b
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = io.WriteString(w, `{"error":"invalid token"}`)
}

func (s *sentBodies) get(webhookID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[webhookID]
}

// consoleConfig realises the page's scenario: the webhook exporter of
// examples/reliable-webhook-delivery.yaml (Standard Webhooks signing, an
// Authorization header, delivery mode) sending to an endpoint that refuses
// its token, and the receiver of the page's received example.
func consoleConfig(console, otlp, receiver int, endpoint string) string {
	return fmt.Sprintf(`extensions:
  webhook_console:
    endpoint: 127.0.0.1:%d
    received:
      capture_bodies: true
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
  webhook:
    endpoint: 127.0.0.1:%d
    webhooks:
      github:
        path: /github
        preset: github
        signature:
          secrets: ["console-test-github-secret"]
exporters:
  debug: {}
  webhook:
    endpoint: %s/otel
    headers:
      Authorization: Bearer expired-token
    signature:
      scheme: standard_webhooks
      secret: whsec_Y29uc29sZS10ZXN0LXNpZ25pbmctc2VjcmV0
    delivery: {}
service:
  extensions: [webhook_console]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [webhook]
    logs:
      receivers: [webhook]
      exporters: [debug]
`, console, otlp, receiver, endpoint)
}

// TestConsolePageCurls runs every curl of docs/console.md, in page order
// in one shell, against a lean collector in the page's scenario: two dead
// letters of a 401 period and a forged GitHub delivery. The page's IDs,
// times and counts are illustrative, so each answer is compared by shape
// with the one the page prints (keys recursively, JSON types) and by value
// except for the volatile keys (consoleVolatile). Every call that needs a
// delivery gets the same real dead letter: the page replays it, then
// deletes it; before each block the script waits until no delivery is
// scheduled, so the replayed letters have failed again (401 is final) and
// are dead when the next block runs. The /deliveries/{id} and /body pair,
// shown without answers, is checked against the page's delivery and the
// body the endpoint received.
func TestConsolePageCurls(t *testing.T) {
	page := readMarkdown(t, consolePage)
	s := readCurls(page, nil)
	for _, err := range s.problems {
		// The console's port is not make run's concern, and the page's
		// delivery and body are shown without answers: both are checked below.
		if !regexp.MustCompile(`does not target make run|is not followed by the answer`).MatchString(err.Error()) {
			t.Error(err)
		}
	}
	onPage := 0
	for _, f := range page.fences() {
		for _, l := range f.body {
			if strings.HasPrefix(strings.TrimSpace(l), "curl ") {
				onPage++
			}
		}
	}
	require.Equal(t, onPage, len(s.calls), "every curl of the page is read")
	require.GreaterOrEqual(t, len(s.calls), 10, "the page's API calls")
	var commands []string
	for _, c := range s.calls {
		commands = append(commands, c.command)
	}
	for _, call := range consolePageCalls {
		assert.Regexp(t, call, strings.Join(commands, "\n"), "%s shows this call of the API", consolePage)
	}
	for _, c := range s.calls {
		require.Contains(t, c.command, consolePort+"/api/v1/", "%s:%d: the console's curls target its API on %s", consolePage, c.line, consolePort)
		if len(c.want) == 0 {
			require.Regexp(t, `^curl -s localhost:13134/api/v1/deliveries/[^/ ]+(/body)?$`, c.command,
				"%s:%d: only a delivery and its body are shown without their answer", consolePage, c.line)
		}
	}

	sink := &sentBodies{bodies: map[string][]byte{}}
	endpoint := httptest.NewServer(sink)
	t.Cleanup(endpoint.Close)
	consolePortNum, otlpPort, receiverPort := harness.FreePort(t), harness.FreePort(t), harness.FreePort(t)
	start := time.Now().UTC()
	startLean(t, consoleConfig(consolePortNum, otlpPort, receiverPort, endpoint.URL))
	api := fmt.Sprintf("http://127.0.0.1:%d/api/v1", consolePortNum)

	// One trace per request, each waited for, so that each is a delivery.
	for i := range consoleDeadLetters {
		status, body := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", otlpPort), "application/json", otlpTrace(i))
		require.Equal(t, http.StatusOK, status, body)
		require.Eventually(t, func() bool {
			e, err := consoleExporter(api)
			return err == nil && e["scheduled"] == 0.0 && e["dead"] == float64(i+1)
		}, 10*time.Second, 20*time.Millisecond, "delivery %d dies at its first 401", i+1)
	}
	var dead struct {
		Deliveries []struct {
			ID        string `json:"id"`
			WebhookID string `json:"webhook_id"`
		} `json:"deliveries"`
	}
	getJSON(t, api+"/deliveries?state=dead", &dead)
	require.Len(t, dead.Deliveries, consoleDeadLetters)
	id, webhookID := dead.Deliveries[0].ID, dead.Deliveries[0].WebhookID
	require.NotEmpty(t, sink.get(webhookID), "the endpoint got the delivery")

	postForgedGitHubDelivery(t, receiverPort)

	// The page's "since" is the start of its incident: it must be before
	// the test's deliveries to replay them.
	script := s.text
	if since := regexp.MustCompile(`"since":"([^"]+)"`).FindStringSubmatch(script); since != nil {
		at, err := time.Parse(time.RFC3339, since[1])
		require.NoError(t, err, "the page's since is RFC 3339")
		if !at.Before(start) {
			script = strings.ReplaceAll(script, since[1], start.Add(-time.Minute).Format(time.RFC3339))
		}
	}
	script = strings.ReplaceAll(script, consolePort, fmt.Sprintf("127.0.0.1:%d", consolePortNum))
	script = strings.ReplaceAll(script, pageDeliveryID, id)
	script = regexp.MustCompile(`(?m)^# `+regexp.QuoteMeta(consolePage)+`:\d+$`).ReplaceAllString(script, "settle\n$0")
	answers := runConsoleCurls(t, script, api, len(s.calls))

	var pageDelivery any // the page's D: the first delivery it lists
	checked := 0
	for i, c := range s.calls {
		a := answers[i]
		where := fmt.Sprintf("%s:%d: %s", consolePage, c.line, c.command)
		if len(c.want) > 0 {
			want := parsePageAnswer(t, where, c.want)
			if m, ok := want.(map[string]any); ok {
				if ds, ok := m["deliveries"].([]any); ok && len(ds) > 0 && pageDelivery == nil {
					pageDelivery = ds[0]
				}
			}
			status := http.StatusOK
			if m, ok := want.(map[string]any); ok && m["error"] != nil {
				status = http.StatusNotFound // the page's error is an unknown delivery
			}
			assert.Equal(t, status, a.status, "%s: %s", where, a.body)
			var got any
			require.NoError(t, json.Unmarshal([]byte(a.body), &got), "%s: the answer is JSON:\n%s", where, a.body)
			compareAnswer(t, where, "$", want, got)
			checked++
			continue
		}
		assert.Equal(t, http.StatusOK, a.status, "%s: %s", where, a.body)
		if strings.HasSuffix(c.command, "/body") {
			assert.Equal(t, string(sink.get(webhookID)), a.body, "%s: the body as the exporter sent it", where)
			assert.True(t, json.Valid([]byte(a.body)), "%s: the exporter sends JSON", where)
		} else {
			require.NotNil(t, pageDelivery, "%s: the page lists a delivery before it shows one", where)
			var got any
			require.NoError(t, json.Unmarshal([]byte(a.body), &got), "%s: the answer is JSON:\n%s", where, a.body)
			compareAnswer(t, where, "$", pageDelivery, got)
		}
		checked++
	}
	assert.Equal(t, len(s.calls), checked, "every curl of the page is checked")
}
