package webhookconsoleextension

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// recvConsole is a console whose routes are served by a test server.
type recvConsole struct {
	c   *webhookConsole
	srv *httptest.Server
}

func startRecvConsole(t *testing.T, modify func(*Config)) *recvConsole {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	if modify != nil {
		modify(cfg)
	}
	require.NoError(t, cfg.Validate())
	c := newConsole(cfg, extensiontest.NewNopSettings(typ))
	srv := httptest.NewServer(c.routes())
	t.Cleanup(srv.Close)
	return &recvConsole{c: c, srv: srv}
}

// get answers the status and body of a GET of path.
func (rc *recvConsole) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(rc.srv.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func githubReceiver(id string) console.ReceiverInfo {
	return console.ReceiverInfo{ID: id, Routes: []console.RouteInfo{
		{Name: "otlp", Path: "/v1/traces", Signal: "traces", Served: true},
		{Name: "github", Path: "/github", Signal: "logs", Served: true},
	}}
}

var t0 = time.Date(2026, 12, 5, 10, 42, 0, 0, time.UTC)

func received(i int, route, outcome string) console.Received {
	return console.Received{
		At: t0.Add(time.Duration(i) * time.Second), Route: route, Outcome: outcome, Status: 200,
		Method: "POST", Path: "/" + route, Message: fmt.Sprint("request ", i),
	}
}

func TestReceivedConfig(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.Equal(t, 500, cfg.Received.Keep)
	assert.False(t, cfg.Received.CaptureBodies)
	assert.Equal(t, 4096, cfg.Received.MaxBodyBytes)

	require.NoError(t, confmap.NewFromStringMap(map[string]any{
		"received": map[string]any{"keep": 20, "capture_bodies": true, "max_body_bytes": 100},
	}).Unmarshal(cfg))
	assert.Equal(t, 20, cfg.Received.Keep)
	assert.True(t, cfg.Received.CaptureBodies)
	assert.Equal(t, 100, cfg.Received.MaxBodyBytes)

	err := confmap.NewFromStringMap(map[string]any{"received": map[string]any{"kept": 20}}).Unmarshal(createDefaultConfig())
	require.ErrorContains(t, err, "kept")

	for _, tc := range []struct {
		keep, maxBody int
		want          string
	}{
		{0, 4096, `"received::keep" must be from 1 to 100000, got 0`},
		{-1, 4096, `"received::keep" must be from 1 to 100000, got -1`},
		{500, 0, `"received::max_body_bytes" must be from 1 to 1048576, got 0`},
		{500, 2 << 20, `"received::max_body_bytes" must be from 1 to 1048576, got 2097152`},
	} {
		cfg := createDefaultConfig().(*Config)
		cfg.Received.Keep, cfg.Received.MaxBodyBytes = tc.keep, tc.maxBody
		assert.EqualError(t, cfg.Validate(), tc.want)
	}
}

func TestReceivedRingKeepsTheLatest(t *testing.T) {
	rc := startRecvConsole(t, func(cfg *Config) { cfg.Received.Keep = 3 })
	log, unregister := rc.c.RegisterReceiver(githubReceiver("webhook"))
	assert.Zero(t, log.BodyBytes(), "bodies are not captured by default")
	for i := range 5 {
		log.Add(received(i, "github", console.OutcomeAccepted))
	}
	got, err := rc.c.received.query(receivedFilter{limit: 10})
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, want := range []string{"request 4", "request 3", "request 2"} {
		assert.Equal(t, want, got[i].Message, "newest first")
	}

	unregister()
	_, err = rc.c.received.query(receivedFilter{receiver: "webhook", limit: 10})
	assert.EqualError(t, err, `no receiver "webhook" is registered`)
}

func TestReceivedRegisterAgainStartsANewLog(t *testing.T) {
	rc := startRecvConsole(t, func(cfg *Config) {
		cfg.Received.CaptureBodies = true
		cfg.Received.MaxBodyBytes = 10
	})
	first, unregisterFirst := rc.c.RegisterReceiver(githubReceiver("webhook"))
	assert.Equal(t, 10, first.BodyBytes())
	first.Add(received(1, "github", console.OutcomeAccepted))
	second, _ := rc.c.RegisterReceiver(githubReceiver("webhook"))
	second.Add(received(2, "github", console.OutcomeAccepted))
	// The first registration ending does not remove the second.
	unregisterFirst()
	got, err := rc.c.received.query(receivedFilter{limit: 10})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "request 2", got[0].Message)
}

func TestReceivedAPI(t *testing.T) {
	rc := startRecvConsole(t, nil)
	a, _ := rc.c.RegisterReceiver(githubReceiver("webhook"))
	b, _ := rc.c.RegisterReceiver(console.ReceiverInfo{ID: "webhook/any", Routes: []console.RouteInfo{{Name: "stripe", Path: "/stripe", Signal: "logs"}}})
	a.Add(received(1, "github", console.OutcomeAccepted))
	a.Add(received(2, "github", console.OutcomeUnauthorized))
	a.Add(received(3, "otlp", console.OutcomeAccepted))
	b.Add(received(4, "stripe", console.OutcomeDuplicate))
	rec := received(5, "github", console.OutcomeDuplicate)
	rec.Headers = console.Headers{{Name: "Authorization", Value: console.Redacted}, {Name: "X-Github-Event", Value: `<script>"x"</script>`}}
	rec.Receiver = "webhook"
	a.Add(rec)

	messages := func(query string) []string {
		t.Helper()
		status, body := rc.get(t, "/api/v1/received"+query)
		require.Equal(t, http.StatusOK, status, body)
		var out struct {
			Received []console.Received `json:"received"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		list := []string{}
		for _, r := range out.Received {
			list = append(list, r.Message)
		}
		return list
	}
	assert.Equal(t, []string{"request 5", "request 4", "request 3", "request 2", "request 1"}, messages(""))
	assert.Equal(t, []string{"request 5", "request 3", "request 2", "request 1"}, messages("?receiver=webhook"))
	assert.Equal(t, []string{"request 4"}, messages("?receiver=webhook%2Fany"))
	assert.Equal(t, []string{"request 5", "request 2", "request 1"}, messages("?route=github"))
	assert.Equal(t, []string{"request 5", "request 4"}, messages("?outcome=duplicate"))
	assert.Equal(t, []string{"request 2"}, messages("?receiver=webhook&route=github&outcome=unauthorized"))
	assert.Equal(t, []string{"request 5", "request 4"}, messages("?limit=2"))

	// The JSON shape: headers as an object, as they were added, not
	// HTML-escaped (it is JSON, served as JSON).
	_, body := rc.get(t, "/api/v1/received?limit=1")
	assert.Contains(t, body, `"headers":{"Authorization":"[redacted]","X-Github-Event":"<script>\"x\"</script>"}`)
	assert.Contains(t, body, `"at":"2026-12-05T10:42:05Z","receiver":"webhook","route":"github","method":"POST"`)
	assert.NotContains(t, body, `"body"`, "no body unless bodies are captured")

	for query, want := range map[string]string{
		"?limit=0":                       `{"error":"\"limit\" must be a whole number from 1 to 10000, got \"0\""}`,
		"?limit=x":                       `{"error":"\"limit\" must be a whole number from 1 to 10000, got \"x\""}`,
		"?outcome=ok":                    `{"error":"\"outcome\" must be one of accepted, duplicate, test, refused, unauthorized, forbidden, too_large, unavailable, got \"ok\""}`,
		"?receiver=nope":                 `{"error":"no receiver \"nope\" is registered"}`,
		"?route=nope":                    `{"error":"no registered receiver has a route \"nope\""}`,
		"?receiver=webhook&route=stripe": `{"error":"receiver \"webhook\" has no route \"stripe\""}`,
	} {
		status, body := rc.get(t, "/api/v1/received"+query)
		wantStatus := http.StatusNotFound
		if strings.Contains(query, "limit") || strings.Contains(query, "outcome") {
			wantStatus = http.StatusBadRequest
		}
		assert.Equal(t, wantStatus, status, query)
		assert.JSONEq(t, want, body, query)
	}

	status, body := rc.get(t, "/api/v1/receivers")
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"receivers":[
		{"receiver":"webhook","kept":4,"routes":[{"route":"otlp","path":"/v1/traces","signal":"traces","served":true},{"route":"github","path":"/github","signal":"logs","served":true}]},
		{"receiver":"webhook/any","kept":1,"routes":[{"route":"stripe","path":"/stripe","signal":"logs","served":false}]}]}`, body)
}

func TestHeadersJSON(t *testing.T) {
	w := httptest.NewRecorder()
	h := console.Headers{{Name: "Z", Value: "1"}, {Name: "B\"", Value: "<&>"}}
	writeJSON(w, http.StatusOK, h)
	assert.Equal(t, `{"Z":"1","B\"":"<&>"}`+"\n", w.Body.String())
	var back console.Headers
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &back))
	assert.Equal(t, h, back)
	b, err := json.Marshal(console.Headers{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(b))
	require.Error(t, json.Unmarshal([]byte(`["a"]`), &back))
	assert.Equal(t, "<&>", console.Headers{{Name: "B\"", Value: "<&>"}}.Get("b\""))
}

// Writers add while readers list through the API and the page and while
// receivers register again; run with -race.
func TestReceivedRingConcurrentWritersAndReaders(t *testing.T) {
	const keep, writers, perWriter = 16, 4, 200
	rc := startRecvConsole(t, func(cfg *Config) { cfg.Received.Keep = keep })
	log, _ := rc.c.RegisterReceiver(githubReceiver("webhook"))
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				r := received(w*perWriter+i, "github", console.OutcomeAccepted)
				r.Items = w*perWriter + i
				log.Add(r)
			}
		})
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := rc.c.received.query(receivedFilter{receiver: "webhook", limit: 2 * keep})
				assert.NoError(t, err)
				assert.LessOrEqual(t, len(got), keep)
				for _, r := range got {
					assert.Equal(t, fmt.Sprint("request ", r.Items), r.Message, "a record is never torn")
				}
				code, _ := rc.get(t, "/?receiver=webhook")
				assert.Equal(t, http.StatusOK, code)
			}
		})
	}
	wg.Go(func() {
		for i := range 50 {
			_, unregister := rc.c.RegisterReceiver(githubReceiver(fmt.Sprint("other-", i%3)))
			unregister()
		}
	})
	wg.Wait()
	close(done)
	readers.Wait()

	got, err := rc.c.received.query(receivedFilter{receiver: "webhook", limit: maxListLimit})
	require.NoError(t, err)
	assert.Len(t, got, keep, "the ring holds keep requests, no more")
	assert.Equal(t, keep, rc.c.received.pick("webhook")[0].len())
	assert.Len(t, rc.c.received.all(), 1, "unregistered receivers are gone")
}
