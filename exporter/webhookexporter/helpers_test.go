package webhookexporter

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadata"
)

// recordedRequest is one request as the test server saw it, with the body
// already decompressed.
type recordedRequest struct {
	Method string
	Header http.Header
	Body   []byte
	// WireBody is the body as sent, possibly compressed.
	WireBody []byte
	At       time.Time
}

type responder func(i int, req recordedRequest, w http.ResponseWriter)

// testServer records every request and answers with a responder.
type testServer struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []recordedRequest
	respond responder
}

func newTestServer(t *testing.T, respond responder) *testServer {
	t.Helper()
	s := &testServer{respond: respond}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		wire, err := io.ReadAll(r.Body)
		if !assert.NoError(t, err) {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		body := wire
		if r.Header.Get("Content-Encoding") == "gzip" {
			gz, gzErr := gzip.NewReader(bytes.NewReader(wire))
			if !assert.NoError(t, gzErr) {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			body, err = io.ReadAll(gz)
			assert.NoError(t, err)
		}
		req := recordedRequest{Method: r.Method, Header: r.Header.Clone(), Body: body, WireBody: wire, At: at}
		s.mu.Lock()
		i := len(s.reqs)
		s.reqs = append(s.reqs, req)
		s.mu.Unlock()
		if s.respond == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		s.respond(i, req, w)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *testServer) requests() []recordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recordedRequest(nil), s.reqs...)
}

func (s *testServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// statuses answers request i with codes[i], and the last code afterwards.
func statuses(codes ...int) responder {
	return func(i int, _ recordedRequest, w http.ResponseWriter) {
		w.WriteHeader(codes[min(i, len(codes)-1)])
	}
}

// testConfig returns a valid configuration for endpoint without a queue,
// so that ConsumeTraces returns the outcome of the delivery, and with fast
// retries.
func testConfig(endpoint string) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = endpoint
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.InitialInterval = 5 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 20 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = 30 * time.Second
	return cfg
}

func nopSettings() exporter.Settings {
	return exportertest.NewNopSettings(metadata.Type)
}

// newExporter creates the exporter without starting it.
func newExporter(t *testing.T, cfg *Config, set exporter.Settings) exporter.Traces {
	t.Helper()
	require.NoError(t, confmap.Validate(cfg))
	exp, err := NewFactory().CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	return exp
}

// startExporter creates and starts the exporter and shuts it down when the
// test ends.
func startExporter(t *testing.T, cfg *Config, set exporter.Settings) exporter.Traces {
	t.Helper()
	exp := newExporter(t, cfg, set)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { assert.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}

func traceID(n int) pcommon.TraceID {
	var id [16]byte
	binary.BigEndian.PutUint64(id[8:], uint64(n)+1)
	id[0] = 0x5b
	return id
}

func spanID(n int) pcommon.SpanID {
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(n)+1)
	return id
}

// testTraces builds resources x scopes x spans spans with GenAI attributes,
// including prompt and completion content.
func testTraces(resources, scopes, spans int) ptrace.Traces {
	td := ptrace.NewTraces()
	n := 0
	for r := range resources {
		rs := td.ResourceSpans().AppendEmpty()
		rs.SetSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
		rs.Resource().Attributes().PutStr("service.name", fmt.Sprintf("service-%d", r))
		for s := range scopes {
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName(fmt.Sprintf("scope-%d", s))
			ss.Scope().SetVersion("1.2.3")
			for range spans {
				sp := ss.Spans().AppendEmpty()
				sp.SetName(fmt.Sprintf("chat %d", n))
				sp.SetTraceID(traceID(r))
				sp.SetSpanID(spanID(n))
				sp.SetKind(ptrace.SpanKindClient)
				start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(n) * time.Second)
				sp.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
				sp.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(1500 * time.Millisecond)))
				attrs := sp.Attributes()
				attrs.PutStr("gen_ai.request.model", "openai/gpt-4o")
				attrs.PutInt("gen_ai.usage.input_tokens", int64(10+n))
				attrs.PutStr("gen_ai.prompt", fmt.Sprintf("prompt text %d", n))
				attrs.PutStr("gen_ai.completion", fmt.Sprintf("completion text %d", n))
				ev := sp.Events().AppendEmpty()
				ev.SetName("gen_ai.choice")
				ev.Attributes().PutStr("gen_ai.output.messages", "secret answer")
				ev.Attributes().PutInt("index", 0)
				n++
			}
		}
	}
	return td
}

func cloneTraces(td ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	td.CopyTo(out)
	return out
}

// testHost is a component.Host with extensions.
type testHost struct {
	extensions map[component.ID]component.Component
}

func (h *testHost) GetExtensions() map[component.ID]component.Component { return h.extensions }
