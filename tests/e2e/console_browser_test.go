package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// TestConsolePageInBrowser drives the built collector's console page in a
// headless Chromium: the deliveries a webhook receiver answered, with their
// verdicts, escaped and redacted, its filter without JavaScript, a narrow
// screen, and a cross-site form refused.
func TestConsolePageInBrowser(t *testing.T) {
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
service:
  extensions: [webhook_console]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [webhook]
      exporters: [nop]
`, cport, rport, consoleGitHubSecret))
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

	ctx := browser.Start(t)
	browser.Do(t, ctx, chromedp.Navigate(consoleURL), chromedp.WaitVisible(chromedp.CSS("#received tbody.delivery")))

	rows := browser.Run(t, ctx, chromedp.Evaluate[[]receivedRow](readReceived))
	require.Len(t, rows, 4, "%+v", rows)
	// Newest first: the second delivery, the redelivery, the forgery, the
	// first delivery.
	assert.Equal(t, receivedRow{Outcome: "accepted", Route: "github", Status: "200", Items: "1"}, rows[0])
	assert.Equal(t, receivedRow{Outcome: "duplicate", Route: "github", Status: "200", Items: "0 +1 duplicate"}, rows[1])
	assert.Equal(t, receivedRow{Outcome: "unauthorized", Route: "github", Status: "401", Items: "0",
		Message: "signature verification failed: signature does not match the body with any configured secret"}, rows[2])
	assert.Equal(t, receivedRow{Outcome: "accepted", Route: "github", Status: "200", Items: "1"}, rows[3])

	t.Run("a header's markup is text and does not run", func(t *testing.T) {
		browser.Do(t, ctx, chromedp.Click(chromedp.CSS("#received tbody.delivery:first-of-type summary")))
		shown := browser.Run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#received tbody.delivery:first-of-type table.headers tr")]
			.find(tr => tr.querySelector("th").innerText === "X-Evil").querySelector("td").innerText`))
		assert.Equal(t, evilHeader, shown)
		assert.True(t, browser.Run(t, ctx, chromedp.Evaluate[bool](`window.pwned === undefined`)), "the header's script ran")
		assert.Equal(t, 1, browser.Run(t, ctx, chromedp.Evaluate[int](`document.scripts.length`)), "only the page's own script")
		assert.Zero(t, browser.Run(t, ctx, chromedp.Evaluate[int](`document.images.length`)))
		signature := browser.Run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#received tbody.delivery:first-of-type table.headers tr")]
			.find(tr => tr.querySelector("th").innerText === "X-Hub-Signature-256").querySelector("td").innerText`))
		assert.Equal(t, "[redacted]", signature)
	})

	t.Run("no credential shows", func(t *testing.T) {
		page := browser.Run(t, ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		assert.NotContains(t, page, consoleGitHubSecret)
		assert.NotContains(t, page, strings.TrimPrefix(sig, "sha256="))
	})

	t.Run("the filter works without JavaScript", func(t *testing.T) {
		browser.Do(t, ctx,
			browser.Scripts(false),
			chromedp.Navigate(consoleURL),
			chromedp.SetValue(chromedp.CSS(`select[name="outcome"]`), "unauthorized"),
			chromedp.Click(chromedp.CSS(`form.filter button`)),
			chromedp.WaitVisible(chromedp.CSS(`#received tbody[data-outcome="unauthorized"]`)),
		)
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

	t.Run("a cross-site form is refused", func(t *testing.T) {
		// Another site (localhost is not 127.0.0.1 to the browser) posts a
		// form to the console's action, as a malicious page would.
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<form method="post" action="%sactions/test"><input name="exporter" value="webhook"></form>
<script>document.forms[0].submit()</script>`, consoleURL)
		}))
		t.Cleanup(evil.Close)
		browser.Do(t, ctx, chromedp.Navigate(strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)),
			// The browser shows the console's plain-text answer in a <pre>.
			chromedp.WaitReady(chromedp.CSS("pre")))
		assert.Equal(t, consoleURL+"actions/test", browser.Run(t, ctx, chromedp.Location()))
		assert.Equal(t, "cross-origin request refused: the console's actions are taken from its own page only",
			browser.Run(t, ctx, chromedp.Evaluate[string](`document.body.innerText.trim()`)))
	})

	browser.Do(t, ctx, chromedp.Navigate(consoleURL), chromedp.WaitVisible(chromedp.CSS("#received tbody.delivery")),
		chromedp.Click(chromedp.CSS("#received tbody.delivery:nth-of-type(3) summary")))
	saveConsoleScreenshot(t, ctx)
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
