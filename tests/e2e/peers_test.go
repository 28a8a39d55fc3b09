package e2e

// End-to-end tests against real peers we did not write: the stock otlp_http
// exporter and otlp receiver, the Standard Webhooks reference library and
// telemetrygen, each talking to the built distribution over loopback.

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// peerBaseTime is the start of every span of peerTraces: fixed, so that
// timestamps are compared exactly.
const peerBaseTime = uint64(1_750_000_000_000_000_000)

// peerTraces is the input of the equality tests: two resources, three
// scopes, five spans, with resource, scope, span, event and link attributes of
// every AnyValue type (empty included), the OpenRouter Broadcast attributes (gen_ai.*,
// trace.metadata.*, user.id, session.id), trace state, flags, every span kind
// and status code, and dropped counts. Token counts and costs are numbers, so
// the receiver's lenient repairs leave them as they are. Resource attributes,
// scope names, span names, event names and link span IDs are unique where
// ptracetest matches by them.
func peerTraces() ptrace.Traces {
	td := ptrace.NewTraces()

	rs := td.ResourceSpans().AppendEmpty()
	rs.SetSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
	res := rs.Resource()
	res.Attributes().PutStr("service.name", "peer-gateway")
	res.SetDroppedAttributesCount(1)
	peerPutEveryType(res.Attributes(), "resource")

	ss := rs.ScopeSpans().AppendEmpty()
	ss.SetSchemaUrl("https://opentelemetry.io/schemas/1.27.0")
	ss.Scope().SetName("openrouter.broadcast")
	ss.Scope().SetVersion("1.4.2")
	ss.Scope().SetDroppedAttributesCount(2)
	peerPutEveryType(ss.Scope().Attributes(), "scope")

	chat := ss.Spans().AppendEmpty()
	peerSpan(chat, "chat openai/gpt-4o", 0x11, 0x21, 0, ptrace.SpanKindClient)
	chat.TraceState().FromRaw("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
	chat.SetFlags(0x301)
	chat.Status().SetCode(ptrace.StatusCodeOk)
	chat.SetDroppedAttributesCount(3)
	chat.SetDroppedEventsCount(4)
	chat.SetDroppedLinksCount(5)
	a := chat.Attributes()
	a.PutStr("gen_ai.system", "openai")
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.request.model", "openai/gpt-4o")
	a.PutStr("gen_ai.response.model", "openai/gpt-4o-2024-08-06")
	a.PutStr("gen_ai.response.id", "gen-1750000000-AbCdEf")
	a.PutInt("gen_ai.usage.prompt_tokens", 100)
	a.PutInt("gen_ai.usage.completion_tokens", 50)
	a.PutInt("gen_ai.usage.total_tokens", 150)
	a.PutInt("gen_ai.usage.input_tokens.cached", 0)
	a.PutDouble("gen_ai.usage.cost", 0.000671)
	a.PutDouble("gen_ai.request.temperature", 0.7)
	a.PutInt("gen_ai.request.max_tokens", 4096)
	fr := a.PutEmptySlice("gen_ai.response.finish_reasons")
	fr.AppendEmpty().SetStr("stop")
	a.PutStr("gen_ai.prompt", "Résume ce texte en une phrase ✂️ \"quoted\" \\ back\nslash")
	a.PutStr("gen_ai.completion", "Une phrase. 日本語も。")
	a.PutStr("trace.metadata.environment", "production")
	a.PutStr("trace.metadata.feature", "support-bot")
	a.PutStr("user.id", "user_12345")
	a.PutStr("session.id", "session_abc123")
	peerPutEveryType(a, "span")

	ev := chat.Events().AppendEmpty()
	ev.SetName("gen_ai.content.prompt")
	ev.SetTimestamp(pcommon.Timestamp(peerBaseTime + 1_000))
	ev.SetDroppedAttributesCount(1)
	ev.Attributes().PutStr("gen_ai.prompt", "hello")
	peerPutEveryType(ev.Attributes(), "event")
	ev = chat.Events().AppendEmpty()
	ev.SetName("gen_ai.content.completion")
	ev.SetTimestamp(pcommon.Timestamp(peerBaseTime + 2_000))
	ev.Attributes().PutStr("gen_ai.completion", "hi")

	link := chat.Links().AppendEmpty()
	link.SetTraceID(peerTraceID(0x99))
	link.SetSpanID(peerSpanID(0x98))
	link.TraceState().FromRaw("vendor=value")
	link.SetFlags(0x101)
	link.SetDroppedAttributesCount(6)
	peerPutEveryType(link.Attributes(), "link")
	link = chat.Links().AppendEmpty()
	link.SetTraceID(peerTraceID(0x11))
	link.SetSpanID(peerSpanID(0x97))

	tool := ss.Spans().AppendEmpty()
	peerSpan(tool, "execute_tool get_weather", 0x11, 0x22, 0x21, ptrace.SpanKindInternal)
	tool.Status().SetCode(ptrace.StatusCodeError)
	tool.Status().SetMessage("tool timed out after 30s")
	tool.Attributes().PutStr("gen_ai.tool.name", "get_weather")
	tool.Attributes().PutStr("user.id", "user_12345")
	tool.Attributes().PutStr("session.id", "session_abc123")
	ev = tool.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(pcommon.Timestamp(peerBaseTime + 3_000))
	ev.Attributes().PutStr("exception.type", "TimeoutError")
	ev.Attributes().PutStr("exception.stacktrace", "at get_weather (tools.js:12:5)\n\tat run")

	ss2 := rs.ScopeSpans().AppendEmpty()
	ss2.Scope().SetName("peer.tests/http")
	server := ss2.Spans().AppendEmpty()
	peerSpan(server, "POST /api/v1/chat/completions", 0x12, 0x31, 0, ptrace.SpanKindServer)
	server.Attributes().PutInt("http.response.status_code", 200)
	server.Attributes().PutStr("trace.metadata.tenant", "acme")

	rs2 := td.ResourceSpans().AppendEmpty()
	rs2.Resource().Attributes().PutStr("service.name", "peer-worker")
	rs2.Resource().Attributes().PutInt("service.instance.number", 7)
	ss3 := rs2.ScopeSpans().AppendEmpty()
	ss3.Scope().SetName("openrouter.broadcast")
	producer := ss3.Spans().AppendEmpty()
	peerSpan(producer, "publish llm.requests", 0x13, 0x41, 0, ptrace.SpanKindProducer)
	producer.Attributes().PutStr("user.id", "user_67890")
	consumer := ss3.Spans().AppendEmpty()
	peerSpan(consumer, "process llm.requests", 0x13, 0x42, 0x41, ptrace.SpanKindConsumer)
	consumer.Attributes().PutDouble("gen_ai.usage.cost", 1.5e-7)
	consumer.Attributes().PutInt("gen_ai.usage.prompt_tokens", 9_007_199_254_740_993) // above 2^53: exact only as an int64
	return td
}

// peerPutEveryType adds one attribute of every AnyValue type, with edge
// values, and nested arrays and maps.
func peerPutEveryType(m pcommon.Map, tag string) {
	m.PutStr("peer."+tag+".string", "text with \"quotes\", ünïcödé and \u2028 separators")
	m.PutStr("peer."+tag+".empty_string", "")
	m.PutInt("peer."+tag+".int", -42)
	m.PutInt("peer."+tag+".int_max", 9_223_372_036_854_775_807)
	m.PutDouble("peer."+tag+".double", 3.141592653589793)
	m.PutDouble("peer."+tag+".double_tiny", 1e-300)
	m.PutDouble("peer."+tag+".double_whole", 2)
	m.PutBool("peer."+tag+".bool_true", true)
	m.PutBool("peer."+tag+".bool_false", false)
	m.PutEmptyBytes("peer." + tag + ".bytes").FromRaw([]byte{0x00, 0xff, 0x10, 'o', 't', 'e', 'l'})
	arr := m.PutEmptySlice("peer." + tag + ".array")
	arr.AppendEmpty().SetStr("a")
	arr.AppendEmpty().SetInt(1)
	arr.AppendEmpty().SetDouble(2.5)
	arr.AppendEmpty().SetBool(true)
	arr.AppendEmpty().SetEmptyBytes().FromRaw([]byte("b"))
	inner := arr.AppendEmpty().SetEmptyMap()
	inner.PutStr("k", "v")
	arr.AppendEmpty().SetEmptySlice().AppendEmpty().SetInt(3)
	mp := m.PutEmptyMap("peer." + tag + ".map")
	mp.PutStr("model", "gpt-4o")
	mp.PutInt("tokens", 10)
	mp.PutDouble("cost", 0.25)
	mp.PutBool("cached", false)
	mp.PutEmptyMap("nested").PutEmptySlice("list").AppendEmpty().SetStr("deep")
	m.PutEmptySlice("peer." + tag + ".empty_array")
	m.PutEmptyMap("peer." + tag + ".empty_map")
	m.PutEmpty("peer." + tag + ".empty_value")
}

func peerSpan(s ptrace.Span, name string, trace, span, parent byte, kind ptrace.SpanKind) {
	s.SetName(name)
	s.SetTraceID(peerTraceID(trace))
	s.SetSpanID(peerSpanID(span))
	if parent != 0 {
		s.SetParentSpanID(peerSpanID(parent))
	}
	s.SetKind(kind)
	start := peerBaseTime + uint64(span)*1_000_000
	s.SetStartTimestamp(pcommon.Timestamp(start))
	s.SetEndTimestamp(pcommon.Timestamp(start + 123_456_789))
}

func peerTraceID(b byte) pcommon.TraceID {
	return pcommon.TraceID{0x5e, 0xed, b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, b}
}

func peerSpanID(b byte) pcommon.SpanID {
	return pcommon.SpanID{0xa1, b, 3, 4, 5, 6, 7, b}
}

// peerPostOTLP sends td as OTLP protobuf to an otlp receiver's HTTP port,
// as any OTLP/HTTP client would.
func peerPostOTLP(t *testing.T, port int, td ptrace.Traces) {
	t.Helper()
	body, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	status, resp := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port), "application/x-protobuf", body)
	require.Equal(t, http.StatusOK, status, resp)
}

// peerMerge puts the resource spans of every request, in order, into one
// Traces.
func peerMerge(tds []ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	for _, td := range tds {
		td.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
	}
	return out
}

// peerRequireEqual requires got to equal want exactly. ptracetest is used
// without any Ignore option: no batching happens on the way (the batch
// processor is not configured and exporterhelper's queue batching is off by
// default in v0.161.0), so order and grouping are preserved and a change of
// either is a finding. ptracetest does not compare span and link flags, so
// the protobuf encodings, deterministic for equal data, are compared too.
func peerRequireEqual(t *testing.T, want, got ptrace.Traces) {
	t.Helper()
	require.NoError(t, ptracetest.CompareTraces(want, got))
	wantProto, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(want)
	require.NoError(t, err)
	gotProto, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(got)
	require.NoError(t, err)
	if !bytes.Equal(wantProto, gotProto) {
		wantJSON, _ := (&ptrace.JSONMarshaler{}).MarshalTraces(want)
		gotJSON, _ := (&ptrace.JSONMarshaler{}).MarshalTraces(got)
		require.JSONEq(t, string(wantJSON), string(gotJSON), "protobuf encodings differ")
		require.Fail(t, "protobuf encodings differ although the JSON is equal")
	}
}

// peerStop stops collectors in order, each completely (shutdown drains the
// sending queues and flushes file exporters), so nothing can arrive later.
func peerStop(cs ...*harness.Collector) {
	for _, c := range cs {
		c.Stop(syscall.SIGTERM)
	}
}

// peerFinalExport waits until the file at path holds n spans, then stops the
// collectors, senders first, and returns everything the file holds.
func peerFinalExport(t *testing.T, path string, n int, stopInOrder ...*harness.Collector) ptrace.Traces {
	t.Helper()
	harness.WaitForSpans(t, path, n)
	peerStop(stopInOrder...)
	return peerMerge(harness.ReadFileExport(t, path))
}

// peerLogHas reports whether one line of log contains every part.
func peerLogHas(log string, parts ...string) bool {
	for line := range strings.SplitSeq(log, "\n") {
		all := true
		for _, p := range parts {
			if !strings.Contains(line, p) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func peerGzip(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// peerTelemetryMetricsOff keeps the collectors' own metrics endpoint (port
// 8888 by default) closed, so that several collectors can run at once.
const peerTelemetryMetricsOff = `
  telemetry:
    metrics:
      level: none`

// TestPeerOTLPHTTPJSONToWebhookReceiver: the stock otlp_http exporter with
// encoding json, a real OTLP JSON client, delivers to the webhook receiver of
// another collector, uncompressed and gzip-compressed; every span arrives
// with every attribute, event, link and status intact.
func TestPeerOTLPHTTPJSONToWebhookReceiver(t *testing.T) {
	plainPort, gzipPort, otlpPort := harness.FreePort(t), harness.FreePort(t), harness.FreePort(t)

	// Each webhook receiver accepts only one Content-Encoding, so an arrival
	// proves the sender used that one: "" is a plain body.
	receiver := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook/plain:
    endpoint: 127.0.0.1:%d
    compression_algorithms: [""]
  webhook/gzip:
    endpoint: 127.0.0.1:%d
    compression_algorithms: [gzip]
exporters:
  file/plain:
    path: {{dir}}/plain.jsonl
    flush_interval: 100ms
  file/gzip:
    path: {{dir}}/gzip.jsonl
    flush_interval: 100ms
service:%s
  pipelines:
    traces/plain:
      receivers: [webhook/plain]
      exporters: [file/plain]
    traces/gzip:
      receivers: [webhook/gzip]
      exporters: [file/gzip]
`, plainPort, gzipPort, peerTelemetryMetricsOff))

	// Negative controls: the receivers do refuse the other encoding.
	small, err := (&ptrace.JSONMarshaler{}).MarshalTraces(peerTraces())
	require.NoError(t, err)
	status, body := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", plainPort), "application/json", peerGzip(t, small), "Content-Encoding", "gzip")
	require.Equal(t, http.StatusBadRequest, status, body)
	status, body = harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", gzipPort), "application/json", small)
	require.Equal(t, http.StatusBadRequest, status, body)

	sender := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  otlp_http/plain:
    traces_endpoint: http://127.0.0.1:%d/v1/traces
    encoding: json
    compression: none
  otlp_http/gzip:
    traces_endpoint: http://127.0.0.1:%d/v1/traces
    encoding: json
    compression: gzip
service:%s
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlp_http/plain, otlp_http/gzip]
`, otlpPort, plainPort, gzipPort, peerTelemetryMetricsOff))

	want := peerTraces()
	peerPostOTLP(t, otlpPort, want)

	harness.WaitForSpans(t, filepath.Join(receiver.Dir, "gzip.jsonl"), want.SpanCount())
	got := peerFinalExport(t, filepath.Join(receiver.Dir, "plain.jsonl"), want.SpanCount(), sender, receiver)
	gotGzip := peerMerge(harness.ReadFileExport(t, filepath.Join(receiver.Dir, "gzip.jsonl")))
	t.Logf("sent %d spans; arrived %d uncompressed, %d gzip", want.SpanCount(), got.SpanCount(), gotGzip.SpanCount())

	t.Run("compression none", func(t *testing.T) { peerRequireEqual(t, want, got) })
	t.Run("compression gzip", func(t *testing.T) { peerRequireEqual(t, want, gotGzip) })

	// Spot checks, for a readable failure if the comparison helper changed.
	chat := got.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().AsRaw()
	assert.Equal(t, "support-bot", chat["trace.metadata.feature"])
	assert.Equal(t, "user_12345", chat["user.id"])
	assert.Equal(t, "session_abc123", chat["session.id"])
	assert.Equal(t, int64(100), chat["gen_ai.usage.prompt_tokens"])
	assert.Equal(t, 0.000671, chat["gen_ai.usage.cost"])
	assert.Equal(t, []byte{0x00, 0xff, 0x10, 'o', 't', 'e', 'l'}, chat["peer.span.bytes"])
}

// TestPeerWebhookExporterToOTLPReceiver: the webhook exporter delivers to the
// stock otlp receiver of another collector, a real OTLP/HTTP server, with the
// endpoint used as given (…/v1/traces), as OTLP JSON and as OTLP protobuf
// with POST; every span arrives equal. A PUT configuration is refused by the
// otlp receiver with 405, which the exporter treats as permanent.
func TestPeerWebhookExporterToOTLPReceiver(t *testing.T) {
	jsonPort, protoPort, otlpPort := harness.FreePort(t), harness.FreePort(t), harness.FreePort(t)

	receiver := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp/json:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
  otlp/proto:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  file/json:
    path: {{dir}}/json.jsonl
    flush_interval: 100ms
  file/proto:
    path: {{dir}}/proto.jsonl
    flush_interval: 100ms
service:%s
  pipelines:
    traces/json:
      receivers: [otlp/json]
      exporters: [file/json]
    traces/proto:
      receivers: [otlp/proto]
      exporters: [file/proto]
`, jsonPort, protoPort, peerTelemetryMetricsOff))

	// webhook/put goes to the same otlp receiver as webhook/json: had the
	// PUT been accepted, json.jsonl would hold every span twice.
	sender := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%[1]d
exporters:
  webhook/json:
    endpoint: http://127.0.0.1:%[2]d/v1/traces
  webhook/proto:
    endpoint: http://127.0.0.1:%[3]d/v1/traces
    encoding: proto
    method: POST
    compression: gzip
  webhook/put:
    endpoint: http://127.0.0.1:%[2]d/v1/traces
    method: PUT
service:%[4]s
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [webhook/json, webhook/proto, webhook/put]
`, otlpPort, jsonPort, protoPort, peerTelemetryMetricsOff))

	want := peerTraces()
	peerPostOTLP(t, otlpPort, want)

	// The otlp receiver answers PUT with 405; the exporter drops the data
	// as a permanent error (no retry) and says so in the log.
	require.Eventually(t, func() bool {
		return peerLogHas(sender.Log.String(), "webhook/put", "Dropping data", "Permanent error", "HTTP 405 Method Not Allowed", "/v1/traces")
	}, 30*time.Second, 50*time.Millisecond, "the sender did not log the permanent 405 of the PUT exporter")
	assert.False(t, peerLogHas(sender.Log.String(), "webhook/put", "Will retry"), "a 405 must not be retried")

	harness.WaitForSpans(t, filepath.Join(receiver.Dir, "proto.jsonl"), want.SpanCount())
	gotJSON := peerFinalExport(t, filepath.Join(receiver.Dir, "json.jsonl"), want.SpanCount(), sender, receiver)
	gotProto := peerMerge(harness.ReadFileExport(t, filepath.Join(receiver.Dir, "proto.jsonl")))
	t.Logf("sent %d spans; arrived %d as JSON, %d as protobuf", want.SpanCount(), gotJSON.SpanCount(), gotProto.SpanCount())

	t.Run("encoding json", func(t *testing.T) { peerRequireEqual(t, want, gotJSON) })
	t.Run("encoding proto", func(t *testing.T) { peerRequireEqual(t, want, gotProto) })
	assert.False(t, peerLogHas(sender.Log.String(), "webhook/json", "Exporting failed"))
	assert.False(t, peerLogHas(sender.Log.String(), "webhook/proto", "Exporting failed"))
}
