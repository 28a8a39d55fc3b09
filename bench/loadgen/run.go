package main

// One measured phase: the load, the samples of the collector around it,
// and what they add up to.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// Result is what run measured in one phase.
type Result struct {
	Label       string  `json:"label"`
	URL         string  `json:"url"`
	Spans       int     `json:"spans_per_request"`
	BodyBytes   int     `json:"body_bytes"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`

	Requests int64            `json:"requests"`
	Statuses map[string]int64 `json:"statuses"`
	Errors   int64            `json:"transport_errors"`
	// ErrorSamples counts the first few distinct transport errors.
	ErrorSamples map[string]int64 `json:"transport_error_samples,omitempty"`

	RequestsPerSec float64 `json:"requests_per_sec"`
	AcceptedSpans  int64   `json:"accepted_spans"`
	SpansPerSec    float64 `json:"spans_per_sec"`
	P50Ms          float64 `json:"p50_ms"`
	P99Ms          float64 `json:"p99_ms"`
	CPUSeconds     float64 `json:"cpu_seconds"`
	CPUPerMSpans   float64 `json:"cpu_seconds_per_million_spans"`
	StartRSSMiB    float64 `json:"start_rss_mib"`
	PeakRSSMiB     float64 `json:"peak_rss_mib"`
	// Peaks of each third of the phase: the first holds the ramp-up, and
	// memory that keeps growing shows as a last third above the middle one.
	PeakRSSThirdsMiB [3]float64 `json:"peak_rss_by_third_mib"`
	// LatencyHist counts latencies by histBucket, so that the results of
	// several rounds of a phase can be merged (report).
	LatencyHist     map[int]int64      `json:"latency_histogram"`
	CollectorCounts map[string]float64 `json:"collector_counters,omitempty"`
	SinkRequests    int64              `json:"sink_requests,omitempty"`
	SinkBytes       int64              `json:"sink_bytes,omitempty"`
}

type runConfig struct {
	label, url, out     string
	spans, concurrency  int
	duration, warmup    time.Duration
	maxRequests         int64
	sign, proto         bool
	pid, clkTck         int
	metricsURL, sinkURL string
	counters            []string
	timeout             time.Duration
	vegetaBin           string
}

func runCmd(args []string) error {
	var c runConfig
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	fs.StringVar(&c.label, "label", "run", "name of the phase in the report")
	fs.StringVar(&c.url, "url", "", "URL to POST to")
	fs.StringVar(&c.out, "out", "", "write the result as JSON to this file")
	fs.IntVar(&c.spans, "spans", 1, "spans per request")
	fs.IntVar(&c.concurrency, "concurrency", 8, "requests in flight")
	fs.DurationVar(&c.duration, "duration", 15*time.Second, "measured duration")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "unmeasured load before the measurement")
	fs.Int64Var(&c.maxRequests, "max-requests", 0, "stop the measurement after this many requests (0: no limit)")
	fs.BoolVar(&c.sign, "sign", true, "sign with Standard Webhooks and send the required header")
	fs.BoolVar(&c.proto, "proto", false, "send OTLP protobuf instead of OTLP JSON")
	fs.IntVar(&c.pid, "pid", 0, "collector process to sample (CPU, RSS)")
	fs.IntVar(&c.clkTck, "clk-tck", 100, "clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK)")
	fs.StringVar(&c.metricsURL, "metrics-url", "", "collector Prometheus endpoint, read before and after")
	fs.StringVar(&c.sinkURL, "sink-url", "", "bench/sink stats URL, read before and after")
	counters := fs.String("counters", "", "comma-separated metric{label=\"value\"} selectors whose deltas to report")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.StringVar(&c.vegetaBin, "vegeta", "vegeta", "the vegeta binary that sends the requests")
	_ = fs.Parse(args)
	if c.url == "" {
		return errors.New("run: -url is required")
	}
	if *counters != "" {
		c.counters = strings.Split(*counters, ",")
	}
	res, err := run(c)
	if err != nil {
		return err
	}
	fmt.Println(res.line())
	if c.out != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(c.out, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run(c runConfig) (*Result, error) {
	signer, err := benchdata.NewSigner(benchdata.Secret)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(bodyDir(), "loadgen-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	payload := benchdata.NewPayload(c.spans)
	if c.proto {
		payload = benchdata.NewProtoPayload(c.spans)
	}
	a := &attack{c: c, payload: payload, signer: signer, run: benchdata.NewRun(), dir: dir}
	if c.warmup > 0 {
		if _, err := a.vegeta(c.warmup, 0); err != nil {
			return nil, err
		}
	}

	before := snapshot(c)
	startRSS := rssKiB(c.pid)
	// peaks are the RSS peaks of each third of the phase.
	var peaks [3]int64
	stopSampling := make(chan struct{})
	var sampling sync.WaitGroup
	start := time.Now()
	sample := func() {
		third := min(int(3*time.Since(start)/c.duration), 2)
		peaks[third] = max(peaks[third], rssKiB(c.pid))
	}
	if c.pid > 0 {
		sampling.Go(func() {
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stopSampling:
					return
				case <-t.C:
					sample()
				}
			}
		})
	}
	hits, err := a.vegeta(c.duration, c.maxRequests)
	close(stopSampling)
	sampling.Wait()
	if err != nil {
		return nil, err
	}
	if c.pid > 0 {
		sample()
	}
	after := snapshot(c)

	res := &Result{
		Label: c.label, URL: c.url, Spans: c.spans, BodyBytes: len(a.payload.Body),
		Concurrency: c.concurrency, Statuses: map[string]int64{}, ErrorSamples: map[string]int64{},
		StartRSSMiB: float64(startRSS) / 1024, PeakRSSMiB: float64(max(startRSS, peaks[0], peaks[1], peaks[2])) / 1024,
	}
	for i, p := range peaks {
		res.PeakRSSThirdsMiB[i] = float64(p) / 1024
	}
	// The phase lasts from the first request sent to the last answer.
	first, last := int64(math.MaxInt64), int64(0)
	lat := make([]time.Duration, 0, len(hits))
	for _, h := range hits {
		first = min(first, h.start)
		last = max(last, h.start+int64(h.latency))
		if h.code == 0 {
			res.Errors++
			if len(res.ErrorSamples) < 5 || res.ErrorSamples[h.err] > 0 {
				res.ErrorSamples[h.err]++
			}
			continue
		}
		lat = append(lat, h.latency)
		res.Statuses[strconv.Itoa(h.code)]++
		res.Requests++
		if h.code >= 200 && h.code <= 299 {
			res.AcceptedSpans += int64(c.spans)
		}
	}
	if len(hits) == 0 {
		return nil, fmt.Errorf("%s: vegeta sent no request", c.label)
	}
	res.Seconds = float64(last-first) / 1e9
	slices.Sort(lat)
	res.P50Ms = percentile(lat, 0.50)
	res.P99Ms = percentile(lat, 0.99)
	res.LatencyHist = map[int]int64{}
	for _, d := range lat {
		res.LatencyHist[histBucket(d)]++
	}
	res.RequestsPerSec = float64(res.Requests) / res.Seconds
	res.SpansPerSec = float64(res.AcceptedSpans) / res.Seconds
	if c.pid > 0 {
		res.CPUSeconds = float64(after.cpuTicks-before.cpuTicks) / float64(c.clkTck)
		if res.AcceptedSpans > 0 {
			res.CPUPerMSpans = res.CPUSeconds / (float64(res.AcceptedSpans) / 1e6)
		}
	}
	if len(c.counters) > 0 {
		res.CollectorCounts = map[string]float64{}
		for _, sel := range c.counters {
			res.CollectorCounts[sel] = after.counters[sel] - before.counters[sel]
		}
	}
	res.SinkRequests = after.sinkRequests - before.sinkRequests
	res.SinkBytes = after.sinkBytes - before.sinkBytes
	return res, nil
}
