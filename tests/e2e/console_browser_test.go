package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/browser"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// consoleGitHubSecret is the GitHub route's secret: it must never show.
const consoleGitHubSecret = "e2e-console-github-secret"

// evilHeader is what an attacker may put in a delivery's header: if the page
// ran it, window.pwned would be set.
const evilHeader = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2">`

// receivedRow is one received request as the browser shows it.
type receivedRow struct {
	Outcome string `json:"outcome"`
	Route   string `json:"route"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Items   string `json:"items"`
}

// readReceived reads the received table from the page in the tab.
const readReceived = `[...document.querySelectorAll("#received tbody.delivery")].map(b => {
	const cells = b.querySelectorAll("tr:first-child > td");
	return {outcome: b.dataset.outcome, route: cells[1].innerText.trim(), status: cells[3].innerText.trim(),
		message: cells[5].innerText.trim(), items: cells[6].innerText.trim()};
})`

// githubPost posts the issues delivery to the GitHub route, signed with
// secret as GitHub signs (X-Hub-Signature-256: sha256= and the hex
// HMAC-SHA256 of the body), and returns the signature header's value.
func githubPost(t *testing.T, url, secret, deliveryID string, extra ...string) (int, string) {
	t.Helper()
	issue := harness.ReadRepoFile(t, "testdata/webhooks/github/issues_opened.json")
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(issue)
	sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	status, body := harness.Post(t, http.MethodPost, url, "application/json", issue, append([]string{
		"X-Hub-Signature-256", sig, "X-GitHub-Event", "issues", "X-GitHub-Delivery", deliveryID,
		"User-Agent", "GitHub-Hookshot/044aadd"}, extra...)...)
	require.NotZero(t, status, body)
	return status, sig
}

// consoleSink is the webhook endpoint of the console's browser test: it
// answers every request with the status the test sets (a failure with a
// body that holds markup), and records the spans, webhook-id and signature
// of each.
type consoleSink struct {
	*httptest.Server
	status   atomic.Int32
	mu       sync.Mutex
	requests []consoleSinkRequest
}

type consoleSinkRequest struct {
	names                []string
	webhookID, signature string
	status               int
	test                 bool
}

// sinkDown is the failing endpoint's answer, a proxy's error page with a
// script in it.
const sinkDown = `<html><body><h1>503 Service Unavailable</h1><script>window.pwned=3</script></body></html>`

func newConsoleSink(t *testing.T) *consoleSink {
	s := &consoleSink{}
	s.status.Store(http.StatusOK)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := consoleSinkRequest{webhookID: r.Header.Get("webhook-id"), signature: r.Header.Get("webhook-signature"),
			status: int(s.status.Load()), test: r.Header.Get("X-Test-Connection") == "true"}
		if td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body); err == nil {
			for _, sp := range harness.SpansIn([]ptrace.Traces{td}) {
				req.names = append(req.names, sp.Name())
			}
		}
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
		if req.status != http.StatusOK {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(req.status)
			_, _ = io.WriteString(w, sinkDown)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.Close)
	return s
}

// of returns the requests that carried the span name, or the test
// connections when name is empty.
func (s *consoleSink) of(name string) []consoleSinkRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []consoleSinkRequest
	for _, r := range s.requests {
		if (name == "" && r.test) || (len(r.names) > 0 && r.names[0] == name) {
			out = append(out, r)
		}
	}
	return out
}

// deadRow is one delivery in the Sending section as the browser shows it.
type deadRow struct {
	State     string     `json:"state"`
	WebhookID string     `json:"webhook_id"`
	Attempts  [][]string `json:"attempts"`
}

const readSending = `[...document.querySelectorAll("#sending tbody.delivery")].map(b => ({
	state: b.dataset.state,
	webhook_id: b.querySelector('td[data-label="Webhook ID"]').innerText.trim(),
	attempts: [...b.querySelectorAll("tr.attempt")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent.trim())),
}))`

// TestConsolePageInBrowser drives the built collector's console page in a
// headless Chromium, with a webhook receiver that forwards its spans to a
// webhook exporter in delivery mode: the deliveries received with their
// verdicts, escaped and redacted; the dead letters of a failing endpoint
// with their attempt logs, replayed from the page once it recovers; Send
// test; the filter without JavaScript; a narrow screen; a cross-site form
// refused; and no credential anywhere.
func TestConsolePageInBrowser(t *testing.T) {
	const signingSecret = "whsec_ZTJlLWNvbnNvbGUtYnJvd3Nlci1zaWduaW5nLXNlY3JldA=="
	sink := newConsoleSink(t)
	sink.status.Store(http.StatusServiceUnavailable)
	rport, cport := harness.FreePort(t), harness.FreePort(t)
	harness.StartCollector(t, fmt.Sprintf(`
extensions:
  webhook_console:
    endpoint: 127.0.0.1:%d
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    webhooks:
      github:
        path: /github
        preset: github
        signature:
          secrets: [%s]
exporters:
  nop: {}
  webhook:
    endpoint: %s/hook?token=sink-query-token
    signature:
      scheme: standard_webhooks
      secret: %s
    sending_queue:
      num_consumers: 1
    delivery:
      schedule: [200ms, 400ms]
      circuit_breaker:
        failures: 0
service:
  extensions: [webhook_console]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [webhook]
      exporters: [webhook]
    logs:
      receivers: [webhook]
      exporters: [nop]
`, cport, rport, consoleGitHubSecret, sink.URL, signingSecret))
	hook := fmt.Sprintf("http://127.0.0.1:%d/github", rport)
	consoleURL := fmt.Sprintf("http://127.0.0.1:%d/", cport)

	status, sig := githubPost(t, hook, consoleGitHubSecret, "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	require.Equal(t, http.StatusOK, status)
	status, _ = githubPost(t, hook, "not-the-secret", "72d3162e-cc78-11e3-81ab-4c9367dc0959")
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = githubPost(t, hook, consoleGitHubSecret, "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	require.Equal(t, http.StatusOK, status, "GitHub redelivers: a duplicate")
	status, _ = githubPost(t, hook, consoleGitHubSecret, "a-second-delivery", "X-Evil", evilHeader)
	require.Equal(t, http.StatusOK, status)
	// Two spans into the receiver, out through the exporter to the
	// failing endpoint: three attempts each, then dead letters.
	sendSpan(t, rport, "order-1")
	sendSpan(t, rport, "order-2")
	waitConsole(t, cport, "active", 0, 2)

	ctx := browser.Start(t)
	browser.Do(t, ctx, chromedp.Navigate(consoleURL), chromedp.WaitVisible(chromedp.CSS("#received tbody.delivery")))

	rows := browser.Run(t, ctx, chromedp.Evaluate[[]receivedRow](readReceived))
	require.Len(t, rows, 6, "%+v", rows)
	// Newest first: the two spans, then the second GitHub delivery, the
	// redelivery, the forgery, the first delivery.
	assert.Equal(t, receivedRow{Outcome: "accepted", Route: "otlp", Status: "200", Items: "1"}, rows[0])
	assert.Equal(t, receivedRow{Outcome: "accepted", Route: "otlp", Status: "200", Items: "1"}, rows[1])
	assert.Equal(t, receivedRow{Outcome: "accepted", Route: "github", Status: "200", Items: "1"}, rows[2])
	assert.Equal(t, receivedRow{Outcome: "duplicate", Route: "github", Status: "200", Items: "0 +1 duplicate"}, rows[3])
	assert.Equal(t, receivedRow{Outcome: "unauthorized", Route: "github", Status: "401", Items: "0",
		Message: "signature verification failed: signature does not match the body with any configured secret"}, rows[4])
	assert.Equal(t, receivedRow{Outcome: "accepted", Route: "github", Status: "200", Items: "1"}, rows[5])

	t.Run("a header's markup is text and does not run", func(t *testing.T) {
		const evilRow = "#received tbody.delivery:nth-of-type(3)"
		browser.Do(t, ctx, chromedp.Click(chromedp.CSS(evilRow+" summary")))
		header := func(name string) string {
			return browser.Run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`[...document.querySelectorAll(%q)]
				.find(tr => tr.querySelector("th").innerText === %q).querySelector("td").innerText`, evilRow+" table.headers tr", name)))
		}
		assert.Equal(t, evilHeader, header("X-Evil"))
		assert.Equal(t, "[redacted]", header("X-Hub-Signature-256"))
		assert.True(t, browser.Run(t, ctx, chromedp.Evaluate[bool](`window.pwned === undefined`)), "markup from a delivery ran")
		assert.Equal(t, 1, browser.Run(t, ctx, chromedp.Evaluate[int](`document.scripts.length`)), "only the page's own script")
		assert.Zero(t, browser.Run(t, ctx, chromedp.Evaluate[int](`document.images.length`)))
	})

	t.Run("dead letters with their attempt logs", func(t *testing.T) {
		exporter := browser.Run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#sending section.exporter").innerText`))
		assert.Contains(t, exporter, "webhook traces active")
		assert.Contains(t, exporter, "0 scheduled · 2 dead letters")
		dead := browser.Run(t, ctx, chromedp.Evaluate[[]deadRow](readSending))
		require.Len(t, dead, 2)
		for i, name := range []string{"order-2", "order-1"} {
			sent := sink.of(name)
			require.Len(t, sent, 3, name)
			assert.Equal(t, "dead", dead[i].State)
			assert.Equal(t, sent[0].webhookID, dead[i].WebhookID, name)
			require.Len(t, dead[i].Attempts, 3, name)
			for _, a := range dead[i].Attempts {
				require.Len(t, a, 5)
				assert.Equal(t, "503 Service Unavailable", a[1])
				assert.Regexp(t, `^\d+ ms$`, a[2])
				assert.Equal(t, sinkDown, a[4], "the response's markup as text")
			}
		}
		browser.Do(t, ctx, chromedp.Click(chromedp.CSS("#sending tbody.delivery summary")))
		assert.True(t, browser.Run(t, ctx, chromedp.Evaluate[bool](`window.pwned === undefined`)), "markup from a response ran")
	})

	t.Run("no credential shows", func(t *testing.T) {
		page := browser.Run(t, ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		for _, secret := range []string{consoleGitHubSecret, strings.TrimPrefix(sig, "sha256="), signingSecret,
			strings.TrimPrefix(signingSecret, "whsec_"), "sink-query-token"} {
			assert.NotContains(t, page, secret)
		}
		for _, r := range sink.of("order-1") {
			require.NotEmpty(t, r.signature)
			assert.NotContains(t, page, r.signature)
		}
		assert.Contains(t, page, "/hook?xxxxx", "the endpoint's query is redacted")
	})

	// The screenshot shows the forgery's headers and a dead letter's
	// attempt log.
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS("#received tbody.delivery:nth-of-type(3) summary")),
		chromedp.Click(chromedp.CSS("#received tbody.delivery:nth-of-type(5) summary")))
	saveConsoleScreenshot(t, ctx)

	t.Run("a cross-site form is refused", func(t *testing.T) {
		// Another site (localhost is not 127.0.0.1 to the browser) posts
		// the Replay all dead letters form, as a malicious page would.
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<form method="post" action="%sactions/replay-dead"><input name="exporter" value="webhook"><input name="signal" value="traces"></form>
<script>document.forms[0].submit()</script>`, consoleURL)
		}))
		t.Cleanup(evil.Close)
		browser.Do(t, ctx, chromedp.Navigate(strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)),
			// The browser shows the console's plain-text answer in a <pre>.
			chromedp.WaitReady(chromedp.CSS("pre")))
		assert.Equal(t, consoleURL+"actions/replay-dead", browser.Run(t, ctx, chromedp.Location()))
		assert.Equal(t, "cross-origin request refused: the console's actions are taken from its own page only",
			browser.Run(t, ctx, chromedp.Evaluate[string](`document.body.innerText.trim()`)))
		waitConsole(t, cport, "active", 0, 2)
		assert.Len(t, sink.of("order-1"), 3, "nothing was replayed")
	})

	t.Run("Replay all dead letters delivers them once the endpoint recovers", func(t *testing.T) {
		sink.status.Store(http.StatusOK)
		browser.Do(t, ctx, chromedp.Navigate(consoleURL))
		browser.Submit(t, ctx, chromedp.Click(chromedp.CSS(`#sending form[action="/actions/replay-dead"] button`)))
		assert.Equal(t, "Replayed 2 dead letters of webhook (traces): scheduled for now.",
			browser.Run(t, ctx, chromedp.Evaluate[string](`document.getElementById("result").innerText.trim()`)))
		assert.Contains(t, browser.Run(t, ctx, chromedp.Location()), "#exporter-webhook-traces")
		for _, name := range []string{"order-1", "order-2"} {
			require.Eventually(t, func() bool {
				got := sink.of(name)
				return len(got) == 4 && got[3].status == http.StatusOK
			}, 30*time.Second, 20*time.Millisecond, "%s delivered at the sink", name)
			got := sink.of(name)
			assert.Equal(t, got[0].webhookID, got[3].webhookID, "%s with its first webhook-id", name)
		}
		waitConsole(t, cport, "active", 0, 0)
		browser.Do(t, ctx, chromedp.Navigate(consoleURL), chromedp.WaitVisible(chromedp.CSS("#sending section.exporter")))
		assert.Contains(t, browser.Run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#sending section.exporter").innerText`)),
			"No scheduled delivery and no dead letter.")
	})

	t.Run("Send test shows its result", func(t *testing.T) {
		browser.Submit(t, ctx, chromedp.Click(chromedp.CSS(`#sending form[action="/actions/test"] button`)))
		result := browser.Run(t, ctx, chromedp.Evaluate[string](`document.getElementById("result").innerText.trim()`))
		assert.Regexp(t, `^Send test to webhook \(traces\): HTTP 200 OK in \d+ ms$`, result)
		assert.Len(t, sink.of(""), 1, "one test-connection request at the sink")
	})

	t.Run("the filter works without JavaScript", func(t *testing.T) {
		browser.Do(t, ctx,
			browser.Scripts(false),
			chromedp.Navigate(consoleURL),
			chromedp.SetValue(chromedp.CSS(`select[name="outcome"]`), "unauthorized"))
		// The unfiltered page has the row too: wait for the form's page.
		browser.Submit(t, ctx, chromedp.Click(chromedp.CSS(`form.filter button`)))
		rows := browser.Run(t, ctx, chromedp.Evaluate[[]receivedRow](readReceived))
		require.Len(t, rows, 1)
		assert.Equal(t, "unauthorized", rows[0].Outcome)
		assert.Contains(t, browser.Run(t, ctx, chromedp.Location()), "outcome=unauthorized")
		browser.Do(t, ctx, browser.Scripts(true))
	})

	t.Run("a narrow screen needs no sideways scrolling", func(t *testing.T) {
		browser.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(consoleURL),
			chromedp.WaitVisible(chromedp.CSS("#received tbody.delivery")))
		fits := browser.Run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
		assert.True(t, fits, "the page is wider than a phone's screen")
		browser.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	})
}

// saveConsoleScreenshot saves the page as a test artefact under build/ and,
// with UPDATE_CONSOLE_SCREENSHOT=1, as the documentation's docs/console.png.
func saveConsoleScreenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	path := filepath.Join(harness.RepoRoot, "build", "test-artifacts", "console.png")
	browser.Screenshot(t, ctx, path)
	t.Logf("screenshot of the console page: %s", path)
	if os.Getenv("UPDATE_CONSOLE_SCREENSHOT") == "1" {
		browser.Screenshot(t, ctx, filepath.Join(harness.RepoRoot, "docs", "console.png"))
	}
}
