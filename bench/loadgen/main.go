// Command loadgen drives the load phases of bench/run.sh.
//
//	loadgen run -label ours -url http://127.0.0.1:4319/v1/traces -spans 100 \
//	    -concurrency 8 -duration 15s -pid 1234 -out ours.json
//	loadgen report ours.json stock.json -ratio ours/stock
//	loadgen ports 5
//	loadgen wait http://127.0.0.1:13133/ 30s
//	loadgen goratios receiver.txt exporter.txt
//
// run has vegeta (https://github.com/tsenart/vegeta, installed by
// bench/run.sh) POST Broadcast-like OTLP JSON bodies (bench/benchdata) at a
// fixed concurrency for a bounded time and number of requests, and reads its
// results: vegeta sends and times the requests, loadgen only writes the
// targets it reads and sums up what it measured. Every request has
// its own trace IDs and webhook-id, and is signed with Standard Webhooks and
// carries the required header of bench/config, so a receiver with dedup on
// does real work; a stock receiver gets the same bytes and ignores the
// headers. While it runs it samples the collector process (-pid): CPU time
// from /proc/<pid>/stat and peak RSS from /proc/<pid>/status. It prints one
// line and writes the result as JSON for report.
package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCmd(os.Args[2:])
	case "report":
		err = reportCmd(os.Args[2:])
	case "ports":
		err = portsCmd(os.Args[2:])
	case "wait":
		err = waitCmd(os.Args[2:])
	case "goratios":
		err = goRatiosCmd(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: loadgen run|report|ports|wait|goratios ... (see the package documentation)")
	os.Exit(2)
}

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
	sign                bool
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

// attack feeds one phase's requests to vegeta.
type attack struct {
	c       runConfig
	payload *benchdata.Payload
	signer  *benchdata.Signer
	run     uint64
	seq     uint64
	dir     string // body files, see targets
}

// hit is one request as vegeta reports it.
type hit struct {
	start   int64 // Unix nanoseconds
	latency time.Duration
	code    int // 0: transport error
	err     string
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
	a := &attack{c: c, payload: benchdata.NewPayload(c.spans), signer: signer, run: benchdata.NewRun(), dir: dir}
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

// bodyDir is where the body files go: memory-backed when the machine has
// /dev/shm.
func bodyDir() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

// bodyRing is how many body files of size bytes are reused in turn: about
// 256 MiB of them, at least 128 and at most 4096. vegeta reads a body file
// when it reads its target, and targets reach it through a pipe shrunk to a
// page (see vegeta), a 4 KiB buffer on each side: at most a few dozen
// targets ahead, so a file is long read before its name comes round again.
func bodyRing(size int) uint64 {
	return uint64(min(max((256<<20)/max(size, 1), 128), 4096))
}

// errNoTargets is the error of vegeta's ErrNoTargets.
const errNoTargets = "no targets to attack"

// fSetPipeSize is Linux's F_SETPIPE_SZ.
const fSetPipeSize = 1031

// vegeta runs `vegeta attack` at its maximum rate with c.concurrency
// workers and connections for d, or until limit requests have been sent
// (0: no limit), and returns what it measured. Targets are read lazily from
// a pipe that this process fills as vegeta asks: every request gets its own
// trace IDs and webhook-id and a fresh signature, so that a receiver with
// dedup on does real work, and a stock receiver gets the same bytes.
func (a *attack) vegeta(d time.Duration, limit int64) ([]hit, error) {
	out := filepath.Join(a.dir, "results.bin")
	n := strconv.Itoa(a.c.concurrency)
	cmd := exec.Command(a.c.vegetaBin, "attack", "-lazy", "-format=http", "-rate=0",
		"-workers="+n, "-max-workers="+n, "-connections="+n, "-max-connections="+n,
		"-duration="+d.String(), "-timeout="+a.c.timeout.String(), "-http2=false",
		"-name="+a.c.label, "-output="+out)
	cmd.Stderr = os.Stderr
	pr, stdin, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	// Keep the targets written ahead of vegeta few (see bodyRing).
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, stdin.Fd(), fSetPipeSize, 4096); errno != 0 {
		_, _ = pr.Close(), stdin.Close()
		return nil, fmt.Errorf("shrinking the targets pipe: %w", errno)
	}
	cmd.Stdin = pr
	if err := cmd.Start(); err != nil {
		_, _ = pr.Close(), stdin.Close()
		return nil, fmt.Errorf("starting vegeta: %w", err)
	}
	_ = pr.Close()
	genErr := make(chan error, 1)
	go func() { genErr <- a.targets(stdin, limit) }()
	waitErr := cmd.Wait()
	// vegeta stops reading at the deadline: the pipe breaks and the
	// generator returns.
	_ = stdin.Close()
	if err := <-genErr; err != nil && !errors.Is(err, os.ErrClosed) && !errors.Is(err, syscall.EPIPE) {
		return nil, fmt.Errorf("writing targets: %w", err)
	}
	if waitErr != nil {
		return nil, fmt.Errorf("vegeta attack: %w", waitErr)
	}
	return a.results(out)
}

// targets writes vegeta targets in its http format, each with its own body
// file, until limit targets (0: until the pipe breaks).
func (a *attack) targets(w io.WriteCloser, limit int64) error {
	bw := bufio.NewWriterSize(w, 4<<10)
	ring := bodyRing(len(a.payload.Body))
	var body []byte
	h := http.Header{}
	for i := int64(0); limit == 0 || i < limit; i++ {
		a.seq++
		body = a.payload.Fill(body, a.run, a.seq)
		file := filepath.Join(a.dir, strconv.FormatUint(a.seq%ring, 10)+".json")
		if err := os.WriteFile(file, body, 0o600); err != nil {
			return err
		}
		clear(h)
		h.Set("Content-Type", "application/json")
		if a.c.sign {
			h.Set(benchdata.AuthHeader, benchdata.AuthValue)
			a.signer.Sign(h, body, benchdata.DeliveryID(a.run, a.seq), time.Now())
		}
		fmt.Fprintf(bw, "POST %s\n", a.c.url)
		for k, vs := range h {
			for _, v := range vs {
				fmt.Fprintf(bw, "%s: %s\n", k, v)
			}
		}
		if _, err := fmt.Fprintf(bw, "@%s\n\n", file); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return w.Close()
}

// results reads vegeta's results file through `vegeta encode -to csv`.
func (a *attack) results(file string) ([]hit, error) {
	cmd := exec.Command(a.c.vegetaBin, "encode", "-to", "csv", file)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := csv.NewReader(bufio.NewReaderSize(stdout, 1<<20))
	r.FieldsPerRecord = -1
	var hits []hit
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = cmd.Wait()
			return nil, fmt.Errorf("reading vegeta results: %w", err)
		}
		// Columns: timestamp (ns), status, latency (ns), bytes out, bytes
		// in, error, ...
		if len(rec) < 6 {
			return nil, fmt.Errorf("vegeta result with %d columns", len(rec))
		}
		ts, err1 := strconv.ParseInt(rec[0], 10, 64)
		code, err2 := strconv.Atoi(rec[1])
		ns, err3 := strconv.ParseInt(rec[2], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("vegeta result %q: %w", rec[:3], err)
		}
		// vegeta also puts an error on a non-2xx answer ("503 Service
		// Unavailable"); only code 0 is a transport error. A worker that
		// finds no more targets (-max-requests) reports that as a result
		// of its own, which is no request.
		if code == 0 && rec[5] == errNoTargets {
			continue
		}
		hits = append(hits, hit{start: ts, latency: time.Duration(ns), code: code, err: rec[5]})
	}
	return hits, cmd.Wait()
}

// Latency histogram buckets are 1% wide: bucket b holds latencies in
// [1.01^b, 1.01^(b+1)) microseconds.
const histBase = 1.01

func histBucket(d time.Duration) int {
	us := max(float64(d)/float64(time.Microsecond), 1)
	return int(math.Log(us) / math.Log(histBase))
}

// histPercentile returns the p quantile of a histogram, in milliseconds, as
// the middle of its bucket.
func histPercentile(h map[int]int64, p float64) float64 {
	var total int64
	buckets := make([]int, 0, len(h))
	for b, n := range h {
		buckets = append(buckets, b)
		total += n
	}
	if total == 0 {
		return 0
	}
	slices.Sort(buckets)
	rank := min(int64(float64(total)*p), total-1)
	var seen int64
	for _, b := range buckets {
		seen += h[b]
		if seen > rank {
			return math.Pow(histBase, float64(b)+0.5) / 1000
		}
	}
	return 0
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(float64(len(sorted))*p), len(sorted)-1)
	return float64(sorted[i]) / float64(time.Millisecond)
}

type snap struct {
	cpuTicks                int64
	counters                map[string]float64
	sinkRequests, sinkBytes int64
}

func snapshot(c runConfig) snap {
	s := snap{counters: map[string]float64{}}
	if c.pid > 0 {
		s.cpuTicks = cpuTicks(c.pid)
	}
	if c.metricsURL != "" && len(c.counters) > 0 {
		if text, err := get(c.metricsURL); err == nil {
			for _, sel := range c.counters {
				s.counters[sel] = sumCounter(text, sel)
			}
		}
	}
	if c.sinkURL != "" {
		if text, err := get(c.sinkURL); err == nil {
			var st struct{ Requests, Bytes int64 }
			if json.Unmarshal([]byte(text), &st) == nil {
				s.sinkRequests, s.sinkBytes = st.Requests, st.Bytes
			}
		}
	}
	return s
}

// cpuTicks returns utime+stime of pid, all threads, in clock ticks.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may contain spaces; fields restart after ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

// rssKiB returns VmRSS of pid in KiB.
func rssKiB(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func get(url string) (string, error) {
	resp, err := http.Get(url) //nolint:gosec // loopback URLs given by the script
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// sumCounter adds the samples of the Prometheus text exposition whose name
// starts with the name of sel (so that a _total suffix matches) and whose
// labels include every label of sel, e.g.
// otelcol_receiver_accepted_spans{receiver="webhook"}.
func sumCounter(text, sel string) float64 {
	name, labels, _ := strings.Cut(sel, "{")
	labels = strings.TrimSuffix(labels, "}")
	var want []string
	if labels != "" {
		want = strings.Split(labels, ",")
	}
	total := 0.0
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" || line[0] == '#' || !strings.HasPrefix(line, name) {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		series := line[:i]
		rest := strings.TrimPrefix(series, name)
		if rest != "" && rest[0] != '{' && rest != "_total" && !strings.HasPrefix(rest, "_total{") {
			continue
		}
		ok := true
		for _, w := range want {
			if !strings.Contains(series, w) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			total += v
		}
	}
	return total
}

// merge adds the measurements of another round of the same phase to r.
func (r *Result) merge(o *Result) {
	r.Seconds += o.Seconds
	r.Requests += o.Requests
	r.Errors += o.Errors
	r.AcceptedSpans += o.AcceptedSpans
	r.CPUSeconds += o.CPUSeconds
	r.SinkRequests += o.SinkRequests
	r.SinkBytes += o.SinkBytes
	r.PeakRSSMiB = max(r.PeakRSSMiB, o.PeakRSSMiB)
	for i := range r.PeakRSSThirdsMiB {
		r.PeakRSSThirdsMiB[i] = max(r.PeakRSSThirdsMiB[i], o.PeakRSSThirdsMiB[i])
	}
	for k, v := range o.Statuses {
		r.Statuses[k] += v
	}
	for k, v := range o.CollectorCounts {
		if r.CollectorCounts == nil {
			r.CollectorCounts = map[string]float64{}
		}
		r.CollectorCounts[k] += v
	}
	if r.LatencyHist == nil {
		r.LatencyHist = map[int]int64{}
	}
	for k, v := range o.LatencyHist {
		r.LatencyHist[k] += v
	}
	r.RequestsPerSec = float64(r.Requests) / r.Seconds
	r.SpansPerSec = float64(r.AcceptedSpans) / r.Seconds
	if r.AcceptedSpans > 0 {
		r.CPUPerMSpans = r.CPUSeconds / (float64(r.AcceptedSpans) / 1e6)
	}
	r.P50Ms = histPercentile(r.LatencyHist, 0.50)
	r.P99Ms = histPercentile(r.LatencyHist, 0.99)
}

func (r *Result) line() string {
	codes := make([]string, 0, len(r.Statuses))
	for code, n := range r.Statuses {
		codes = append(codes, fmt.Sprintf("%s:%d", code, n))
	}
	sort.Strings(codes)
	return fmt.Sprintf("%-14s spans/req=%d conc=%d req/s=%.0f spans/s=%.0f p50=%.2fms p99=%.2fms cpu_s/Mspans=%.2f peak_rss=%.0fMiB statuses=%s errors=%d",
		r.Label, r.Spans, r.Concurrency, r.RequestsPerSec, r.SpansPerSec, r.P50Ms, r.P99Ms, r.CPUPerMSpans, r.PeakRSSMiB,
		strings.Join(codes, ","), r.Errors) + errorSamples(r.ErrorSamples)
}

func errorSamples(m map[string]int64) string {
	var out []string
	for e, n := range m {
		out = append(out, fmt.Sprintf("%dx %q", n, e))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, "; ") + ")"
}

// reportCmd prints the results as a table, results with the same label (the
// rounds of a phase) merged into one, then the ratios asked for with -ratio
// a/b (repeatable, or comma-separated).
func reportCmd(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	var ratios []string
	fs.Func("ratio", "label/baseline: print label's figures relative to baseline's", func(s string) error {
		ratios = append(ratios, strings.Split(s, ",")...)
		return nil
	})
	summary := fs.Bool("summary", false, "print only \"<peak RSS MiB> <peak of each third> <503 answers> <requests>\" of the first result, for scripts")
	_ = fs.Parse(args)
	byLabel := map[string]*Result{}
	var results []*Result
	for _, path := range fs.Args() {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var r Result
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		if prev := byLabel[r.Label]; prev != nil {
			prev.merge(&r)
			continue
		}
		results = append(results, &r)
		byLabel[r.Label] = &r
	}
	if *summary {
		if len(results) == 0 {
			return errors.New("report: no result")
		}
		r := results[0]
		fmt.Printf("%.0f %.0f %.0f %.0f %d %d\n", r.PeakRSSMiB, r.PeakRSSThirdsMiB[0], r.PeakRSSThirdsMiB[1], r.PeakRSSThirdsMiB[2],
			r.Statuses["503"], r.Requests)
		return nil
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tspans/req\tconc\tseconds\treq/s\tspans/s\tp50 ms\tp99 ms\tCPU s/M spans\tpeak RSS MiB\t2xx\t503\tother\t")
	for _, r := range results {
		var ok, unavailable, other int64
		for code, n := range r.Statuses {
			switch {
			case strings.HasPrefix(code, "2"):
				ok += n
			case code == "503":
				unavailable += n
			default:
				other += n
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f\t%.2f\t%.0f\t%d\t%d\t%d\t\n",
			r.Label, r.Spans, r.Concurrency, r.Seconds, r.RequestsPerSec, r.SpansPerSec, r.P50Ms, r.P99Ms, r.CPUPerMSpans,
			r.PeakRSSMiB, ok, unavailable, other+r.Errors)
	}
	_ = tw.Flush()
	if len(ratios) == 0 {
		return nil
	}
	fmt.Println()
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ratio\tspans/s\tCPU per span\tp50\tp99\tpeak RSS\t")
	for _, pair := range ratios {
		a, b, _ := strings.Cut(pair, "/")
		ra, rb := byLabel[a], byLabel[b]
		if ra == nil || rb == nil {
			return fmt.Errorf("ratio %s: no result labelled %q or %q", pair, a, b)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", pair,
			ratio(ra.SpansPerSec, rb.SpansPerSec), ratio(ra.CPUPerMSpans, rb.CPUPerMSpans),
			ratio(ra.P50Ms, rb.P50Ms), ratio(ra.P99Ms, rb.P99Ms), ratio(ra.PeakRSSMiB, rb.PeakRSSMiB))
	}
	_ = tw.Flush()
	fmt.Println("(spans/s: higher is better; CPU per span, latency, RSS: lower is better)")
	return nil
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

// portsCmd prints n free loopback TCP ports, one per line.
func portsCmd(args []string) error {
	n := 1
	if len(args) > 0 {
		var err error
		if n, err = strconv.Atoi(args[0]); err != nil {
			return err
		}
	}
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		lns = append(lns, ln)
		fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	}
	return nil
}

// waitCmd polls url until it answers 2xx, for at most the given time.
func waitCmd(args []string) error {
	if len(args) != 2 {
		return errors.New("wait: usage: wait URL TIMEOUT")
	}
	timeout, err := time.ParseDuration(args[1])
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(args[0]) //nolint:gosec // loopback URL given by the script
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait: %s not ready after %s", args[0], timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// goRatiosCmd reads `go test -bench` output whose sub-benchmarks end in
// impl=<name> and report spans/s, and prints, for every benchmark, the median
// spans/s of each impl and its ratio to the first impl of that benchmark
// (floor or stock, by the order of the benchmarks).
func goRatiosCmd(paths []string) error {
	type group struct {
		name  string
		impls []string
		vals  map[string][]float64
	}
	var groups []*group
	byName := map[string]*group{}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
				continue
			}
			name := f[0]
			if i := strings.LastIndexByte(name, '-'); i > 0 {
				name = name[:i] // GOMAXPROCS suffix
			}
			i := strings.LastIndex(name, "/impl=")
			if i < 0 {
				continue
			}
			bench, impl := strings.TrimPrefix(name[:i], "Benchmark"), name[i+len("/impl="):]
			var v float64
			for k := 1; k+1 < len(f); k++ {
				if f[k+1] == "spans/s" {
					v, _ = strconv.ParseFloat(f[k], 64)
				}
			}
			if v == 0 {
				continue
			}
			g := byName[bench]
			if g == nil {
				g = &group{name: bench, vals: map[string][]float64{}}
				byName[bench] = g
				groups = append(groups, g)
			}
			if _, seen := g.vals[impl]; !seen {
				g.impls = append(g.impls, impl)
			}
			g.vals[impl] = append(g.vals[impl], v)
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\timpl\truns\tmedian spans/s\tvs first impl\t")
	for _, g := range groups {
		base := median(g.vals[g.impls[0]])
		for _, impl := range g.impls {
			m := median(g.vals[impl])
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t\n", g.name, impl, len(g.vals[impl]), m, ratio(m, base))
		}
	}
	return tw.Flush()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
