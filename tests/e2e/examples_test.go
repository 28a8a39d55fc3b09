package e2e

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// exampleDocumented are the examples the READMEs point to; any other
// examples/*.yaml is checked as well.
var exampleDocumented = []string{
	"examples/openrouter-to-otlp.yaml",
	"examples/llm-gateways.yaml",
	"examples/dedup-memory.yaml",
	"examples/dedup-storage.yaml",
	"examples/dedup-redis.yaml",
	"examples/signed-webhook-persistent-queue.yaml",
	"examples/sidecar.yaml",
	"examples/gateway.yaml",
	"examples/gateway-loadbalancer.yaml",
	"examples/llm-spans-to-clickhouse.yaml",
	"examples/openrouter-alerts-to-slack.yaml",
	"examples/spans-to-automation-hook.yaml",
	"examples/llm-metrics.yaml",
}

// exampleConfigs returns every examples/*.yaml, the configs of `make bench`
// and config/default.yaml, relative to the repository root.
func exampleConfigs(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(harness.RepoRoot, "examples", "*.yaml"))
	require.NoError(t, err)
	var rel []string
	for _, m := range matches {
		r, err := filepath.Rel(harness.RepoRoot, m)
		require.NoError(t, err)
		rel = append(rel, filepath.ToSlash(r))
	}
	for _, want := range exampleDocumented {
		require.Contains(t, rel, want, "documented example missing")
	}
	bench, err := filepath.Glob(filepath.Join(harness.RepoRoot, "bench", "config", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, bench)
	for _, m := range bench {
		r, err := filepath.Rel(harness.RepoRoot, m)
		require.NoError(t, err)
		rel = append(rel, filepath.ToSlash(r))
	}
	return append(rel, "config/default.yaml")
}

// exampleEnvRef matches ${env:NAME} and ${env:NAME:-default}.
var exampleEnvRef = regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// exampleSigningSecret is a well-formed Standard Webhooks secret (whsec_ and
// the base64 of 32 bytes); it is also a valid hmac_sha256 secret.
var exampleSigningSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("examples-test-signing-secret-32b"))

// exampleListenAddr matches a default that is a listen address (host:port).
var exampleListenAddr = regexp.MustCompile(`^:-[A-Za-z0-9.]+:[0-9]+$`)

// exampleEnv returns NAME=value for every environment variable the config
// text references, with a sample value of the right shape for its name, or
// a loopback address when its default is a listen address.
func exampleEnv(t *testing.T, text string) []string {
	t.Helper()
	seen := map[string]bool{}
	var env []string
	for _, m := range exampleEnvRef.FindAllStringSubmatch(text, -1) {
		name := m[1]
		if seen[name] {
			continue
		}
		seen[name] = true
		var value string
		switch upper := strings.ToUpper(name); {
		case exampleListenAddr.MatchString(m[2]):
			value = "127.0.0.1:" + strconv.Itoa(20000+len(seen))
		case strings.Contains(upper, "SECRET"):
			value = exampleSigningSecret
		case strings.Contains(upper, "REDIS") && strings.Contains(upper, "ENDPOINT"):
			value = "redis.observability.svc.cluster.local:6379"
		case strings.Contains(upper, "ENDPOINT"), strings.Contains(upper, "URL"):
			value = "https://ingest.example.com/v1/traces"
		case strings.HasSuffix(upper, "_PORT"):
			value = strconv.Itoa(20000 + len(seen))
		case strings.HasSuffix(upper, "SPIKE_MIB"):
			value = "64"
		case strings.HasSuffix(upper, "_MIB"):
			value = "256"
		case strings.HasSuffix(upper, "_DIR"):
			value = t.TempDir()
		case strings.Contains(upper, "SERVICE"), strings.Contains(upper, "HOST"):
			value = "otelcol-webhook-gateway-headless.observability.svc.cluster.local"
		default:
			value = "example-" + strings.ToLower(name)
		}
		env = append(env, name+"="+value)
	}
	return env
}

// exampleValidate runs `otelcol-webhook validate --config path` and returns
// its exit code and output.
func exampleValidate(t *testing.T, path string, env []string) (int, string) {
	t.Helper()
	p := harness.StartProcess(t, "otelcol-webhook validate", filepath.Dir(path), env, harness.CollectorBin, "validate", "--config", path)
	require.Eventually(t, p.Exited, 60*time.Second, 10*time.Millisecond, "validate did not finish")
	return p.Cmd.ProcessState.ExitCode(), p.Log.String()
}

// TestExamplesValidate: every example and the default config is a valid
// configuration of the built distribution, with the environment variables it
// references set.
func TestExamplesValidate(t *testing.T) {
	for _, rel := range exampleConfigs(t) {
		t.Run(rel, func(t *testing.T) {
			text := string(harness.ReadRepoFile(t, rel))
			code, out := exampleValidate(t, filepath.Join(harness.RepoRoot, rel), exampleEnv(t, text))
			require.Equal(t, 0, code, "validate %s:\n%s", rel, out)
		})
	}
}

// TestExamplesValidateRejectsBrokenCopies proves the check above can fail: a
// copy of an example with one mistake makes validate exit non-zero with a
// message naming the key.
func TestExamplesValidateRejectsBrokenCopies(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{
			name: "method PATCH",
			file: "examples/signed-webhook-persistent-queue.yaml",
			old:  "    method: POST\n", new: "    method: PATCH\n",
			want: `"method" must be POST or PUT, got "PATCH"`,
		},
		{
			name: "unknown signature key",
			file: "examples/signed-webhook-persistent-queue.yaml",
			old:  "      scheme: standard_webhooks\n", new: "      scheme: standard_webhooks\n      secrett: x\n",
			want: "secrett",
		},
		{
			name: "unknown memory_limiter key",
			file: "examples/openrouter-to-otlp.yaml",
			old:  "    check_interval: 1s\n", new: "    check_intervall: 1s\n",
			want: "check_intervall",
		},
		{
			name: "unknown dedup key",
			file: "examples/gateway.yaml",
			old:  "      max_entries: 100000\n", new: "      max_entrys: 100000\n",
			want: "max_entrys",
		},
		{
			name: "unknown load_balancing routing key",
			file: "examples/gateway-loadbalancer.yaml",
			old:  "\n    routing_key: traceID\n", new: "\n    routing_key: traceID\n    routing_kee: service\n",
			want: "routing_kee",
		},
		{
			// confighttp reads its squashed settings leniently; the webhook
			// components refuse unknown keys themselves.
			name: "misspelt key at the top of the webhook receiver",
			file: "examples/openrouter-to-otlp.yaml",
			old:  "    required_headers:\n", new: "    requird_headers:\n",
			want: "unknown configuration keys (misspelt?): requird_headers",
		},
		{
			name: "misspelt key in the webhook exporter's retry_on_failure",
			file: "examples/signed-webhook-persistent-queue.yaml",
			old:  "    retry_on_failure:\n", new: "    retry_on_failure:\n      max_elapsed_tme: 1h\n",
			want: "retry_on_failure::max_elapsed_tme",
		},
		{
			// signal_to_metrics parses its OTTL when the config is validated.
			name: "unknown OTTL function in a signal_to_metrics value",
			file: "examples/llm-metrics.yaml",
			old:  "value: Seconds(span.end_time - span.start_time)", new: "value: Secnds(span.end_time - span.start_time)",
			want: "Secnds",
		},
		{
			name: "pipeline names an undefined exporter",
			file: "examples/sidecar.yaml",
			old:  "      exporters: [webhook]\n", new: "      exporters: [webhook/missing]\n",
			want: "webhook/missing",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := string(harness.ReadRepoFile(t, tc.file))
			require.Equal(t, 1, strings.Count(text, tc.old), "%s must contain %q exactly once", tc.file, tc.old)
			path := filepath.Join(t.TempDir(), filepath.Base(tc.file))
			require.NoError(t, os.WriteFile(path, []byte(strings.Replace(text, tc.old, tc.new, 1)), 0o600))
			code, out := exampleValidate(t, path, exampleEnv(t, text))
			assert.NotEqual(t, 0, code, "validate accepted the broken copy:\n%s", out)
			assert.Contains(t, out, tc.want)
		})
	}
}

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
