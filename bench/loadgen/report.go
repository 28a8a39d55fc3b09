package main

// The report of the phases: merged rounds, latency percentiles, the table
// and the ratios.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

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
