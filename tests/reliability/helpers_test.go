package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// signingSecret is the Standard Webhooks secret shared by the exporting
// collector (A) and the receiving collector (B).
var signingSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("reliability-suite signing key 32"))

// spanKey identifies a span across collectors.
type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

func keyOf(s ptrace.Span) spanKey { return spanKey{s.TraceID(), s.SpanID()} }

// spanBatch is an OTLP JSON request of n spans whose IDs are unique for each
// (tag, batch, i).
func spanBatch(t testing.TB, tag, batch byte, n int) ([]byte, []spanKey) {
	t.Helper()
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "reliability")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	start := pcommon.Timestamp(1_750_000_000_000_000_000)
	keys := make([]spanKey, 0, n)
	for i := range n {
		s := spans.AppendEmpty()
		s.SetTraceID(pcommon.TraceID{0x7e, tag, batch, byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
		s.SetSpanID(pcommon.SpanID{0x5a, tag, batch, byte(i), 1, 2, 3, 4})
		s.SetName(fmt.Sprintf("chat %d.%d.%d", tag, batch, i))
		s.SetKind(ptrace.SpanKindClient)
		s.SetStartTimestamp(start)
		s.SetEndTimestamp(start + 1_500_000_000)
		s.Attributes().PutStr("gen_ai.request.model", "openai/gpt-4o-mini")
		s.Attributes().PutInt("gen_ai.usage.prompt_tokens", int64(100+i))
		s.Attributes().PutInt("gen_ai.usage.completion_tokens", int64(20+i))
		keys = append(keys, keyOf(s))
	}
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return body, keys
}

// spanKeysOf returns the keys of the spans of an OTLP JSON body.
func spanKeysOf(body []byte) ([]spanKey, error) {
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
	if err != nil {
		return nil, err
	}
	var keys []spanKey
	for _, s := range harness.SpansIn([]ptrace.Traces{td}) {
		keys = append(keys, keyOf(s))
	}
	return keys, nil
}

// countSpans counts each span of a file exporter's output.
func countSpans(t testing.TB, path string) map[spanKey]int {
	t.Helper()
	out := map[spanKey]int{}
	for _, s := range harness.SpansIn(harness.ReadFileExport(t, path)) {
		out[keyOf(s)]++
	}
	return out
}

// requireExactlyOnce checks that got holds every key of want once and
// nothing else.
func requireExactlyOnce(t testing.TB, want []spanKey, got map[spanKey]int) {
	t.Helper()
	wantSet := make(map[spanKey]bool, len(want))
	for _, k := range want {
		wantSet[k] = true
	}
	var missing, twice, unknown int
	for _, k := range want {
		switch got[k] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	for k := range got {
		if !wantSet[k] {
			unknown++
		}
	}
	require.Zero(t, missing, "spans lost")
	require.Zero(t, twice, "spans delivered more than once")
	require.Zero(t, unknown, "spans that were never sent")
	require.Len(t, got, len(want))
}

// metric sums the samples of a metric on a collector's Prometheus page
// whose labels include every name=value pair of labels. Counters may carry
// a _total suffix.
func metric(port int, name string, labels ...string) (float64, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("metrics page: HTTP %d", resp.StatusCode)
	}
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		metricName, labelText, _ := strings.Cut(series, "{")
		if metricName != name && metricName != name+"_total" {
			continue
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			if !strings.Contains(labelText, labels[i]+`="`+labels[i+1]+`"`) {
				match = false
			}
		}
		if !match {
			continue
		}
		v, err := strconv.ParseFloat(strings.Fields(value)[0], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", line, err)
		}
		sum += v
	}
	return sum, sc.Err()
}

// mustMetric is metric for a collector that must be up.
func mustMetric(t testing.TB, port int, name string, labels ...string) float64 {
	t.Helper()
	v, err := metric(port, name, labels...)
	require.NoError(t, err)
	return v
}

// telemetryYAML serves a collector's metrics on 127.0.0.1:port.
func telemetryYAML(port int) string {
	return fmt.Sprintf(`
  telemetry:
    logs:
      level: info
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d`, port)
}

// receivingCollector is collector B: a webhook receiver that verifies the
// Standard Webhooks signature, with dedup on (the default), writing to a
// file.
type receivingCollector struct {
	*harness.Collector
	port, metricsPort int
	file              string
}

func (b *receivingCollector) url() string {
	return fmt.Sprintf("http://127.0.0.1:%d/v1/traces", b.port)
}

func startReceivingCollector(t *testing.T) *receivingCollector {
	t.Helper()
	b := &receivingCollector{port: harness.FreePort(t), metricsPort: harness.FreePort(t)}
	b.Collector = harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    signature:
      scheme: standard_webhooks
      secrets: [%q]
exporters:
  file:
    path: {{dir}}/traces.jsonl
    flush_interval: 100ms
service:%s
  pipelines:
    traces:
      receivers: [webhook]
      exporters: [file]
`, b.port, signingSecret, telemetryYAML(b.metricsPort)))
	b.file = b.Dir + "/traces.jsonl"
	return b
}

// exportingConfig is collector A: an otlp receiver feeding the webhook
// exporter, whose queue is kept in file_storage in the collector's directory,
// signing with Standard Webhooks and retrying quickly.
func exportingConfig(otlpPort, metricsPort int, endpoint string, consumers int, timeout time.Duration) string {
	return fmt.Sprintf(`
extensions:
  file_storage/queue:
    directory: {{dir}}/queue
    create_directory: true
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  webhook:
    endpoint: %s
    timeout: %s
    signature:
      scheme: standard_webhooks
      secret: %q
    retryable_statuses: [429, 500, 502, 503, 504]
    sending_queue:
      storage: file_storage/queue
      num_consumers: %d
      queue_size: 1000
    retry_on_failure:
      initial_interval: 100ms
      randomization_factor: 0
      multiplier: 2
      max_interval: 1s
      max_elapsed_time: 3m
service:
  extensions: [file_storage/queue]%s
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [webhook]
`, otlpPort, endpoint, timeout, signingSecret, consumers, telemetryYAML(metricsPort))
}

// sendBatches posts batches of spans to collector A's otlp receiver; every
// one must be accepted, which for a persistent queue means written to it.
func sendBatches(t *testing.T, otlpPort int, tag byte, batches, perBatch int) []spanKey {
	t.Helper()
	var all []spanKey
	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", otlpPort)
	for b := range batches {
		body, keys := spanBatch(t, tag, byte(b), perBatch)
		status, resp := harness.Post(t, http.MethodPost, url, "application/json", body)
		require.Equal(t, http.StatusOK, status, resp)
		all = append(all, keys...)
	}
	return all
}

// sinkStep is how the sink answers one request.
type sinkStep struct {
	// forward sends the request to the sink's target (collector B) first.
	forward bool
	// status is answered to the client; 0 relays the target's status.
	status int
	// retryAfter is sent as Retry-After when not empty.
	retryAfter string
	// hang never answers: the handler waits until the client goes away, as
	// an endpoint that accepted a delivery whose client then crashed.
	hang bool
}

// sinkRequest is one request the sink received and what it did with it.
type sinkRequest struct {
	id           string
	idMatches    bool // id is the one derived from the body
	spans        []spanKey
	decodeErr    error
	forwarded    bool
	targetStatus int
	answered     int // 0: the sink never answered (hang)
}

// sink is the webhook endpoint collector A delivers to. It is a server in
// the test process on a fixed loopback port that can be closed (down) or
// open, and answers each request by the next step of a script: refuse with
// a status, forward to collector B, forward and lose the answer, or forward
// and never answer. Without a script step it forwards and relays.
type sink struct {
	t      *testing.T
	port   int
	target string
	client *http.Client

	mu     sync.Mutex
	script []sinkStep
	reqs   []sinkRequest
	srv    *http.Server
}

func newSink(t *testing.T, target string) *sink {
	t.Helper()
	s := &sink{
		t:      t,
		port:   harness.FreePort(t),
		target: target,
		client: &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second},
	}
	t.Cleanup(func() {
		s.down()
		s.client.CloseIdleConnections()
	})
	return s
}

func (s *sink) url() string { return fmt.Sprintf("http://127.0.0.1:%d/hook", s.port) }

// up opens the port and answers with script, then by forwarding.
func (s *sink) up(script ...sinkStep) {
	s.t.Helper()
	s.mu.Lock()
	s.script = script
	s.mu.Unlock()
	var ln net.Listener
	require.Eventually(s.t, func() bool {
		var err error
		ln, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "listening on the sink's port")
	srv := &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// down closes the port and every connection.
func (s *sink) down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

func (s *sink) setScript(script ...sinkStep) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = script
}

func (s *sink) nextStep() sinkStep {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.script) == 0 {
		return sinkStep{forward: true}
	}
	step := s.script[0]
	s.script = s.script[1:]
	return step
}

func (s *sink) record(r sinkRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
}

func (s *sink) requests() []sinkRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sinkRequest(nil), s.reqs...)
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rec := sinkRequest{id: r.Header.Get(signature.HeaderWebhookID)}
	rec.idMatches = rec.id == signature.DeliveryID(body)
	rec.spans, rec.decodeErr = spanKeysOf(body)
	step := s.nextStep()

	var targetBody []byte
	if step.forward {
		rec.forwarded = true
		rec.targetStatus, targetBody, err = s.forward(r, body)
		if err != nil {
			rec.targetStatus = 0
			rec.decodeErr = errors.Join(rec.decodeErr, err)
		}
	}
	if step.hang {
		s.record(rec)
		<-r.Context().Done()
		return
	}
	status := step.status
	if status == 0 {
		status = rec.targetStatus
		if status == 0 {
			status = http.StatusBadGateway
		}
	}
	rec.answered = status
	s.record(rec)
	if step.retryAfter != "" {
		w.Header().Set("Retry-After", step.retryAfter)
	}
	w.WriteHeader(status)
	if step.status == 0 {
		_, _ = w.Write(targetBody)
	}
}

func (s *sink) forward(r *http.Request, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := http.NewRequestWithContext(ctx, r.Method, s.target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	out.Header = r.Header.Clone()
	resp, err := s.client.Do(out)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// deliveryFigures summarises what the sink saw.
type deliveryFigures struct {
	requests    int             // requests that reached the sink
	refused     map[int]int     // answered with this status without forwarding
	forwarded   int             // requests forwarded to B
	accepted    int             // forwarded and accepted by B for the first time
	redelivered int             // forwarded again after B had accepted the same id
	idsPerSpan  map[spanKey]int // distinct webhook-ids that carried each span
}

func figures(t testing.TB, reqs []sinkRequest) deliveryFigures {
	t.Helper()
	f := deliveryFigures{refused: map[int]int{}, idsPerSpan: map[spanKey]int{}}
	acceptedIDs := map[string]bool{}
	idsOfSpan := map[spanKey]map[string]bool{}
	for _, r := range reqs {
		f.requests++
		require.NoError(t, r.decodeErr)
		require.True(t, r.idMatches, "webhook-id %q is the one derived from the body", r.id)
		for _, k := range r.spans {
			if idsOfSpan[k] == nil {
				idsOfSpan[k] = map[string]bool{}
			}
			idsOfSpan[k][r.id] = true
		}
		if !r.forwarded {
			f.refused[r.answered]++
			continue
		}
		f.forwarded++
		switch {
		case acceptedIDs[r.id]:
			f.redelivered++
		case r.targetStatus == http.StatusOK:
			f.accepted++
			acceptedIDs[r.id] = true
		}
	}
	for k, ids := range idsOfSpan {
		f.idsPerSpan[k] = len(ids)
	}
	return f
}
