package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// exampleLoad parses a config file of the repository as the collector does
// (before ${env:...} expansion).
func exampleLoad(t *testing.T, rel string) map[string]any {
	t.Helper()
	retrieved, err := confmap.NewRetrievedFromYAML(harness.ReadRepoFile(t, rel))
	require.NoError(t, err)
	raw, err := retrieved.AsRaw()
	require.NoError(t, err)
	conf, ok := raw.(map[string]any)
	require.True(t, ok, "%s is not a YAML map", rel)
	return conf
}

// exampleSet sets conf[path...] = value; every map on the way must exist, so
// the test fails when an example no longer has the key it overrides.
func exampleSet(t *testing.T, conf map[string]any, value any, path ...string) {
	t.Helper()
	m := conf
	for i, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		require.True(t, ok, "no map at %s", strings.Join(path[:i+1], "::"))
		m = next
	}
	_, ok := m[path[len(path)-1]]
	require.True(t, ok, "no key %s", strings.Join(path, "::"))
	m[path[len(path)-1]] = value
}

// exampleStartCollector starts conf (JSON is YAML) and waits until it is
// ready.
func exampleStartCollector(t *testing.T, conf map[string]any) *harness.Collector {
	t.Helper()
	text, err := json.Marshal(conf)
	require.NoError(t, err)
	return harness.StartCollector(t, string(text))
}

// exampleTelemetry keeps the collector's metrics off, or serves them on
// 127.0.0.1:port, so that several collectors run side by side.
func exampleTelemetry(port int) map[string]any {
	if port == 0 {
		return map[string]any{"metrics": map[string]any{"level": "none"}}
	}
	return map[string]any{"metrics": map[string]any{
		"level": "normal",
		"readers": []any{map[string]any{"pull": map[string]any{"exporter": map[string]any{
			"prometheus": map[string]any{"host": "127.0.0.1", "port": port},
		}}}},
	}}
}

// exampleMetric sums the samples of a counter on a collector's metrics page.
func exampleMetric(t *testing.T, port int, name string) float64 {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	require.NoError(t, err)
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || !(strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "_total")) {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		require.NoError(t, err, line)
		sum += v
	}
	require.NoError(t, sc.Err())
	return sum
}

// exampleBatch is an OTLP JSON request of n traces of two spans each, with
// trace IDs derived from tag.
func exampleBatch(t *testing.T, tag byte, n int) []byte {
	t.Helper()
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "examples-e2e")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	start := pcommon.Timestamp(1_750_000_000_000_000_000)
	for i := 0; i < n; i++ {
		for j := 0; j < 2; j++ {
			s := spans.AppendEmpty()
			s.SetTraceID(pcommon.TraceID{0xe0, tag, byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, byte(i)})
			s.SetSpanID(pcommon.SpanID{0x5e, tag, byte(i), byte(j), 1, 2, 3, 4})
			s.SetName(fmt.Sprintf("call %d.%d", i, j))
			s.SetStartTimestamp(start)
			s.SetEndTimestamp(start + 1_000_000)
		}
	}
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return body
}

type exampleSpanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// exampleSpansByGateway reads what each gateway exported, counting each
// span and noting which gateways each trace reached.
func exampleSpansByGateway(t *testing.T, files []string) (map[exampleSpanKey]int, map[pcommon.TraceID]map[int]bool) {
	t.Helper()
	spans := map[exampleSpanKey]int{}
	traces := map[pcommon.TraceID]map[int]bool{}
	for g, f := range files {
		for _, s := range harness.SpansIn(harness.ReadFileExport(t, f)) {
			spans[exampleSpanKey{s.TraceID(), s.SpanID()}]++
			if traces[s.TraceID()] == nil {
				traces[s.TraceID()] = map[int]bool{}
			}
			traces[s.TraceID()][g] = true
		}
	}
	return spans, traces
}

func exampleTotal(spans map[exampleSpanKey]int) int {
	n := 0
	for _, c := range spans {
		n += c
	}
	return n
}

// TestExamplesGatewayLayoutDedupsAcrossLoadBalancers runs the scale-out
// layout of examples/gateway-loadbalancer.yaml and examples/gateway.yaml
// (listen addresses moved to free loopback ports, the DNS resolver replaced
// by a static list of the two gateways, the backend by a file, the dedup
// Redis a real redis-server with a password): a delivery and its retry,
// received by two different load-balancer replicas, reach the backend once,
// and every trace is kept by one gateway. A delivery sent straight to both
// gateways, as a plain Service would spread a retry or scaling would move a
// trace, is exported once too: the gateways share their dedup state.
func TestExamplesGatewayLayoutDedupsAcrossLoadBalancers(t *testing.T) {
	const token = "Bearer examples-e2e-token"
	const redisPassword = "examples-e2e-redis-password"
	redis := harness.StartRedis(t, "--requirepass", redisPassword)
	var gatewayGRPC, gatewayLoop, gatewayMetrics []int
	var files []string
	for g := 0; g < 2; g++ {
		grpcPort, loopPort, metricsPort := harness.FreePort(t), harness.FreePort(t), harness.FreePort(t)
		conf := exampleLoad(t, "examples/gateway.yaml")
		exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", grpcPort), "receivers", "otlp", "protocols", "grpc", "endpoint")
		exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", loopPort), "receivers", "webhook/dedup", "endpoint")
		exampleSet(t, conf, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", loopPort), "exporters", "webhook/loopback", "endpoint")
		exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t)), "extensions", "health_check", "endpoint")
		exampleSet(t, conf, "{{dir}}/queue", "extensions", "file_storage/queue", "directory")
		exampleSet(t, conf, "{{dir}}/queue", "extensions", "file_storage/queue", "compaction", "directory")
		exampleSet(t, conf, redis.Addr, "receivers", "webhook/dedup", "dedup", "redis", "endpoint")
		exampleSet(t, conf, redisPassword, "receivers", "webhook/dedup", "dedup", "redis", "password")
		// The backend is a file in the gateway's directory.
		exporters := conf["exporters"].(map[string]any)
		delete(exporters, "otlp_http")
		exporters["file"] = map[string]any{"path": "{{dir}}/traces.jsonl", "flush_interval": "100ms"}
		exampleSet(t, conf, []any{"file"}, "service", "pipelines", "traces/out", "exporters")
		conf["service"].(map[string]any)["telemetry"] = exampleTelemetry(metricsPort)

		c := exampleStartCollector(t, conf)
		gatewayGRPC, gatewayLoop, gatewayMetrics = append(gatewayGRPC, grpcPort), append(gatewayLoop, loopPort), append(gatewayMetrics, metricsPort)
		files = append(files, filepath.Join(c.Dir, "traces.jsonl"))
	}

	var lbURLs []string
	for l := 0; l < 2; l++ {
		port := harness.FreePort(t)
		conf := exampleLoad(t, "examples/gateway-loadbalancer.yaml")
		exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", port), "receivers", "webhook", "endpoint")
		exampleSet(t, conf, map[string]any{"Authorization": token}, "receivers", "webhook", "required_headers")
		exampleSet(t, conf, fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t)), "extensions", "health_check", "endpoint")
		exampleSet(t, conf, map[string]any{"static": map[string]any{"hostnames": []any{
			fmt.Sprintf("127.0.0.1:%d", gatewayGRPC[0]), fmt.Sprintf("127.0.0.1:%d", gatewayGRPC[1]),
		}}}, "exporters", "load_balancing", "resolver")
		conf["service"].(map[string]any)["telemetry"] = exampleTelemetry(0)
		exampleStartCollector(t, conf)
		lbURLs = append(lbURLs, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port))
	}

	const traces = 20
	delivery := exampleBatch(t, 0xa, traces)

	// The load balancer requires the sender's token.
	status, body := harness.Post(t, http.MethodPost, lbURLs[0], "application/json", delivery)
	require.Equal(t, http.StatusUnauthorized, status, body)

	// The delivery reaches replica 0 of the first tier.
	status, body = harness.Post(t, http.MethodPost, lbURLs[0], "application/json", delivery, "Authorization", token)
	require.Equal(t, http.StatusOK, status, body)
	require.Eventually(t, func() bool {
		spans, _ := exampleSpansByGateway(t, files)
		return exampleTotal(spans) >= 2*traces
	}, 30*time.Second, 50*time.Millisecond, "the delivery did not reach the gateways")

	// Its retry reaches replica 1 of the first tier, which has never seen it.
	status, body = harness.Post(t, http.MethodPost, lbURLs[1], "application/json", delivery, "Authorization", token)
	require.Equal(t, http.StatusOK, status, body)
	require.Eventually(t, func() bool {
		return exampleMetric(t, gatewayMetrics[0], "otelcol_receiver_webhook_duplicate_spans")+
			exampleMetric(t, gatewayMetrics[1], "otelcol_receiver_webhook_duplicate_spans") >= 2*traces
	}, 30*time.Second, 50*time.Millisecond, "the gateways did not drop the retried spans")

	spans, byTrace := exampleSpansByGateway(t, files)
	require.Len(t, spans, 2*traces)
	for k, n := range spans {
		assert.Equal(t, 1, n, "span %s/%s exported %d times", k.trace, k.span, n)
	}
	used := map[int]bool{}
	for id, gateways := range byTrace {
		assert.Len(t, gateways, 1, "trace %s was split across gateways", id)
		for g := range gateways {
			used[g] = true
		}
	}
	assert.Len(t, used, 2, "the trace IDs should be spread over both gateways")

	// Without routing by trace ID: the same delivery sent straight to both
	// gateways is exported once, the second copy found in the shared Redis.
	control := exampleBatch(t, 0xb, traces)
	for _, port := range gatewayLoop {
		status, body = harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port), "application/json", control)
		require.Equal(t, http.StatusOK, status, body)
	}
	// A marker after them: the file exporters write in order.
	marker := exampleBatch(t, 0xc, 1)
	status, body = harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", gatewayLoop[1]), "application/json", marker)
	require.Equal(t, http.StatusOK, status, body)
	require.Eventually(t, func() bool {
		spans, _ := exampleSpansByGateway(t, files)
		return exampleTotal(spans) >= 2*traces+2*traces+2
	}, 30*time.Second, 50*time.Millisecond, "the control deliveries did not reach the backend")
	spans, _ = exampleSpansByGateway(t, files)
	controlSpans := 0
	for k, n := range spans {
		assert.Equal(t, 1, n, "span %s/%s exported %d times", k.trace, k.span, n)
		if k.trace[1] == 0xb {
			controlSpans++
		}
	}
	assert.Equal(t, 2*traces, controlSpans, "every control span is exported once")
	assert.Positive(t, exampleMetric(t, gatewayMetrics[1], "otelcol_receiver_webhook_dedup_hits"), "the second gateway found them in Redis")
}
