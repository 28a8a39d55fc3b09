package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// deliverySink is the webhook endpoint of the delivery test: its answer
// for a span name is set by the test while the collector runs, and it
// records every request with the span names and webhook-id it carried.
type deliverySink struct {
	*httptest.Server
	mu       sync.Mutex
	answer   func(name string) int
	requests []sinkRequest
}

type sinkRequest struct {
	names     []string
	webhookID string
	status    int
}

func newDeliverySink(t *testing.T) *deliverySink {
	s := &deliverySink{answer: func(string) int { return http.StatusOK }}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
		if err != nil {
			// The test connection's empty payload.
			w.WriteHeader(http.StatusOK)
			return
		}
		var names []string
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					names = append(names, sp.Name())
				}
			}
		}
		s.mu.Lock()
		status := http.StatusOK
		if len(names) > 0 {
			status = s.answer(names[0])
		}
		s.requests = append(s.requests, sinkRequest{names: names, webhookID: r.Header.Get("webhook-id"), status: status})
		s.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *deliverySink) setAnswer(answer func(name string) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = answer
}

// attempts returns the requests that carried span name.
func (s *deliverySink) attempts(name string) []sinkRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sinkRequest
	for _, r := range s.requests {
		if len(r.names) > 0 && r.names[0] == name {
			out = append(out, r)
		}
	}
	return out
}

// accepted counts the 2xx answers to requests carrying name.
func (s *deliverySink) accepted(name string) int {
	n := 0
	for _, r := range s.attempts(name) {
		if r.status/100 == 2 {
			n++
		}
	}
	return n
}

const deliveryE2EConfig = `
extensions:
  file_storage:
    directory: {{dir}}/storage
    create_directory: true
  webhook_console:
    endpoint: 127.0.0.1:%d
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  webhook:
    endpoint: %s/hook
    sending_queue:
      num_consumers: 1
      storage: file_storage
    signature:
      scheme: standard_webhooks
      secret: whsec_ZTJlLWRlbGl2ZXJ5LXRlc3Qtc2lnbmluZy1zZWNyZXQh
    test_connection:
      fail_on_error: false
    delivery:
      schedule: [300ms, 600ms, 1s, 2s, 4s, 8s, 60s]
      storage: file_storage
      circuit_breaker:
        failures: 0
service:
  extensions: [file_storage, webhook_console]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [webhook]
`

// sendSpan posts one span named name to the collector's OTLP receiver.
func sendSpan(t *testing.T, otlpPort int, name string) {
	t.Helper()
	td := ptrace.NewTraces()
	sp := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetName(name)
	var tid [16]byte
	copy(tid[:], name+"----------------")
	sp.SetTraceID(tid)
	sp.SetSpanID([8]byte{1, 2, 3, 4, 5, 6, 7, 8})
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	code, resp := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", otlpPort), "application/json", body)
	require.Equal(t, http.StatusOK, code, resp)
}

func consoleCall(t *testing.T, port int, method, path, body string) (int, string) {
	t.Helper()
	return harness.Post(t, method, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), "application/json", []byte(body))
}

type consoleCounts struct {
	Exporters []struct {
		State     string `json:"state"`
		Scheduled int    `json:"scheduled"`
		Dead      int    `json:"dead"`
	} `json:"exporters"`
}

func waitConsole(t *testing.T, port int, state string, scheduled, dead int) {
	t.Helper()
	var last string
	require.Eventually(t, func() bool {
		code, body := consoleCall(t, port, http.MethodGet, "/api/v1/exporters", "")
		last = body
		var c consoleCounts
		if code != http.StatusOK || json.Unmarshal([]byte(body), &c) != nil || len(c.Exporters) != 1 {
			return false
		}
		e := c.Exporters[0]
		return e.State == state && e.Scheduled == scheduled && e.Dead == dead
	}, 60*time.Second, 20*time.Millisecond, "want %s, %d scheduled, %d dead; last answer %s", state, scheduled, dead, last)
}

// The exporter's delivery mode in the built distribution, against a sink
// whose answers change while it runs: a failing delivery does not hold up
// the queue, a 401 period ends in a replay with the first webhook-ids, a
// 410 disables the endpoint until it is enabled, and scheduled deliveries
// survive SIGKILL. Nothing is lost over the whole run.
func TestDeliveryE2E(t *testing.T) {
	sink := newDeliverySink(t)
	consolePort, otlpPort := harness.FreePort(t), harness.FreePort(t)
	dir := t.TempDir()
	config := fmt.Sprintf(deliveryE2EConfig, consolePort, otlpPort, sink.URL)
	col := harness.StartCollectorIn(t, dir, config)
	var sent []string
	send := func(name string) {
		sendSpan(t, otlpPort, name)
		sent = append(sent, name)
	}

	// 1. One delivery keeps failing while 20 others pass it, with one
	// queue consumer.
	sink.setAnswer(func(name string) int {
		if name == "stuck" {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	send("stuck")
	require.Eventually(t, func() bool { return len(sink.attempts("stuck")) >= 1 }, 30*time.Second, 10*time.Millisecond)
	for i := range 20 {
		send(fmt.Sprintf("pass-%d", i))
	}
	require.Eventually(t, func() bool {
		for i := range 20 {
			if sink.accepted(fmt.Sprintf("pass-%d", i)) == 0 {
				return false
			}
		}
		return true
	}, 30*time.Second, 10*time.Millisecond, "the 20 deliveries behind the failing one")
	assert.Zero(t, sink.accepted("stuck"))
	waitConsole(t, consolePort, "active", 1, 0)
	require.Eventually(t, func() bool { return len(sink.attempts("stuck")) >= 3 }, 30*time.Second, 10*time.Millisecond, "retried on the schedule")
	sink.setAnswer(func(string) int { return http.StatusOK })
	require.Eventually(t, func() bool { return sink.accepted("stuck") == 1 }, 30*time.Second, 10*time.Millisecond)
	stuck := sink.attempts("stuck")
	for _, a := range stuck {
		assert.Equal(t, stuck[0].webhookID, a.webhookID, "one webhook-id for every attempt")
	}
	waitConsole(t, consolePort, "active", 0, 0)

	// 2. A 401 period, then one replay of every dead letter.
	sink.setAnswer(func(string) int { return http.StatusUnauthorized })
	for i := range 5 {
		send(fmt.Sprintf("refused-%d", i))
	}
	waitConsole(t, consolePort, "active", 0, 5)
	sink.setAnswer(func(string) int { return http.StatusOK })
	code, body := consoleCall(t, consolePort, http.MethodPost, "/api/v1/replay", `{"exporter":"webhook","signal":"traces","state":"dead"}`)
	require.Equal(t, http.StatusOK, code, body)
	assert.JSONEq(t, `{"replayed":5}`, body)
	waitConsole(t, consolePort, "active", 0, 0)
	for i := range 5 {
		name := fmt.Sprintf("refused-%d", i)
		a := sink.attempts(name)
		require.Len(t, a, 2, name)
		assert.Equal(t, http.StatusUnauthorized, a[0].status)
		assert.Equal(t, 1, sink.accepted(name), "delivered once")
		assert.Equal(t, a[0].webhookID, a[1].webhookID, "with its first webhook-id")
	}

	// 3. 410 disables the endpoint; the next delivery is a dead letter
	// without a request; enable and replay.
	sink.setAnswer(func(string) int { return http.StatusGone })
	send("gone-0")
	waitConsole(t, consolePort, "disabled", 0, 1)
	sink.setAnswer(func(string) int { return http.StatusOK })
	send("gone-1")
	waitConsole(t, consolePort, "disabled", 0, 2)
	assert.Empty(t, sink.attempts("gone-1"), "no request while disabled")
	code, body = consoleCall(t, consolePort, http.MethodPost, "/api/v1/exporters/enable", `{"exporter":"webhook"}`)
	require.Equal(t, http.StatusOK, code, body)
	code, body = consoleCall(t, consolePort, http.MethodPost, "/api/v1/replay", `{"exporter":"webhook","state":"dead"}`)
	require.Equal(t, http.StatusOK, code, body)
	waitConsole(t, consolePort, "active", 0, 0)

	// 4. SIGKILL with scheduled deliveries; they are sent after the restart.
	sink.setAnswer(func(string) int { return http.StatusServiceUnavailable })
	for i := range 3 {
		send(fmt.Sprintf("killed-%d", i))
	}
	waitConsole(t, consolePort, "active", 3, 0)
	col.Stop(syscall.SIGKILL)
	firstLog := col.Log.String()
	assert.NotContains(t, firstLog, "Dropping data", harness.Tail(firstLog, 40))
	sink.setAnswer(func(string) int { return http.StatusOK })
	col = harness.StartCollectorIn(t, dir, config)
	waitConsole(t, consolePort, "active", 0, 0)
	for i := range 3 {
		name := fmt.Sprintf("killed-%d", i)
		a := sink.attempts(name)
		assert.Equal(t, 1, sink.accepted(name), name)
		assert.Equal(t, a[0].webhookID, a[len(a)-1].webhookID, name)
	}

	// Nothing lost over the whole run.
	for _, name := range sent {
		assert.GreaterOrEqual(t, sink.accepted(name), 1, "%s was delivered", name)
	}
	col.Stop(syscall.SIGTERM)
	assert.NotContains(t, col.Log.String(), "Dropping data", harness.Tail(col.Log.String(), 40))
}
