package webhookconsoleextension

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"
	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

const (
	testSecret     = "whsec_" + "c2VjcmV0LXNpZ25pbmcta2V5LW9mLTMyLWJ5dGVzIQ=="
	testToken      = "Bearer header-token-never-shown"
	testURLPass    = "url-password-never-shown"
	testQueryToken = "query-token-never-shown"
)

// sink is the webhook endpoint: it answers with the current status and
// records what it got.
type sink struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	reqs   []*http.Request
	bodies [][]byte
}

func newSink(t *testing.T, status int) *sink {
	s := &sink{status: status}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		s.bodies = append(s.bodies, body)
		status := s.status
		s.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"message":"as configured"}`))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sink) setStatus(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = code
}

func (s *sink) received() ([]*http.Request, [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...), append([][]byte(nil), s.bodies...)
}

// host holds the console as its only extension.
type host struct {
	ext map[component.ID]component.Component
}

func (h host) GetExtensions() map[component.ID]component.Component { return h.ext }

type fixture struct {
	api     string
	sink    *sink
	traces  exporter.Traces
	answers []string
}

// newFixture starts a console on a free port and a webhook exporter
// "webhook/alerts" in delivery mode, signed, with a secret header and
// credentials in its URL, delivering to a sink answering status.
func newFixture(t *testing.T, status int) *fixture {
	t.Helper()
	f := &fixture{sink: newSink(t, status)}
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	c := newConsole(cfg, extensiontest.NewNopSettings(NewFactory().Type()))
	h := host{ext: map[component.ID]component.Component{component.MustNewID("webhook_console"): c}}
	require.NoError(t, c.Start(context.Background(), h))
	t.Cleanup(func() { require.NoError(t, c.Shutdown(context.Background())) })
	f.api = "http://" + c.addr()

	u, err := url.Parse(f.sink.URL + "/hook?token=" + testQueryToken)
	require.NoError(t, err)
	u.User = url.UserPassword("user", testURLPass)
	factory := webhookexporter.NewFactory()
	ecfg := factory.CreateDefaultConfig().(*webhookexporter.Config)
	ecfg.ClientConfig.Endpoint = u.String()
	ecfg.ClientConfig.Headers.Set("Authorization", configopaque.String(testToken))
	ecfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	ecfg.TestConnection = configoptional.None[webhookexporter.TestConnectionConfig]()
	ecfg.Signature = configoptional.Some(webhookexporter.SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testSecret})
	ecfg.Delivery = configoptional.Some(*factory.CreateDefaultConfig().(*webhookexporter.Config).Delivery.GetOrInsertDefault())
	set := exportertest.NewNopSettings(factory.Type())
	set.ID = component.MustNewIDWithName("webhook", "alerts")
	f.traces, err = factory.CreateTraces(context.Background(), set, ecfg)
	require.NoError(t, err)
	require.NoError(t, f.traces.Start(context.Background(), h))
	t.Cleanup(func() { require.NoError(t, f.traces.Shutdown(context.Background())) })
	return f
}

func spans(names ...string) ptrace.Traces {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	for i, n := range names {
		s := ss.Spans().AppendEmpty()
		s.SetName(n)
		s.SetTraceID([16]byte{1, byte(i + 1)})
		s.SetSpanID([8]byte{2, byte(i + 1)})
	}
	return td
}

// call sends a request to the API and returns the status and body; every
// answer is kept to be searched for secrets.
func (f *fixture) call(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.api+path, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	f.answers = append(f.answers, resp.Header.Get("Content-Type")+"\n"+string(out))
	return resp.StatusCode, string(out)
}

func (f *fixture) deliveries(t *testing.T, query string) []console.Delivery {
	t.Helper()
	code, body := f.call(t, http.MethodGet, "/api/v1/deliveries"+query, "")
	require.Equal(t, http.StatusOK, code, body)
	var list struct{ Deliveries []console.Delivery }
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	return list.Deliveries
}

func TestExportersListed(t *testing.T) {
	f := newFixture(t, http.StatusUnauthorized)
	require.NoError(t, f.traces.ConsumeTraces(context.Background(), spans("a")))
	code, body := f.call(t, http.MethodGet, "/api/v1/exporters", "")
	require.Equal(t, http.StatusOK, code)
	var got struct {
		Exporters []map[string]any `json:"exporters"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Len(t, got.Exporters, 1)
	e := got.Exporters[0]
	assert.Equal(t, "webhook/alerts", e["exporter"])
	assert.Equal(t, "traces", e["signal"])
	assert.Equal(t, "active", e["state"])
	assert.InDelta(t, 0, e["scheduled"], 0)
	assert.InDelta(t, 1, e["dead"], 0)
	assert.Equal(t, "http://xxxxx@"+strings.TrimPrefix(f.sink.URL, "http://")+"/hook?xxxxx", e["endpoint"])
}

// A 401 period then a replay: every span arrives once more with the
// webhook-id of its first attempt, and no secret is in any answer.
func TestReplayAfterRefusals(t *testing.T) {
	f := newFixture(t, http.StatusUnauthorized)
	for _, n := range []string{"a", "b", "c"} {
		require.NoError(t, f.traces.ConsumeTraces(context.Background(), spans(n)))
		time.Sleep(2 * time.Millisecond) // distinct creation times, newest first
	}
	dead := f.deliveries(t, "?exporter=webhook/alerts&state=dead")
	require.Len(t, dead, 3)
	reqs, bodies := f.sink.received()
	require.Len(t, reqs, 3)
	assert.Equal(t, reqs[2].Header.Get("webhook-id"), dead[0].WebhookID, "newest first")
	assert.Equal(t, 401, dead[0].Attempts[0].Status)
	assert.Equal(t, `{"message":"as configured"}`, dead[0].Attempts[0].Response)
	assert.Nil(t, dead[0].NextAttemptAt)
	assert.Len(t, f.deliveries(t, "?state=dead&limit=2"), 2)
	assert.Empty(t, f.deliveries(t, "?state=scheduled"))

	code, one := f.call(t, http.MethodGet, "/api/v1/deliveries/"+url.PathEscape(dead[1].ID), "")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, one, `"id":"`+dead[1].ID+`"`)
	code, body := f.call(t, http.MethodGet, "/api/v1/deliveries/"+dead[1].ID+"/body", "")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, string(bodies[1]), body[strings.Index(body, "\n")+1:])
	assert.True(t, strings.HasPrefix(f.answers[len(f.answers)-1], "application/json"))
	// A body opened in a browser runs and loads nothing, nor can be framed.
	resp, err := http.Get(f.api + "/api/v1/deliveries/" + dead[1].ID + "/body")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, apiCSP, resp.Header.Get("Content-Security-Policy"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	// The page is searched for secrets too.
	code, page := f.call(t, http.MethodGet, "/", "")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "http://xxxxx@"+strings.TrimPrefix(f.sink.URL, "http://")+"/hook?xxxxx")
	assert.Contains(t, page, "<th>Authorization</th><td>[redacted]</td>")

	f.sink.setStatus(http.StatusOK)
	code, body = f.call(t, http.MethodPost, "/api/v1/deliveries/"+dead[2].ID+"/replay", "")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"replayed":1}`, body)
	code, body = f.call(t, http.MethodPost, "/api/v1/replay", `{"exporter":"webhook/alerts","signal":"traces","state":"dead","since":"2000-01-01T00:00:00Z"}`)
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"replayed":2}`, body)
	require.Eventually(t, func() bool { r, _ := f.sink.received(); return len(r) == 6 }, 10*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { return len(f.deliveries(t, "")) == 0 }, 10*time.Second, time.Millisecond)

	reqs, bodies = f.sink.received()
	firstID := map[string]string{}
	for i := range 3 {
		firstID[string(bodies[i])] = reqs[i].Header.Get("webhook-id")
	}
	for i := 3; i < 6; i++ {
		assert.Equal(t, firstID[string(bodies[i])], reqs[i].Header.Get("webhook-id"), "replayed with its first webhook-id")
	}
	// The result of the page's Send test is searched too.
	f.sink.setStatus(http.StatusUnauthorized)
	resp, err = http.PostForm(f.api+"/actions/test", url.Values{"exporter": {"webhook/alerts"}, "signal": {"traces"}})
	require.NoError(t, err)
	page2, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page2), "Send test to webhook/alerts (traces): HTTP 401")
	f.answers = append(f.answers, string(page2))
	f.assertNoSecrets(t, reqs)
}

func TestDeleteAndEnable(t *testing.T) {
	f := newFixture(t, http.StatusGone)
	require.NoError(t, f.traces.ConsumeTraces(context.Background(), spans("a")))
	require.NoError(t, f.traces.ConsumeTraces(context.Background(), spans("b")))
	_, body := f.call(t, http.MethodGet, "/api/v1/exporters", "")
	assert.Contains(t, body, `"state":"disabled"`)
	list := f.deliveries(t, "")
	require.Len(t, list, 2)
	assert.Contains(t, list[1].Reason, "410")
	assert.Contains(t, list[0].Reason, "disabled")
	assert.Empty(t, list[0].Attempts, "no request to a disabled endpoint")

	code, body := f.call(t, http.MethodDelete, "/api/v1/deliveries/"+list[0].ID, "")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"deleted":1}`, body)
	code, _ = f.call(t, http.MethodDelete, "/api/v1/deliveries/"+list[0].ID, "")
	assert.Equal(t, http.StatusNotFound, code)

	f.sink.setStatus(http.StatusOK)
	code, body = f.call(t, http.MethodPost, "/api/v1/exporters/enable", `{"exporter":"webhook/alerts"}`)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"state":"active"`)
	code, body = f.call(t, http.MethodPost, "/api/v1/replay", `{"exporter":"webhook/alerts"}`)
	require.Equal(t, http.StatusOK, code, body)
	assert.JSONEq(t, `{"replayed":1}`, body)
	require.Eventually(t, func() bool { r, _ := f.sink.received(); return len(r) == 2 }, 10*time.Second, time.Millisecond)

	code, body = f.call(t, http.MethodPost, "/api/v1/exporters/test", `{"exporter":"webhook/alerts","signal":"traces"}`)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"ok":true`)
	reqs, _ := f.sink.received()
	assert.Equal(t, "true", reqs[len(reqs)-1].Header.Get("X-Test-Connection"))
}

func TestAPIErrors(t *testing.T) {
	f := newFixture(t, http.StatusOK)
	for _, tc := range []struct {
		method, path, body string
		code               int
		msg                string
	}{
		{"GET", "/api/v1/deliveries/" + url.PathEscape("no/such id"), "", 404, `no delivery \"no/such id\"`},
		{"POST", "/api/v1/deliveries/nope/replay", "", 404, `no delivery \"nope\"`},
		{"GET", "/api/v1/deliveries/nope/body", "", 404, "no delivery"},
		{"GET", "/api/v1/deliveries?state=lost", "", 400, `\"state\" must be scheduled or dead`},
		{"GET", "/api/v1/deliveries?limit=0", "", 400, `\"limit\" must be a whole number`},
		{"GET", "/api/v1/deliveries?limit=x", "", 400, `\"limit\" must be a whole number`},
		{"GET", "/api/v1/deliveries?exporter=webhook/other", "", 404, `no exporter \"webhook/other\" is registered`},
		{"GET", "/api/v1/deliveries?signal=logs", "", 400, `\"signal\" needs \"exporter\"`},
		{"GET", "/api/v1/deliveries?states=dead", "", 400, `unknown query parameter \"states\": the parameters are exporter, signal, state, limit`},
		{"GET", "/api/v1/received?outcomes=refused", "", 400, `unknown query parameter \"outcomes\": the parameters are receiver, route, outcome, limit`},
		{"POST", "/api/v1/replay", "", 400, "Content-Type: application/json"},
		{"POST", "/api/v1/replay", "{", 400, "not the JSON object expected"},
		{"POST", "/api/v1/replay", `{"exporter":"webhook/alerts","extra":1}`, 400, `unknown field \"extra\"`},
		{"POST", "/api/v1/replay", `{"exporter":"webhook/alerts"} {}`, 400, "data after its JSON object"},
		{"POST", "/api/v1/replay", `{"exporter":"webhook/alerts","state":"scheduled"}`, 400, `\"state\" must be \"dead\"`},
		{"POST", "/api/v1/replay", `{"exporter":"webhook/alerts","since":"yesterday"}`, 400, `\"since\" must be an RFC 3339 time`},
		{"POST", "/api/v1/replay", `{}`, 400, `\"exporter\" is required`},
		{"POST", "/api/v1/replay", `{"exporter":"webhook/alerts","signal":"logs"}`, 404, `no exporter \"webhook/alerts\" with signal \"logs\"`},
		{"POST", "/api/v1/exporters/enable", `{"exporter":"webhook"}`, 404, `no exporter \"webhook\"`},
		{"GET", "/api/v1/nothing", "", 404, "no API route GET /api/v1/nothing"},
	} {
		code, body := f.call(t, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.code, code, "%s %s %s: %s", tc.method, tc.path, tc.body, body)
		assert.Contains(t, body, `{"error":"`, "%s %s", tc.method, tc.path)
		assert.Contains(t, body, tc.msg, "%s %s %s", tc.method, tc.path, tc.body)
	}
}

// A browser's cross-site form post (text/plain, no preflight) cannot
// replay: the API takes JSON bodies only with their content type.
func TestAPIRefusesBodiesThatAreNotJSON(t *testing.T) {
	f := newFixture(t, http.StatusOK)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		req, err := http.NewRequest(http.MethodPost, f.api+"/api/v1/replay", strings.NewReader(`{"exporter":"webhook/alerts","state":"dead"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ct)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, ct)
		assert.Contains(t, string(body), "Content-Type: application/json", ct)
	}
}

// assertNoSecrets searches every answer for the configured secrets and for
// every signature the sink received.
func (f *fixture) assertNoSecrets(t *testing.T, reqs []*http.Request) {
	t.Helper()
	secrets := []string{testSecret, strings.TrimPrefix(testSecret, "whsec_"), testToken, "header-token", testURLPass, testQueryToken}
	for _, r := range reqs {
		if sig := r.Header.Get("webhook-signature"); sig != "" {
			secrets = append(secrets, sig, strings.TrimPrefix(sig, "v1,"))
		}
	}
	all := strings.Join(f.answers, "\n")
	require.NotEmpty(t, all)
	for _, s := range secrets {
		assert.NotContains(t, all, s)
	}
	assert.True(t, bytes.Contains([]byte(all), []byte(`"Authorization":"[redacted]"`)), "the header is named, its value redacted")
}
