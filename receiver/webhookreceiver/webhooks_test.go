package webhookreceiver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	metricWithoutID     = "otelcol_receiver_webhook_records_without_id"
	metricDupRecords    = "otelcol_receiver_webhook_duplicate_log_records"
	metricAcceptedLogs  = "otelcol_receiver_accepted_log_records"
	primerBody          = `{"event": "test", "data": "hello world"}`
	primerSecretHeaders = "required_headers: {X-Webhook-Secret: my-secret}"
)

func presetRoute(preset, secret string) string {
	return routeYAML(preset, "/"+preset, "preset: "+preset+"\nsignature: {secrets: ["+strconv.Quote(secret)+"]}")
}

// The primer's curl: a shared secret header, a JSON body, one record.
func TestPrimerCurlReachesTheLogsPipeline(t *testing.T) {
	env := startWebhooks(t, routeYAML("webhook", "/webhook", primerSecretHeaders))
	resp := env.do(http.MethodPost, "/webhook", []byte(primerBody), "Content-Type", "application/json", "X-Webhook-Secret", "my-secret")
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, resp.body)
	recs := env.records()
	require.Len(t, recs, 1)
	assert.Equal(t, map[string]any{"event": "test", "data": "hello world"}, recs[0].Body().Map().AsRaw())
	assert.Equal(t, int64(1), env.counter(metricWithoutID, "sender", "webhook"), "no id: forwarded, counted as not deduplicable")
	assert.Equal(t, int64(1), env.counter(metricAcceptedLogs))

	resp = env.do(http.MethodPost, "/webhook", []byte(primerBody), "Content-Type", "application/json", "X-Webhook-Secret", "wrong")
	assert.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "sender", "webhook"))
	// Without an id the same delivery is forwarded again: nothing tells it apart.
	resp = env.do(http.MethodPost, "/webhook", []byte(primerBody), "Content-Type", "application/json", "X-Webhook-Secret", "my-secret")
	require.Equal(t, http.StatusOK, resp.status)
	assert.Len(t, env.records(), 2)
	assert.Equal(t, int64(2), env.counter(metricWithoutID, "sender", "webhook"))
}

func TestSlackURLVerificationAnswersTheChallenge(t *testing.T) {
	env := startWebhooks(t, presetRoute("slack", slackSecret))
	d := readDelivery(t, "slack", "url_verification")
	resp := env.post("/slack", d, slackSign(slackSecret, d, time.Now())...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	var got map[string]string
	require.NoError(t, json.Unmarshal([]byte(resp.body), &got))
	assert.Equal(t, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", got["challenge"])
	assert.Equal(t, "application/json", resp.header.Get("Content-Type"))
	assert.Empty(t, env.logs.AllLogs(), "not forwarded")
	assert.Equal(t, int64(1), env.counter(metricTestConnections, "sender", "slack"))

	// Unsigned, the challenge is not answered: Slack's docs verify first.
	resp = env.post("/slack", d)
	assert.Equal(t, http.StatusUnauthorized, resp.status)
	assert.NotContains(t, resp.body, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
}

func TestGitHubPingIsATestConnection(t *testing.T) {
	env := startWebhooks(t, presetRoute("github", githubSecret))
	d := readDelivery(t, "github", "ping")
	resp := env.post("/github", d, githubSign(githubSecret, d, time.Now())...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Empty(t, env.logs.AllLogs())
	assert.Equal(t, int64(1), env.counter(metricTestConnections, "sender", "github"))
}

// Every preset refuses a wrong signature with 401, and forwards nothing.
func TestPresetsRefuseWrongSignatures(t *testing.T) {
	tests := []struct {
		sender, name, secret string
		sign                 func(string, delivery, time.Time) []string
	}{
		{"github", "issues_opened", githubSecret, githubSign},
		{"stripe", "invoice_paid", stripeSecret, stripeSign},
		{"slack", "app_mention", slackSecret, slackSign},
		{"shopify", "orders_create", shopifySecret, shopifySign},
		{"linear", "issue_create", linearSecret, linearSign},
		{"standard_webhooks", "openai_response_completed", standardSecret, standardSign},
	}
	for _, tt := range tests {
		t.Run(tt.sender, func(t *testing.T) {
			env := startWebhooks(t, presetRoute(tt.sender, tt.secret))
			d := readDelivery(t, tt.sender, tt.name)
			other := "whsec_" + "b3RoZXItc2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ="
			resp := env.post("/"+tt.sender, d, tt.sign(other, d, time.Now())...)
			assert.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
			resp = env.post("/"+tt.sender, d)
			assert.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
			assert.Empty(t, env.logs.AllLogs())
			assert.Equal(t, int64(2), env.counter(metricAuthFailures, "sender", tt.sender))
		})
	}
}

// Each preset's replay window: a signed time outside it is a 401.
func TestPresetReplayWindows(t *testing.T) {
	tests := []struct {
		sender, name, secret string
		sign                 func(string, delivery, time.Time) []string
		within, outside      time.Duration
	}{
		{"stripe", "invoice_paid", stripeSecret, stripeSign, 290 * time.Second, 310 * time.Second},
		{"slack", "app_mention", slackSecret, slackSign, 290 * time.Second, 310 * time.Second},
		{"standard_webhooks", "openai_response_completed", standardSecret, standardSign, 290 * time.Second, 310 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.sender, func(t *testing.T) {
			env := startWebhooks(t, presetRoute(tt.sender, tt.secret))
			d := readDelivery(t, tt.sender, tt.name)
			resp := env.post("/"+tt.sender, d, tt.sign(tt.secret, d, time.Now().Add(-tt.outside))...)
			assert.Equal(t, http.StatusUnauthorized, resp.status)
			assert.Contains(t, resp.body, "outside the allowed tolerance")
			assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "timestamp"))
			resp = env.post("/"+tt.sender, d, tt.sign(tt.secret, d, time.Now().Add(tt.outside))...)
			assert.Equal(t, http.StatusUnauthorized, resp.status, "from the future")
			assert.Empty(t, env.logs.AllLogs())
			resp = env.post("/"+tt.sender, d, tt.sign(tt.secret, d, time.Now().Add(-tt.within))...)
			assert.Equal(t, http.StatusOK, resp.status, resp.body)
		})
	}
}

// Linear: the body's webhookTimestamp (Unix ms) more than 60 s off is a replay.
func TestLinearReplayWindow(t *testing.T) {
	env := startWebhooks(t, presetRoute("linear", linearSecret))
	d := readDelivery(t, "linear", "issue_create")
	at := func(ts time.Time) delivery {
		var body map[string]any
		require.NoError(t, json.Unmarshal(d.body, &body))
		body["webhookTimestamp"] = ts.UnixMilli()
		b, err := json.Marshal(body)
		require.NoError(t, err)
		return delivery{header: d.header, body: b}
	}
	stale := at(time.Now().Add(-61 * time.Second))
	resp := env.post("/linear", stale, linearSign(linearSecret, stale, time.Now())...)
	assert.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Contains(t, resp.body, "body field webhookTimestamp is outside the allowed tolerance")
	assert.Empty(t, env.logs.AllLogs())
	fresh := at(time.Now().Add(-5 * time.Second))
	resp = env.post("/linear", fresh, linearSign(linearSecret, fresh, time.Now())...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Equal(t, "Issue.create", env.records()[0].EventName())
}

// Slack retries a delivery it got no timely answer for, with X-Slack-Retry-Num
// and a new signature: dedup by event_id drops it.
func TestSlackRetryIsDroppedByDedup(t *testing.T) {
	env := startWebhooks(t, presetRoute("slack", slackSecret))
	d := readDelivery(t, "slack", "app_mention")
	resp := env.post("/slack", d, slackSign(slackSecret, d, time.Now())...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	retry := append(slackSign(slackSecret, d, time.Now().Add(time.Second)), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	resp = env.post("/slack", d, retry...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)
	assert.Len(t, env.records(), 1)
	assert.Equal(t, int64(1), env.counter(metricDupRecords, "sender", "slack"))
}

// A split delivery sent again with one new element: the elements seen
// before are dropped, the new one forwarded.
func TestSplitRedeliveryForwardsOnlyNewElements(t *testing.T) {
	env := startWebhooks(t, routeYAML("events", "/events", "split: array\nid: {field: id}\nevent_name: {field: type}"))
	post := func(body string) response {
		return env.do(http.MethodPost, "/events", []byte(body), "Content-Type", "application/json")
	}
	resp := post(`[{"id":"a","type":"x"},{"id":"b","type":"y"}]`)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":2,"duplicates":0}`, resp.body)
	resp = post(`[{"id":"a","type":"x"},{"id":"b","type":"y"},{"id":"c","type":"z"},{"id":"c","type":"z"}]`)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":3}`, resp.body)
	var names []string
	for _, r := range env.records() {
		names = append(names, r.EventName())
	}
	assert.Equal(t, []string{"x", "y", "z"}, names)
	resp = post(`[{"id":"a"},{"id":"b"}]`)
	assert.JSONEq(t, `{"accepted":0,"duplicates":2}`, resp.body)
}

// A redelivery with the same id is answered 200 and not forwarded.
func TestRedeliveryIsNotForwardedTwice(t *testing.T) {
	env := startWebhooks(t, presetRoute("stripe", stripeSecret))
	d := readDelivery(t, "stripe", "invoice_paid")
	for i := 0; i < 2; i++ {
		resp := env.post("/stripe", d, stripeSign(stripeSecret, d, time.Now())...)
		require.Equal(t, http.StatusOK, resp.status, resp.body)
	}
	require.Len(t, env.records(), 1)
	assert.Equal(t, "stripe", serviceNameOf(t, env))
}

func serviceNameOf(t *testing.T, env *testEnv) string {
	t.Helper()
	v, ok := env.logs.AllLogs()[0].ResourceLogs().At(0).Resource().Attributes().Get("service.name")
	require.True(t, ok)
	return v.Str()
}

// Bad input is a 400 that says what is wrong, and nothing of it is
// forwarded or remembered.
func TestWebhooksBadInput(t *testing.T) {
	env := startWebhooks(t, routeYAML("events", "/events", "split: {field: events}\nid: {field: id}\ntimestamp: {field: at}"))
	post := func(contentType, body string) response {
		return env.do(http.MethodPost, "/events", []byte(body), "Content-Type", contentType)
	}
	tests := []struct {
		contentType, body string
		status            int
		message           string
	}{
		{"application/json", `{"events":[{"id":"a"},]}`, 400, "body is not JSON: invalid character ']' looking for beginning of value at byte 23"},
		{"application/json", `{"events":{"id":"a"}}`, 400, "split: field: events: not an array, got an object"},
		{"application/json", `{"events":[{"id":"a","at":"2026-12-02T09:00:00Z"},{"id":"b","at":"tuesday"}]}`, 400, `events[1]: timestamp field at: "tuesday" is neither an RFC 3339 time nor Unix seconds`},
		{"text/plain", `{"events":[]}`, 415, `unsupported Content-Type "text/plain": use application/json or application/x-www-form-urlencoded`},
	}
	for _, tt := range tests {
		resp := post(tt.contentType, tt.body)
		assert.Equal(t, tt.status, resp.status, tt.body)
		msg := resp.body
		var e struct{ Message string }
		if json.Unmarshal([]byte(resp.body), &e) == nil {
			msg = e.Message
		}
		assert.Contains(t, msg, tt.message)
	}
	assert.Empty(t, env.logs.AllLogs())
	// Nothing was remembered: "a" is new when it comes right.
	resp := post("application/json", `{"events":[{"id":"a","at":"2026-12-02T09:00:00Z"},{"id":"b","at":1764666000}]}`)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":2,"duplicates":0}`, resp.body)
}

func TestWebhooksRouteAllowedSources(t *testing.T) {
	env := startWebhooks(t, "webhooks:\n  outside:\n    path: /outside\n    allowed_sources: [192.0.2.0/24]\n  inside:\n    path: /inside\n    allowed_sources: [127.0.0.0/8, \"::1\"]\n")
	resp := env.do(http.MethodPost, "/outside", []byte(primerBody), "Content-Type", "application/json")
	assert.Equal(t, http.StatusForbidden, resp.status)
	assert.NotContains(t, resp.body, "192.0.2.0")
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "sender", "outside"))
	resp = env.do(http.MethodPost, "/inside", []byte(primerBody), "Content-Type", "application/json")
	assert.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Len(t, env.records(), 1)
}

func TestWebhooksNotFoundNamesTheRoutes(t *testing.T) {
	env := startWebhooks(t, routeYAML("github", "/github", ""))
	resp := env.do(http.MethodPost, "/gihtub", []byte(`{}`), "Content-Type", "application/json")
	assert.Equal(t, http.StatusNotFound, resp.status)
	assert.Contains(t, resp.body, `webhooks::github to "/github"`)
}

func TestWebhooksConfigErrors(t *testing.T) {
	tests := []struct {
		yaml string
		want []string
	}{
		{"webhooks: {GitHub: {path: /g}}", []string{"webhooks::GitHub: a route name must match [a-z][a-z0-9_]*"}},
		{"webhooks: {helicone: {path: /h2}}", []string{`webhooks::helicone: "helicone" is the name of a built-in sender`}},
		{"webhooks: {litellm_alerts: {path: /a2}}", []string{`webhooks::litellm_alerts: "litellm_alerts" is the name of a built-in sender`}},
		{"webhooks: {a: {}}", []string{`webhooks::a::path: is required and must start with "/"`}},
		{"webhooks: {a: {path: /v1/traces}}", []string{`"webhooks::a::path" must differ from "path": both are "/v1/traces"`}},
		{"webhooks: {a: {path: /x}, b: {path: /x}}", []string{`"webhooks::b::path" must differ from "webhooks::a::path"`}},
		{"webhooks: {a: {path: /x, preset: gitlub}}", []string{`webhooks::a::"preset": unknown "gitlub"`}},
		{"webhooks: {a: {path: /x, preset: stripe, signature: {secrets: [s], algorithm: sha1}}}", []string{`webhooks::a::signature: "algorithm" does not apply to scheme stripe, which fixes them`}},
		{"webhooks: {a: {path: /x, signature: {}}}", []string{`webhooks::a::signature: "secrets" must list at least one secret`}},
		{"webhooks: {a: {path: /x, allowed_sources: [nowhere]}}", []string{"webhooks::a::"}},
		{"webhooks: {a: {path: /x, timestamp: {field: t, format: iso}}}", []string{`webhooks::a::"timestamp::format": unknown "iso"`}},
	}
	for _, tt := range tests {
		t.Run(tt.yaml, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			withYAML(t, tt.yaml)(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	cfg := createDefaultConfig().(*Config)
	err := confmapFromYAML(t, "webhooks: {a: {path: /x, split: {feild: events}}}").Unmarshal(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "feild")
	err = confmapFromYAML(t, "webhooks: {a: {path: /x, evnt_name: {field: type}}}").Unmarshal(createDefaultConfig())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "webhooks::a::evnt_name")

	// A preset's signature defaults are what a route without keys of its own verifies.
	cfg = createDefaultConfig().(*Config)
	withYAML(t, presetRoute("shopify", "s"))(cfg)
	require.NoError(t, cfg.Validate())
	routes, err := buildRoutes(cfg)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(routes["/shopify"].section, "webhooks::"))
}
