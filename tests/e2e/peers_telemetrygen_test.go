package e2e

import (
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

const (
	peerGenWorkers         = 2
	peerGenTracesPerWorker = 100
	peerGenChildSpans      = 4
)

// peerSpanKey identifies a span.
type peerSpanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// peerSpanKeys counts each (trace ID, span ID) of the file at path, and
// the spans of each trace.
func peerSpanKeys(t *testing.T, path string) (spans map[peerSpanKey]int, traces map[pcommon.TraceID]int) {
	t.Helper()
	spans, traces = map[peerSpanKey]int{}, map[pcommon.TraceID]int{}
	for _, s := range harness.SpansIn(harness.ReadFileExport(t, path)) {
		spans[peerSpanKey{s.TraceID(), s.SpanID()}]++
		traces[s.TraceID()]++
	}
	return spans, traces
}

// TestPeerTelemetrygenThroughWebhookExporterAndReceiver: telemetrygen, a
// real OTLP/gRPC client, sends 200 traces to a collector whose otlp receiver
// forwards them through the webhook exporter to the webhook receiver of a
// second collector. Every span arrives exactly once: the count is exact, no
// (trace ID, span ID) is missing or repeated, and the trace IDs are the
// distinct IDs telemetrygen sent (recorded by a file exporter next to the
// webhook exporter on the sending side).
func TestPeerTelemetrygenThroughWebhookExporterAndReceiver(t *testing.T) {
	telemetrygen := harness.Tool(t, "TELEMETRYGEN_BIN", "telemetrygen-v0.161.0")
	grpcPort, webhookPort := harness.FreePort(t), harness.FreePort(t)

	// dedup is off: with it on, the receiver would silently drop duplicates
	// the exporter sent, and the count below could not see them.
	receiver := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    signature:
      scheme: standard_webhooks
      secrets: [%q]
    dedup:
      enabled: false
exporters:
  file:
    path: {{dir}}/received.jsonl
    flush_interval: 100ms
service:%s
  pipelines:
    traces:
      receivers: [webhook]
      exporters: [file]
`, webhookPort, peerStandardSecret, peerTelemetryMetricsOff))

	sender := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
exporters:
  webhook:
    endpoint: http://127.0.0.1:%d/v1/traces
    signature:
      scheme: standard_webhooks
      secret: %q
  file:
    path: {{dir}}/sent.jsonl
    flush_interval: 100ms
service:%s
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [webhook, file]
`, grpcPort, webhookPort, peerStandardSecret, peerTelemetryMetricsOff))

	gen := harness.StartProcess(t, "telemetrygen", t.TempDir(), nil, telemetrygen, "traces",
		"--otlp-insecure", "--otlp-endpoint", fmt.Sprintf("127.0.0.1:%d", grpcPort),
		"--workers", strconv.Itoa(peerGenWorkers), "--traces", strconv.Itoa(peerGenTracesPerWorker),
		"--child-spans", strconv.Itoa(peerGenChildSpans), "--rate", "0",
		"--service", "peer-telemetrygen")
	require.Eventually(t, gen.Exited, 60*time.Second, 50*time.Millisecond, "telemetrygen did not finish")
	require.Equal(t, 0, gen.Cmd.ProcessState.ExitCode(), "telemetrygen failed:\n%s", harness.Tail(gen.Log.String(), 20))

	traces := peerGenWorkers * peerGenTracesPerWorker
	spans := traces * (1 + peerGenChildSpans)
	receivedPath := filepath.Join(receiver.Dir, "received.jsonl")
	harness.WaitForSpans(t, receivedPath, spans)
	// The sender drains its queue before it exits, and the receiver flushes
	// its file: whatever would arrive late is in the files now.
	peerStop(sender, receiver)

	sentSpans, sentTraces := peerSpanKeys(t, filepath.Join(sender.Dir, "sent.jsonl"))
	gotSpans, gotTraces := peerSpanKeys(t, receivedPath)
	t.Logf("telemetrygen sent %d traces, %d spans; %d spans in %d traces arrived",
		len(sentTraces), len(sentSpans), len(gotSpans), len(gotTraces))

	require.Len(t, sentTraces, traces, "distinct trace IDs telemetrygen sent")
	require.Len(t, sentSpans, spans, "distinct spans telemetrygen sent")
	require.Equal(t, spans, len(harness.SpansIn(harness.ReadFileExport(t, receivedPath))), "spans in the received file")
	for k, n := range gotSpans {
		require.Equal(t, 1, n, "span %s/%s arrived %d times", k.trace, k.span, n)
	}
	require.Equal(t, sentSpans, gotSpans, "spans sent and received")
	require.Equal(t, sentTraces, gotTraces, "trace IDs, with %d spans each", 1+peerGenChildSpans)
	for id, n := range gotTraces {
		require.Equal(t, 1+peerGenChildSpans, n, "spans of trace %s", id)
	}
}
