package webhookconsoleextension

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

const xss = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`

// pageFixture is a console with a receiver's requests and an exporter's
// deliveries, as the page shows them.
type pageFixture struct {
	*recvConsole
	exp *pageTestExporter
}

func startPageFixture(t *testing.T) *pageFixture {
	t.Helper()
	rc := startRecvConsole(t, func(cfg *Config) { cfg.Received.CaptureBodies = true })
	log, _ := rc.c.RegisterReceiver(githubReceiver("webhook"))
	at := time.Now().Add(-time.Minute)
	body := `{"action":"opened","title":"` + strings.ReplaceAll(xss, `"`, `\"`) + `"}`
	add := func(r console.Received) {
		r.Receiver, r.Method, r.Source = "webhook", http.MethodPost, "127.0.0.1"
		at = at.Add(time.Second)
		r.At = at
		log.Add(r)
	}
	add(console.Received{Route: "github", Path: "/github", Status: 200, Outcome: console.OutcomeAccepted, Items: 1, DurationMS: 1.25,
		Headers: console.Headers{{Name: "X-Github-Event", Value: "issues"}, {Name: "X-Hub-Signature-256", Value: console.Redacted}}, Body: &body})
	add(console.Received{Route: "github", Path: "/github", Status: 401, Outcome: console.OutcomeUnauthorized,
		Message: "signature verification failed: signature does not match the body with any configured secret"})
	add(console.Received{Route: "github", Path: "/github", Status: 200, Outcome: console.OutcomeDuplicate, Duplicates: 1})
	add(console.Received{Route: "github", Path: "/github", Status: 400, Outcome: console.OutcomeRefused, Message: "bad " + xss,
		Headers: console.Headers{{Name: "X-Evil", Value: xss}}})

	next := time.Now().Add(time.Hour)
	exp := &pageTestExporter{id: "webhook/alerts", signal: "traces", endpoint: "https://hooks.example.com/in",
		state: console.StateDisabled,
		test:  console.TestResult{OK: false, Status: 503, DurationMS: 12, Response: "down " + xss},
		deliveries: []console.Delivery{
			{ID: "d1", Exporter: "webhook/alerts", Signal: "traces", State: console.DeliveryDead, WebhookID: "msg_1", Items: 2, Bytes: 120,
				CreatedAt: time.Now().Add(-time.Hour), Reason: "410 Gone: the endpoint is disabled",
				Headers: map[string]string{"Content-Type": "application/json", "Webhook-Signature": console.Redacted},
				Attempts: []console.Attempt{
					{At: time.Now().Add(-time.Hour), DurationMS: 31, Status: 503, Response: "busy " + xss},
					{At: time.Now().Add(-30 * time.Minute), DurationMS: 7, Error: "dial tcp: connection refused"},
				}},
			{ID: "d2", Exporter: "webhook/alerts", Signal: "traces", State: console.DeliveryScheduled, WebhookID: "msg_2", Items: 1,
				CreatedAt: time.Now().Add(-time.Minute), NextAttemptAt: &next, Attempts: []console.Attempt{{At: time.Now(), Status: 500}}},
		}}
	rc.c.RegisterExporter(exp)
	return &pageFixture{recvConsole: rc, exp: exp}
}

// page fetches the page at path (with its query) and parses it.
func (f *pageFixture) page(t *testing.T, path string) (*http.Response, *html.Node, string) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	doc, err := html.Parse(strings.NewReader(string(raw)))
	require.NoError(t, err)
	return resp, doc, string(raw)
}

// all returns the elements for which match is true, in document order.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func hasAttr(key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, key) == val }
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestPageShowsBothDirections(t *testing.T) {
	f := startPageFixture(t)
	resp, doc, raw := f.page(t, "/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, pageCSP, resp.Header.Get("Content-Security-Policy"))
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

	// Received: newest first, one tbody per request with its outcome.
	rows := all(doc, func(n *html.Node) bool { return n.Data == "tbody" && attr(n, "data-outcome") != "" })
	var outcomes []string
	for _, r := range rows {
		outcomes = append(outcomes, attr(r, "data-outcome"))
	}
	assert.Equal(t, []string{"refused", "duplicate", "unauthorized", "accepted"}, outcomes)
	assert.Contains(t, text(rows[2]), "401 unauthorized signature verification failed: signature does not match the body with any configured secret")
	assert.Contains(t, text(rows[1]), "+1 duplicate")
	assert.Contains(t, text(rows[3]), "X-Hub-Signature-256 [redacted]")
	assert.Contains(t, text(rows[3]), "1.2 ms")

	// Sending: the exporter, its state, counts, buttons and attempt log.
	exp := all(doc, hasAttr("data-exporter", "webhook/alerts"))
	require.Len(t, exp, 1)
	assert.Equal(t, "exporter-webhook-alerts-traces", attr(exp[0], "id"))
	assert.Contains(t, text(exp[0]), "webhook/alerts traces disabled https://hooks.example.com/in · 1 scheduled · 1 dead letter")
	var buttons []string
	for _, b := range all(exp[0], tag("button")) {
		label := text(b)
		if hasDisabled(b) {
			label += " (disabled)"
		}
		buttons = append(buttons, label)
	}
	assert.Equal(t, []string{"Send test", "Enable", "Replay all dead letters", "Replay", "Delete", "Replay", "Delete"}, buttons)
	dead := all(exp[0], hasAttr("data-id", "d1"))
	require.Len(t, dead, 1)
	attempts := all(dead[0], func(n *html.Node) bool { return n.Data == "tr" && attr(n, "class") == "attempt" })
	require.Len(t, attempts, 2)
	assert.Contains(t, text(attempts[0]), "503 Service Unavailable 31 ms busy "+xss)
	assert.Contains(t, text(attempts[1]), "no response 7 ms dial tcp: connection refused")
	assert.Contains(t, text(dead[0]), "Webhook-Signature [redacted]")

	// Everything attacker-controlled is text: the only script is the
	// page's own, and no element carries an event handler.
	scripts := all(doc, tag("script"))
	require.Len(t, scripts, 1)
	assert.Equal(t, "/assets/console.js", attr(scripts[0], "src"))
	assert.Empty(t, all(doc, func(n *html.Node) bool {
		return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return strings.HasPrefix(a.Key, "on") })
	}))
	assert.Empty(t, all(doc, func(n *html.Node) bool { return n.Data == "img" }))
	assert.Contains(t, raw, "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;")
	assert.Contains(t, text(rows[0]), "X-Evil "+xss)
	assert.Contains(t, text(rows[3]), `"title":"`+strings.ReplaceAll(xss, `"`, `\"`))

	// No external asset: every reference is to the page's own origin.
	for _, n := range all(doc, func(n *html.Node) bool {
		return attr(n, "src") != "" || attr(n, "href") != "" || attr(n, "action") != ""
	}) {
		for _, key := range []string{"src", "href", "action"} {
			if v := attr(n, key); v != "" {
				assert.Regexp(t, `^(/|#)`, v, "<%s %s>", n.Data, key)
			}
		}
	}
}

func hasDisabled(n *html.Node) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "disabled" })
}

func TestPageFilters(t *testing.T) {
	f := startPageFixture(t)
	outcomes := func(query string) []string {
		t.Helper()
		resp, doc, _ := f.page(t, "/"+query)
		require.Equal(t, http.StatusOK, resp.StatusCode, query)
		var out []string
		for _, r := range all(doc, func(n *html.Node) bool { return n.Data == "tbody" && attr(n, "data-outcome") != "" }) {
			out = append(out, attr(r, "data-outcome"))
		}
		return out
	}
	assert.Equal(t, []string{"unauthorized"}, outcomes("?outcome=unauthorized"))
	assert.Equal(t, []string{"refused", "duplicate", "unauthorized", "accepted"}, outcomes("?receiver=webhook&route=github"))
	assert.Empty(t, outcomes("?route=otlp"))

	// The filter's form keeps what was chosen.
	_, doc, _ := f.page(t, "/?outcome=duplicate")
	selected := all(doc, func(n *html.Node) bool { return n.Data == "option" && hasSelected(n) })
	require.Len(t, selected, 1)
	assert.Equal(t, "duplicate", text(selected[0]))

	resp, doc, _ := f.page(t, "/?route=nope")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	result := all(doc, hasAttr("id", "result"))
	require.Len(t, result, 1)
	assert.Equal(t, `Filter: no registered receiver has a route "nope"`, text(result[0]))
	resp, _, _ = f.page(t, "/?limit=-3")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func hasSelected(n *html.Node) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "selected" })
}

// noRedirect is a client that shows the console's redirects.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// post submits a form as the page's own (same-origin) request.
func (f *pageFixture) post(t *testing.T, action string, form url.Values, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+action, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", f.srv.URL)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp
}

// result follows an action's redirect and returns the result it shows.
func (f *pageFixture) result(t *testing.T, resp *http.Response) (class, message string) {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	require.Regexp(t, regexp.MustCompile(`^/\?result=[A-Z2-7]+#[a-z0-9-]+$`), loc)
	_, doc, _ := f.page(t, loc)
	res := all(doc, hasAttr("id", "result"))
	require.Len(t, res, 1, "the page shows the result")
	return attr(res[0], "class"), text(res[0])
}

func TestPageActions(t *testing.T) {
	f := startPageFixture(t)
	exp := url.Values{"exporter": {"webhook/alerts"}, "signal": {"traces"}}

	class, msg := f.result(t, f.post(t, "/actions/test", exp))
	assert.Equal(t, "result fail", class)
	assert.Equal(t, "Send test to webhook/alerts (traces): HTTP 503 Service Unavailable in 12 ms down "+xss, msg)

	resp := f.post(t, "/actions/enable", url.Values{"exporter": {"webhook/alerts"}})
	assert.True(t, strings.HasSuffix(resp.Header.Get("Location"), "#exporter-webhook-alerts-traces"), "back to the exporter's section")
	class, msg = f.result(t, resp)
	assert.Equal(t, "result ok", class)
	assert.Equal(t, "Enabled webhook/alerts (traces): its state is active.", msg)

	class, msg = f.result(t, f.post(t, "/actions/replay-dead", exp))
	assert.Equal(t, "result ok", class)
	assert.Equal(t, "Replayed 1 dead letter of webhook/alerts (traces): scheduled for now.", msg)

	class, msg = f.result(t, f.post(t, "/actions/replay", url.Values{"id": {"d2"}}))
	assert.Equal(t, "result ok", class)
	assert.Equal(t, "Replay scheduled now: delivery d2 of webhook/alerts (traces).", msg)

	class, msg = f.result(t, f.post(t, "/actions/delete", url.Values{"id": {"d1"}}))
	assert.Equal(t, "result ok", class)
	assert.Equal(t, "Deleted: delivery d1 of webhook/alerts (traces).", msg)

	class, msg = f.result(t, f.post(t, "/actions/delete", url.Values{"id": {"d1"}}))
	assert.Equal(t, "result fail", class)
	assert.Equal(t, `Deleted: no delivery "d1" (it may have been delivered or deleted meanwhile)`, msg)

	class, msg = f.result(t, f.post(t, "/actions/replay-dead", url.Values{"exporter": {"webhook/nope"}}))
	assert.Equal(t, "result fail", class)
	assert.Equal(t, `no exporter "webhook/nope" is registered`, msg)

	assert.Equal(t, []string{"test", "enable", "replay dead", "replay d2", "delete d1"}, f.exp.called())

	// A result is shown only for an id the console handed out.
	_, doc, _ := f.page(t, "/?result=AAAA")
	assert.Empty(t, all(doc, hasAttr("id", "result")))
}

func TestPageActionsRefuseCrossSite(t *testing.T) {
	f := startPageFixture(t)
	form := url.Values{"exporter": {"webhook/alerts"}, "signal": {"traces"}}
	for name, header := range map[string][]string{
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site", "same-site", "Origin", "https://evil.example"},
		"Origin only":               {"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
	} {
		for _, action := range []string{"/actions/replay-dead", "/actions/enable", "/actions/test", "/actions/delete", "/actions/replay"} {
			resp := f.post(t, action, form, header...)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s %s", name, action)
		}
		// The JSON API is guarded the same way.
		req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/replay", strings.NewReader(`{"exporter":"webhook/alerts","signal":"traces"}`))
		require.NoError(t, err)
		for i := 0; i < len(header); i += 2 {
			if header[i+1] != "" {
				req.Header.Set(header[i], header[i+1])
			}
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, name)
		assert.JSONEq(t, `{"error":"cross-origin request refused: the console's actions are taken from its own page only"}`, string(body))
	}
	assert.Empty(t, f.exp.called(), "no cross-site request reached the exporter")
	assert.Equal(t, console.StateDisabled, f.exp.Status(t.Context()).State)

	// Reading stays open to any origin's links, and same-origin posts work.
	resp, _, _ := f.page(t, "/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	class, _ := f.result(t, f.post(t, "/actions/enable", form))
	assert.Equal(t, "result ok", class)
}

func TestPageAssets(t *testing.T) {
	f := startPageFixture(t)
	for path, contentType := range map[string]string{
		"/assets/console.css": "text/css; charset=utf-8",
		"/assets/console.js":  "text/javascript; charset=utf-8",
		"/assets/favicon.svg": "image/svg+xml",
	} {
		status, body := f.get(t, path)
		require.Equal(t, http.StatusOK, status, path)
		// An SVG's namespace is a name, not a resource.
		body = strings.ReplaceAll(body, `xmlns="http://www.w3.org/2000/svg"`, "")
		assert.NotContains(t, body, "http://", "%s references nothing outside the console", path)
		assert.NotContains(t, body, "https://", path)
		assert.NotContains(t, body, "@import", path)
		resp, err := http.Get(f.srv.URL + path)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, contentType, resp.Header.Get("Content-Type"), path)
	}
	status, _ := f.get(t, "/assets/page.html")
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = f.get(t, "/nothing")
	assert.Equal(t, http.StatusNotFound, status)

	// Whatever the API answers runs nothing, a body whatever type it
	// declares included.
	for _, path := range []string{"/api/v1/deliveries/d1/body", "/api/v1/received", "/api/v1/nothing"} {
		resp, err := http.Get(f.srv.URL + path)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "sandbox", path)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), path)
	}
	resp, err := http.Get(f.srv.URL + "/api/v1/received")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, apiCSP, resp.Header.Get("Content-Security-Policy"))
}
