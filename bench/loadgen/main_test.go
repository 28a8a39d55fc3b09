package main

import (
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

func TestHistogramPercentilesWithinOnePercent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var lat []time.Duration
	h := map[int]int64{}
	for range 100_000 {
		d := time.Duration(rng.ExpFloat64() * float64(3*time.Millisecond))
		lat = append(lat, d)
		h[histBucket(d)]++
	}
	slices.Sort(lat)
	for _, p := range []float64{0.5, 0.9, 0.99} {
		exact, approx := percentile(lat, p), histPercentile(h, p)
		if exact < 0.001 {
			continue // below the 1 µs resolution
		}
		if math.Abs(approx-exact)/exact > 0.011 {
			t.Errorf("p%.0f: histogram %.4f ms, exact %.4f ms", p*100, approx, exact)
		}
	}
}

func TestMergeRounds(t *testing.T) {
	a := &Result{Label: "x", Spans: 10, Seconds: 5, Requests: 100, AcceptedSpans: 1000, CPUSeconds: 1,
		Statuses: map[string]int64{"200": 100}, PeakRSSMiB: 50, LatencyHist: map[int]int64{histBucket(time.Millisecond): 100}}
	b := &Result{Label: "x", Spans: 10, Seconds: 5, Requests: 300, AcceptedSpans: 2000, CPUSeconds: 3,
		Statuses: map[string]int64{"200": 200, "503": 100}, PeakRSSMiB: 80, LatencyHist: map[int]int64{histBucket(3 * time.Millisecond): 300}}
	a.merge(b)
	if a.Requests != 400 || a.AcceptedSpans != 3000 || a.Statuses["200"] != 300 || a.Statuses["503"] != 100 {
		t.Fatalf("counts not summed: %+v", a)
	}
	if a.RequestsPerSec != 40 || a.SpansPerSec != 300 || a.CPUPerMSpans != 4/0.003 || a.PeakRSSMiB != 80 {
		t.Fatalf("rates not recomputed: %+v", a)
	}
	if math.Abs(a.P50Ms-3) > 0.03 {
		t.Fatalf("p50 %.3f ms, want 3 ms", a.P50Ms)
	}
}

func TestSumCounter(t *testing.T) {
	text := `# HELP otelcol_receiver_accepted_spans Number of spans successfully pushed into the pipeline.
# TYPE otelcol_receiver_accepted_spans counter
otelcol_receiver_accepted_spans{receiver="webhook",service_name="otelcol-webhook",transport="http"} 1500
otelcol_receiver_accepted_spans{receiver="otlp",service_name="otelcol-webhook",transport="http"} 700
otelcol_receiver_accepted_spans_total{receiver="webhook",transport="grpc"} 5
otelcol_receiver_accepted_spans_other{receiver="webhook"} 1000000
`
	if got := sumCounter(text, `otelcol_receiver_accepted_spans{receiver="webhook"}`); got != 1505 {
		t.Errorf("webhook: %v, want 1505", got)
	}
	if got := sumCounter(text, `otelcol_receiver_accepted_spans`); got != 2205 {
		t.Errorf("all: %v, want 2205", got)
	}
}

// TestTargetsInVegetaHTTPFormat: the targets fed to vegeta are in its http
// format, each with its own body file, trace IDs, webhook-id and signature.
func TestTargetsInVegetaHTTPFormat(t *testing.T) {
	signer, err := benchdata.NewSigner(benchdata.Secret)
	if err != nil {
		t.Fatal(err)
	}
	a := &attack{
		c:       runConfig{url: "http://127.0.0.1:1/v1/traces", sign: true},
		payload: benchdata.NewPayload(2), signer: signer, run: 7, dir: t.TempDir(),
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- a.targets(pw, 3) }()
	out, err := io.ReadAll(pr)
	if err != nil || <-done != nil {
		t.Fatal(err)
	}
	targets := strings.Split(strings.TrimSuffix(string(out), "\n\n"), "\n\n")
	if len(targets) != 3 {
		t.Fatalf("%d targets, want 3:\n%s", len(targets), out)
	}
	ids := map[string]bool{}
	bodies := map[string]bool{}
	for _, tgt := range targets {
		lines := strings.Split(tgt, "\n")
		if lines[0] != "POST http://127.0.0.1:1/v1/traces" {
			t.Fatalf("request line %q", lines[0])
		}
		file := strings.TrimPrefix(lines[len(lines)-1], "@")
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		bodies[string(body)] = true
		h := http.Header{}
		for _, l := range lines[1 : len(lines)-1] {
			k, v, ok := strings.Cut(l, ": ")
			if !ok {
				t.Fatalf("header line %q", l)
			}
			h.Add(k, v)
		}
		if h.Get(benchdata.AuthHeader) != benchdata.AuthValue || h.Get("Content-Type") != "application/json" {
			t.Fatalf("headers %v", h)
		}
		ids[h.Get("webhook-id")] = true
		if h.Get("webhook-signature") == "" {
			t.Fatalf("unsigned target: %v", h)
		}
	}
	if len(ids) != 3 || len(bodies) != 3 {
		t.Fatalf("%d distinct webhook-ids and %d distinct bodies, want 3 each", len(ids), len(bodies))
	}
}

func TestBodyRing(t *testing.T) {
	for size, want := range map[int]uint64{0: 4096, 2_400: 4096, 236_000: 1137, 2_358_319: 128} {
		if got := bodyRing(size); got != want {
			t.Errorf("bodyRing(%d) = %d, want %d", size, got, want)
		}
	}
}

func TestGoRatios(t *testing.T) {
	out := t.TempDir() + "/bench.txt"
	text := `BenchmarkDecode/spans=100/impl=pdata-2   100  2000000 ns/op  120.00 MB/s  2000000 cpu-ns/op  50000 spans/s  640000 B/op  16702 allocs/op
BenchmarkDecode/spans=100/impl=ours-2    100   800000 ns/op  300.00 MB/s   800000 cpu-ns/op 125000 spans/s  226000 B/op   3210 allocs/op
BenchmarkDecode/spans=100/impl=pdata-2   100  2000000 ns/op  120.00 MB/s  2200000 cpu-ns/op  50000 spans/s  640000 B/op  16702 allocs/op
BenchmarkDecode/spans=100/impl=ours-2    100   800000 ns/op  300.00 MB/s   880000 cpu-ns/op 125000 spans/s  226000 B/op   3210 allocs/op
BenchmarkOther/impl=a-2 10 5 ns/op
`
	if err := os.WriteFile(out, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	r, w, _ := os.Pipe()
	os.Stdout = w
	err := goRatiosCmd([]string{out})
	_ = w.Close()
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	for _, want := range []string{"Decode/spans=100  ours  2  125000  2.50x  300  2.50x  840000  0.40x  3210  0.19x"} {
		if !strings.Contains(strings.Join(strings.Fields(string(got)), "  "), want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestFreePorts: the ports are distinct, free and below the ephemeral
// range, where the load's own connections cannot take them.
func TestFreePorts(t *testing.T) {
	below := ephemeralLow()
	ports, err := freePorts(11, below)
	require.NoError(t, err)
	require.Len(t, ports, 11)
	seen := map[int]bool{}
	for _, p := range ports {
		require.False(t, seen[p], "port %d twice", p)
		seen[p] = true
		require.GreaterOrEqual(t, p, lowestPort)
		require.Less(t, p, below)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		require.NoError(t, err, "port %d is free", p)
		require.NoError(t, ln.Close())
	}
}

// TestProtoPayloadFill: every span of a filled protobuf body has the
// request's own trace ID, and the body is still the same traces otherwise.
func TestProtoPayloadFill(t *testing.T) {
	p := benchdata.NewProtoPayload(3)
	body := p.Fill(nil, 7, 9)
	td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(body)
	require.NoError(t, err)
	require.Equal(t, 3, td.SpanCount())
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := range spans.Len() {
		id := spans.At(i).TraceID()
		require.Equal(t, "0000000000000007"+"0000000000000009", id.String())
	}
	require.Equal(t, "application/x-protobuf", p.ContentType)
}
