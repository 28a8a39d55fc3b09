package webhookreceiver

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadatatest"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// testEnv is a receiver serving on a loopback port, its sinks and telemetry.
type testEnv struct {
	t    *testing.T
	rcv  *webhookReceiver
	sink *consumertest.TracesSink
	logs *consumertest.LogsSink
	tel  *componenttest.Telemetry
	base string
}

// startReceiver starts the receiver with the default config changed by
// modify, in a traces pipeline only, feeding next (a TracesSink when nil).
func startReceiver(t *testing.T, modify func(*Config), next consumer.Traces) *testEnv {
	t.Helper()
	return startPipelines(t, modify, next, nil, true, false)
}

// startBoth starts one receiver used by a traces and a logs pipeline, each
// feeding a sink.
func startBoth(t *testing.T, modify func(*Config)) *testEnv {
	t.Helper()
	return startPipelines(t, modify, nil, nil, true, true)
}

// startPipelines creates the receiver for the pipelines asked for (sinks
// where next is nil), as the collector does: every create call before Start.
func startPipelines(t *testing.T, modify func(*Config), nextTraces consumer.Traces, nextLogs consumer.Logs, traces, logs bool) *testEnv {
	t.Helper()
	return startPipelinesWith(t, modify, nil, nextTraces, nextLogs, traces, logs)
}

// startPipelinesWith is startPipelines with hook run on the receiver once
// created, before it starts.
func startPipelinesWith(t *testing.T, modify func(*Config), hook func(*webhookReceiver), nextTraces consumer.Traces, nextLogs consumer.Logs, traces, logs bool) *testEnv {
	t.Helper()
	return startPipelinesOn(t, componenttest.NewNopHost(), modify, hook, nextTraces, nextLogs, traces, logs)
}

// startPipelinesOn is startPipelinesWith on host.
func startPipelinesOn(t *testing.T, host component.Host, modify func(*Config), hook func(*webhookReceiver), nextTraces consumer.Traces, nextLogs consumer.Logs, traces, logs bool) *testEnv {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	if modify != nil {
		modify(cfg)
	}
	require.NoError(t, cfg.Validate())

	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	env := &testEnv{t: t, sink: new(consumertest.TracesSink), logs: new(consumertest.LogsSink), tel: tel}
	if nextTraces == nil {
		nextTraces = env.sink
	}
	if nextLogs == nil {
		nextLogs = env.logs
	}
	set := metadatatest.NewSettings(tel)
	var components []component.Component
	if traces {
		r, err := NewFactory().CreateTraces(context.Background(), set, cfg, nextTraces)
		require.NoError(t, err)
		components = append(components, r)
	}
	if logs {
		r, err := NewFactory().CreateLogs(context.Background(), set, cfg, nextLogs)
		require.NoError(t, err)
		components = append(components, r)
	}
	if hook != nil {
		hook(components[0].(*sharedReceiver).webhookReceiver)
	}
	for _, c := range components {
		require.NoError(t, c.Start(context.Background(), host))
		t.Cleanup(func() { require.NoError(t, c.Shutdown(context.Background())) })
	}
	env.rcv = components[0].(*sharedReceiver).webhookReceiver
	env.base = "http://" + env.rcv.addr
	return env
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request; headers are set as given (one value each).
func (e *testEnv) do(method, path string, body []byte, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, bytes.NewReader(body))
	require.NoError(e.t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.send(req)
}

func (e *testEnv) send(req *http.Request) response {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// postJSON POSTs an OTLP JSON body to the traces path.
func (e *testEnv) postJSON(body []byte, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/v1/traces", body, append([]string{"Content-Type", "application/json"}, headers...)...)
}

// spans returns every span the pipeline received, in order.
func (e *testEnv) spans() []ptrace.Span {
	return harness.SpansIn(e.sink.AllTraces())
}

// counter sums the data points of an int64 counter, optionally only those
// whose attribute key has value.
func (e *testEnv) counter(name string, attr ...string) int64 {
	e.t.Helper()
	m, err := e.tel.GetMetric(name)
	if err != nil {
		return 0
	}
	var total int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if len(attr) == 2 {
			v, ok := dp.Attributes.Value(attribute.Key(attr[0]))
			if !ok || v.AsString() != attr[1] {
				continue
			}
		}
		total += dp.Value
	}
	return total
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "broadcast", name))
	require.NoError(t, err)
	return b
}

// tracesJSON builds an OTLP JSON body with one span per (traceID, spanID) pair.
func tracesJSON(t *testing.T, ids ...[2]string) []byte {
	t.Helper()
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, id := range ids {
		s := spans.AppendEmpty()
		s.SetName("chat")
		var tid [16]byte
		var sid [8]byte
		copy(tid[:], decodeHex(t, id[0]))
		copy(sid[:], decodeHex(t, id[1]))
		s.SetTraceID(tid)
		s.SetSpanID(sid)
		s.Attributes().PutInt("gen_ai.usage.prompt_tokens", 10)
	}
	b, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return b
}

func decodeHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// records returns every log record the logs pipeline received, in order.
func (e *testEnv) records() []plog.LogRecord {
	return harness.RecordsIn(e.logs.AllLogs())
}
