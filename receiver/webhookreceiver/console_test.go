package webhookreceiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"
	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

const githubSecret2 = "console-test-github-secret"

// consoleHost is a host whose only extension is the webhook console.
type consoleHost struct {
	ext map[component.ID]component.Component
}

func (h *consoleHost) GetExtensions() map[component.ID]component.Component { return h.ext }

// consoleEnv is a receiver, in a traces and a logs pipeline, on a host that
// runs the webhook console.
type consoleEnv struct {
	*testEnv
	consoleURL string
}

// startWithConsole starts the console (configured by consoleCfg) and then
// the receiver (configured by modify), as the collector starts extensions
// before receivers.
func startWithConsole(t *testing.T, modify func(*Config), consoleCfg func(*webhookconsoleextension.Config)) *consoleEnv {
	t.Helper()
	f := webhookconsoleextension.NewFactory()
	ccfg := f.CreateDefaultConfig().(*webhookconsoleextension.Config)
	ccfg.ServerConfig.NetAddr.Endpoint = fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t))
	if consoleCfg != nil {
		consoleCfg(ccfg)
	}
	require.NoError(t, ccfg.Validate())
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), ccfg)
	require.NoError(t, err)
	host := &consoleHost{ext: map[component.ID]component.Component{component.NewID(f.Type()): ext}}
	require.NoError(t, ext.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(context.Background())) })
	env := startOnHost(t, host, modify, nil)
	return &consoleEnv{testEnv: env, consoleURL: "http://" + ccfg.ServerConfig.NetAddr.Endpoint}
}

// startOnHost is startPipelines (traces and logs) on host.
func startOnHost(t *testing.T, host component.Host, modify func(*Config), nextTraces consumer.Traces) *testEnv {
	t.Helper()
	return startPipelinesOn(t, host, modify, nil, nextTraces, nil, true, true)
}

// received returns what the console's API lists for the receiver, newest
// first, once it lists n requests.
func (e *consoleEnv) received(n int, query ...string) []console.Received {
	e.t.Helper()
	var list []console.Received
	require.Eventually(e.t, func() bool {
		resp, err := http.Get(e.consoleURL + "/api/v1/received?limit=1000&" + strings.Join(query, "&"))
		require.NoError(e.t, err)
		defer resp.Body.Close()
		require.Equal(e.t, http.StatusOK, resp.StatusCode)
		var out struct {
			Received []console.Received `json:"received"`
		}
		require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&out))
		list = out.Received
		return len(list) >= n
	}, 5*time.Second, 10*time.Millisecond)
	require.Len(e.t, list, n)
	return list
}

func TestConsoleSeesGitHubDeliveries(t *testing.T) {
	env := startWithConsole(t, withYAML(t, presetRoute("github", githubSecret2)+`    required_headers: {X-Org-Pass: hunter2-org}`), nil)
	d := readDelivery(t, "github", "issues_opened")
	signed := githubSign(githubSecret2, d, time.Now())
	resp := env.post("/github", d, append(signed, "X-Org-Pass", "hunter2-org", "Authorization", "Bearer abc.def", "X-Api-Key", "k-123",
		"X-My-Token", "t-123", "Cookie", "session=s-123")...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	resp = env.post("/github", d, "X-Hub-Signature-256", "sha256=0000000000000000000000000000000000000000000000000000000000000000", "X-Org-Pass", "hunter2-org")
	require.Equal(t, http.StatusUnauthorized, resp.status)
	resp = env.post("/github", d, append(signed, "X-Org-Pass", "hunter2-org")...)
	require.Equal(t, http.StatusOK, resp.status)
	require.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)

	list := env.received(3, "receiver=webhook", "route=github")
	dup, bad, ok := list[0], list[1], list[2]

	assert.Equal(t, "webhook", ok.Receiver)
	assert.Equal(t, "github", ok.Route)
	assert.Equal(t, http.MethodPost, ok.Method)
	assert.Equal(t, "/github", ok.Path)
	assert.Equal(t, "127.0.0.1", ok.Source)
	assert.Equal(t, http.StatusOK, ok.Status)
	assert.Equal(t, console.OutcomeAccepted, ok.Outcome)
	assert.Equal(t, 1, ok.Items)
	assert.Zero(t, ok.Duplicates)
	assert.Empty(t, ok.Message)
	assert.Greater(t, ok.DurationMS, 0.0)
	assert.WithinDuration(t, time.Now(), ok.At, time.Minute)
	assert.Equal(t, "issues", ok.Headers.Get("X-Github-Event"))
	assert.Equal(t, "72d3162e-cc78-11e3-81ab-4c9367dc0958", ok.Headers.Get("X-Github-Delivery"))
	for _, name := range []string{"X-Hub-Signature-256", "X-Org-Pass", "Authorization", "X-Api-Key", "X-My-Token", "Cookie"} {
		assert.Equal(t, console.Redacted, ok.Headers.Get(name), name)
	}
	assert.Nil(t, ok.Body, "bodies are not captured by default")

	assert.Equal(t, http.StatusUnauthorized, bad.Status)
	assert.Equal(t, console.OutcomeUnauthorized, bad.Outcome)
	assert.Equal(t, "signature verification failed: signature does not match the body with any configured secret", bad.Message)
	assert.Zero(t, bad.Items)

	assert.Equal(t, http.StatusOK, dup.Status)
	assert.Equal(t, console.OutcomeDuplicate, dup.Outcome)
	assert.Zero(t, dup.Items)
	assert.Equal(t, 1, dup.Duplicates)

	// No secret, signature or configured value is anywhere in the answer.
	raw, err := http.Get(env.consoleURL + "/api/v1/received")
	require.NoError(t, err)
	body, _ := io.ReadAll(raw.Body)
	_ = raw.Body.Close()
	for _, secret := range []string{githubSecret2, signed[1], "hunter2-org", "abc.def", "k-123", "t-123", "s-123"} {
		assert.NotContains(t, string(body), secret)
	}
}

func TestConsoleOutcomes(t *testing.T) {
	env := startWithConsole(t, func(c *Config) {
		c.AllowedSources = []string{"192.0.2.0/24"}
		c.LogsPath = "/v1/logs"
		c.ServerConfig.MaxRequestBodySize = 1 << 10
		c.Webhooks = map[string]RouteConfig{"hook": {SenderConfig: SenderConfig{Path: "/hook"}}}
	}, nil)
	env.do(http.MethodPost, "/v1/traces", []byte(`{}`), "Content-Type", "application/json")                // 403
	env.do(http.MethodPost, "/hook", bytes.Repeat([]byte("x"), 2<<10), "Content-Type", "application/json") // 413
	env.do(http.MethodPost, "/hook", []byte(`{"a":`), "Content-Type", "application/json")                  // 400
	env.do(http.MethodGet, "/hook", nil)                                                                   // 405
	env.do(http.MethodPost, "/nowhere", []byte(`{}`), "Content-Type", "application/json")                  // 404
	env.do(http.MethodPost, "/hook", nil, "X-Test-Connection", "true")                                     // test
	env.do(http.MethodGet, "/health", nil)                                                                 // not reported
	var gz bytes.Buffer
	gz.WriteString("not gzip")
	env.do(http.MethodPost, "/hook", gz.Bytes(), "Content-Type", "application/json", "Content-Encoding", "gzip") // 400 in confighttp

	list := env.received(7)
	type row struct {
		route, path string
		status      int
		outcome     string
	}
	var got []row
	for _, r := range list {
		got = append(got, row{r.Route, r.Path, r.Status, r.Outcome})
	}
	assert.Equal(t, []row{
		{"hook", "/hook", 400, console.OutcomeRefused},
		{"hook", "/hook", 200, console.OutcomeTest},
		{"", "/nowhere", 404, console.OutcomeRefused},
		{"hook", "/hook", 405, console.OutcomeRefused},
		{"hook", "/hook", 400, console.OutcomeRefused},
		{"hook", "/hook", 413, console.OutcomeTooLarge},
		{"otlp", "/v1/traces", 403, console.OutcomeForbidden},
	}, got)
	assert.Equal(t, `source address 127.0.0.1 is not allowed to post to "/v1/traces"`, list[6].Message)
	assert.Equal(t, "request body exceeds max_request_body_size of 1024 bytes (after decompression)", list[5].Message)
	assert.Equal(t, "body is not JSON: it ends at byte 5 before the value does", list[4].Message)
	assert.Equal(t, "method GET is not allowed: use POST or PUT", list[3].Message)
	assert.Contains(t, list[2].Message, `no endpoint at "/nowhere"`)
	assert.Contains(t, list[0].Message, "gzip")
}

func TestConsoleUnavailableAndSource(t *testing.T) {
	f := webhookconsoleextension.NewFactory()
	ccfg := f.CreateDefaultConfig().(*webhookconsoleextension.Config)
	ccfg.ServerConfig.NetAddr.Endpoint = fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t))
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), ccfg)
	require.NoError(t, err)
	host := &consoleHost{ext: map[component.ID]component.Component{component.NewID(f.Type()): ext}}
	require.NoError(t, ext.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(context.Background())) })
	te := startOnHost(t, host, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1"} }, consumertest.NewErr(errors.New("queue is full")))
	env := &consoleEnv{testEnv: te, consoleURL: "http://" + ccfg.ServerConfig.NetAddr.Endpoint}

	resp := env.postJSON(tracesJSON(t, [2]string{"0102030405060708090a0b0c0d0e0f10", "0102030405060708"}), "X-Forwarded-For", "203.0.113.7, 127.0.0.1")
	require.Equal(t, http.StatusServiceUnavailable, resp.status)
	list := env.received(1)
	assert.Equal(t, console.OutcomeUnavailable, list[0].Outcome)
	assert.Equal(t, "pipeline refused the data, retry later: queue is full", list[0].Message)
	assert.Equal(t, "203.0.113.7", list[0].Source, "the client behind the trusted proxy")
	assert.Equal(t, "otlp", list[0].Route)
}

func TestConsoleCapturesBodies(t *testing.T) {
	env := startWithConsole(t, func(c *Config) {
		c.Webhooks = map[string]RouteConfig{"hook": {SenderConfig: SenderConfig{Path: "/hook"}}}
	}, func(c *webhookconsoleextension.Config) {
		c.Received.CaptureBodies = true
		c.Received.MaxBodyBytes = 16
	})
	env.do(http.MethodPost, "/hook", []byte(`{"event":"short"}`), "Content-Type", "application/json")
	env.do(http.MethodPost, "/hook", []byte(`{"note":"ééééééééé"}`), "Content-Type", "application/json")
	env.do(http.MethodPost, "/v1/traces", []byte{0x0a, 0xff, 0xfe, 0x00}, "Content-Type", "application/x-protobuf")
	env.do(http.MethodPost, "/hook", []byte(`{}`), "Content-Type", "text/csv")

	list := env.received(4)
	unread, binary, cut, short := list[0], list[1], list[2], list[3]

	require.NotNil(t, short.Body)
	assert.Equal(t, `{"event":"short"`, *short.Body)
	assert.True(t, short.BodyTruncated)
	assert.Equal(t, 17, short.BodySize)

	require.NotNil(t, cut.Body)
	assert.Equal(t, `{"note":"ééé`, *cut.Body, "cut before a character split by the limit")
	assert.True(t, cut.BodyTruncated)

	require.NotNil(t, binary.Body)
	assert.Empty(t, *binary.Body)
	assert.Equal(t, `it is not UTF-8 text (Content-Type "application/x-protobuf")`, binary.BodyOmitted)

	assert.Equal(t, http.StatusUnsupportedMediaType, unread.Status)
	assert.Equal(t, "the receiver answered before reading it", unread.BodyOmitted)
}

func TestConsoleBodiesWithoutContentWhereTheRouteRedacts(t *testing.T) {
	env := startWithConsole(t, func(c *Config) {
		withHelicone(c)
		c.RedactContent = true
	}, func(c *webhookconsoleextension.Config) {
		c.Received.CaptureBodies = true
		c.Received.MaxBodyBytes = 1 << 20
	})
	require.Equal(t, http.StatusOK, env.postHelicone(readHelicone(t, "openai_chat.json")).status)
	require.Equal(t, http.StatusOK, env.postJSON(readTestdata(t, "chat_privacy_off.json")).status)
	env.do(http.MethodPost, "/v1/traces", []byte{0x0a, 0x00}, "Content-Type", "application/x-protobuf")

	list := env.received(3)
	proto, otlp, helicone := list[0], list[1], list[2]

	require.NotNil(t, helicone.Body)
	assert.NotContains(t, *helicone.Body, "reset my password")
	assert.NotContains(t, *helicone.Body, "Reset password")
	assert.NotContains(t, *helicone.Body, "X-Amz-Signature")
	var h map[string]any
	require.NoError(t, json.Unmarshal([]byte(*helicone.Body), &h))
	assert.Equal(t, "550e8400-e29b-41d4-a716-446655440000", h["request_id"], "what is not content stays")
	assert.Equal(t, map[string]any{"cost": 0.00018, "promptTokens": 24.0, "completionTokens": 12.0, "totalTokens": 36.0, "latencyMs": 1240.0}, h["metadata"])
	assert.NotContains(t, h, "request_body")

	require.NotNil(t, otlp.Body)
	assert.NotContains(t, *otlp.Body, "gen_ai.prompt")
	assert.NotContains(t, *otlp.Body, "reset my password")
	assert.Contains(t, *otlp.Body, "gen_ai.usage.prompt_tokens")
	var td ptrace.Traces
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(*otlp.Body))
	require.NoError(t, err, "what is left is OTLP JSON still")
	assert.Positive(t, td.SpanCount())

	assert.Empty(t, *proto.Body)
	assert.Contains(t, proto.BodyOmitted, "redact_content")
}

func TestConsoleUnregistersAtShutdown(t *testing.T) {
	env := startWithConsole(t, withHelicone, nil)
	receivers := func() string {
		resp, err := http.Get(env.consoleURL + "/api/v1/receivers")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	assert.Contains(t, receivers(), `{"route":"otlp","path":"/v1/traces","signal":"traces","served":true}`)
	assert.Contains(t, receivers(), `{"route":"helicone","path":"/helicone","signal":"traces","served":true}`)
	require.NoError(t, env.rcv.Shutdown(context.Background()))
	assert.JSONEq(t, `{"receivers":[]}`, receivers())
}

func TestNoConsoleNoRecording(t *testing.T) {
	env := startReceiver(t, nil, nil)
	assert.Nil(t, env.rcv.console.Load(), "no console among the host's extensions")
	require.Equal(t, http.StatusOK, env.postJSON(tracesJSON(t, [2]string{"0102030405060708090a0b0c0d0e0f10", "0102030405060708"})).status)
}

func TestRedactContent(t *testing.T) {
	out, err := redactContent([]byte(` {"a": 1.50, "gen_ai.prompt": "p", "list": [{"key":"gen_ai.completion.0.content","value":{}}, {"key":"model"}, 2],
		"nested": {"messages": ["m"], "span.input": "i", "x\u002ey": true}} `), map[string]bool{"messages": true})
	require.NoError(t, err)
	assert.Equal(t, `{"a":1.50,"list":[{"key":"model"},2],"nested":{"x.y":true}}`, string(out))
	_, err = redactContent([]byte(`{"a":`), nil)
	require.Error(t, err)
	out, err = redactContent([]byte(`"text"`), nil)
	require.NoError(t, err)
	assert.Equal(t, `"text"`, string(out))
}

func TestHeaderRedactionNames(t *testing.T) {
	c := &consoleLog{secret: map[string]bool{"X-Org": true}}
	for name, secret := range map[string]bool{
		"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "X-Org": true,
		"Webhook-Signature": true, "Svix-Signature": true, "Stripe-Signature": true, "X-Slack-Signature": true,
		"X-Hub-Signature": true, "X-Hub-Signature-256": true, "X-Shopify-Hmac-Sha256": true, "Linear-Signature": true,
		"Helicone-Signature": true, "X-Openrouter-Signature": true, "X-Gitlab-Token": true, "X-Api-Key": true,
		"X-Client-Secret": true, "X-Auth-User": true,
		"Content-Type": false, "User-Agent": false, "X-Github-Event": false, "Webhook-Id": false, "Webhook-Timestamp": false,
		"X-Slack-Request-Timestamp": false, "X-Forwarded-For": false,
	} {
		assert.Equal(t, secret, c.isSecretHeader(name), name)
	}

	// Asked again, from the cache of verdicts; the cache is bounded.
	assert.True(t, c.isSecretHeader("X-Api-Key"))
	assert.False(t, c.isSecretHeader("User-Agent"))
	for i := range 2 * maxVerdicts {
		assert.Equal(t, i%2 == 0, c.isSecretHeader(fmt.Sprintf("X-%d-%s", i, map[bool]string{true: "Token", false: "Plain"}[i%2 == 0])))
	}
	assert.LessOrEqual(t, int(c.verdictCount.Load()), maxVerdicts)

	h := c.headers(http.Header{"B": {"2"}, "A": {"1", "x"}, "Authorization": {"Bearer t"}, "Long": {strings.Repeat("v", 10<<10)}})
	require.Len(t, h, 4)
	assert.Equal(t, console.Header{Name: "A", Value: "1, x"}, h[0])
	assert.Equal(t, console.Header{Name: "Authorization", Value: console.Redacted}, h[1])
	total := 0
	for _, kv := range h {
		total += len(kv.Name) + len(kv.Value)
	}
	assert.LessOrEqual(t, total, maxHeaderBytes+len("…")*len(h), "headers are bounded")

	// Names count: many long names are not all kept.
	many := http.Header{}
	for i := range 1000 {
		many[fmt.Sprintf("X-%04d-%s", i, strings.Repeat("n", 200))] = []string{""}
	}
	h = c.headers(many)
	total = 0
	for _, kv := range h {
		total += len(kv.Name) + len(kv.Value)
	}
	assert.LessOrEqual(t, total, maxHeaderBytes+64, "header names are bounded")
	assert.Less(t, cap(h), len(many)/4, "the dropped headers are not kept behind the slice")
	last := h[len(h)-1]
	assert.Equal(t, console.Header{Name: "…", Value: fmt.Sprintf("%d more headers not kept", 1000-len(h)+1)}, last)
}

func TestSecretHeadersFromConfig(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	withYAML(t, `
required_headers: {X-Top: a}
signature: {scheme: hmac_sha256, header: X-Top-Sig, secrets: [s]}
helicone: {required_headers: {x-helicone-extra: b}}
webhooks:
  github: {path: /gh, preset: github, signature: {secrets: [s]}}
  custom: {path: /c, signature: {header: X-Custom-Mac, secrets: [s]}, required_headers: {X-Route: c}}
`)(cfg)
	got := secretHeaders(cfg)
	for _, name := range []string{"X-Top", "X-Top-Sig", "X-Helicone-Extra", "X-Hub-Signature-256", "X-Custom-Mac", "X-Route"} {
		assert.True(t, got[name], name)
	}
}

func TestConsoleBoundsThePathAndMessage(t *testing.T) {
	env := startWithConsole(t, nil, nil)
	long := "/" + strings.Repeat("p", 64<<10)
	env.do(http.MethodPost, long, []byte(`{}`), "Content-Type", "application/json")
	list := env.received(1)
	assert.Equal(t, http.StatusNotFound, list[0].Status)
	assert.Equal(t, long[:maxPathBytes]+"…", list[0].Path)

	// A message quoting a header is bounded too.
	ct := "application/" + strings.Repeat("x", 64<<10)
	env.do(http.MethodPost, "/v1/traces", []byte(`{}`), "Content-Type", ct)
	list = env.received(2)
	assert.Equal(t, http.StatusUnsupportedMediaType, list[0].Status)
	assert.LessOrEqual(t, len(list[0].Message), maxMessageBytes+len("…"))
	assert.True(t, strings.HasPrefix(list[0].Message, `unsupported Content-Type "application/xxx`), list[0].Message[:80])
}
