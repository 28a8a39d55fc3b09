package main

// The exporter phase of make bench: whole collectors from the built
// distribution that differ only in their exporter, each behind the same
// stock otlp receiver, all exporting to the same sink.
//
// Each round has two parts, as the headline's (collectors.go):
//
//  1. At once: one collector per target (the floor: otlp into nop; stock:
//     otlp into otlp_http with encoding json; ours: otlp into webhook;
//     ours with delivery mode on, in memory and in file_storage), all
//     loaded for the same window of time, so that whatever else the
//     machine does hits all of them, and none has the machine to itself
//     for a part of the round (as the slower would, were each given the
//     same number of requests). CPU per span is each process's
//     utime+stime over the window (/proc/<pid>/stat) divided by its spans.
//  2. In turns: one collector with all the pipelines side by side, each
//     driven alone, the round's requests in slices, the targets taking
//     turns slice by slice in an order that rotates: spans/s at
//     saturation, and that collector's CPU per span in each target's turns.
//
// The exporters send synchronously (no sending queue), so a request is
// answered once its export is done; after every load the sink's count of
// requests on each exporter's path is checked against the requests sent.
// Ratios are taken round by round against the same round's stock and
// summarised by their median and range.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// Targets of the exporter phase with a meaning of their own.
const (
	expFloor = "floor" // otlp into nop: no export at all
	expStock = "stock" // the peer every ratio is taken against
)

// exportersResult is the rounds of one input encoding.
type exportersResult struct {
	Input     string   `json:"input"`
	Spans     int      `json:"spans_per_request"`
	BodyBytes int      `json:"body_bytes"`
	Targets   []string `json:"targets"`
	// AtOnce and Alone hold one result per round, by target.
	AtOnce     []map[string]loadResult `json:"at_once"`
	Alone      []map[string]loadResult `json:"alone"`
	PeakRSSMiB map[string]float64      `json:"peak_rss_mib"`
}

// namedTargets is a repeated flag of name=URL or name=URL@PID.
type namedTargets struct {
	names []string
	urls  map[string]string
	pids  map[string]int
}

func (n *namedTargets) String() string { return strings.Join(n.names, ",") }

func (n *namedTargets) Set(v string) error {
	name, rest, ok := strings.Cut(v, "=")
	if !ok || name == "" || rest == "" {
		return fmt.Errorf("want name=URL[@PID], got %q", v)
	}
	url, pid := rest, 0
	if i := strings.LastIndexByte(rest, '@'); i > 0 {
		p, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			return fmt.Errorf("bad PID in %q", v)
		}
		url, pid = rest[:i], p
	}
	if n.urls == nil {
		n.urls, n.pids = map[string]string{}, map[string]int{}
	}
	if _, dup := n.urls[name]; dup {
		return fmt.Errorf("target %q given twice", name)
	}
	n.names = append(n.names, name)
	n.urls[name], n.pids[name] = url, pid
	return nil
}

type exportersConfig struct {
	spans                   int
	inputs                  []string
	requests, warmup, conns int
	rounds, slices, clkTck  int
	atOnce                  time.Duration
	sinkURL, out            string
}

func exportersCmd(args []string) error {
	var c exportersConfig
	var atOnce, alone namedTargets
	fs := flag.NewFlagSet("exporters", flag.ExitOnError)
	fs.IntVar(&c.spans, "spans", 100, "spans per request")
	inputs := fs.String("inputs", "proto,json", "what the receivers are fed, one set of rounds each: proto (OTLP protobuf), json (OTLP JSON)")
	fs.DurationVar(&c.atOnce, "at-once", 10*time.Second, "how long all targets are loaded at once in a round")
	fs.IntVar(&c.requests, "requests", 600, "requests per target and round in turns")
	fs.IntVar(&c.warmup, "warmup", 100, "unmeasured requests per target before the first round of each input")
	fs.IntVar(&c.conns, "connections", 4, "connections (requests in flight) per target")
	fs.IntVar(&c.rounds, "rounds", 5, "rounds per input")
	fs.IntVar(&c.slices, "slices", 20, "slices of the in-turns part of a round")
	fs.IntVar(&c.clkTck, "clk-tck", 100, "clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK)")
	fs.StringVar(&c.sinkURL, "sink-url", "", "bench/sink's /stats, to check that every request was exported")
	fs.StringVar(&c.out, "out", "", "write the results as JSON to this file")
	fs.Var(&atOnce, "target", "name=URL@PID of a collector loaded at once with the others (repeated; one must be stock)")
	fs.Var(&alone, "alone", "name=URL of the same target on the one collector driven in turns (repeated)")
	alonePID := fs.Int("alone-pid", 0, "the one collector serving every -alone target")
	_ = fs.Parse(args)
	c.slices = max(1, min(c.slices, c.requests))
	for _, in := range strings.Split(*inputs, ",") {
		if in = strings.TrimSpace(in); in != "proto" && in != "json" {
			return fmt.Errorf("exporters: bad -inputs %q", *inputs)
		}
		c.inputs = append(c.inputs, strings.TrimSpace(in))
	}
	if _, ok := atOnce.urls[expStock]; !ok {
		return errors.New("exporters: a -target named stock is required")
	}
	if strings.Join(atOnce.names, ",") != strings.Join(alone.names, ",") {
		return fmt.Errorf("exporters: -target (%v) and -alone (%v) must name the same targets in the same order", atOnce.names, alone.names)
	}
	together := make([]*target, 0, len(atOnce.names))
	turns := make([]*target, 0, len(alone.names))
	for _, name := range atOnce.names {
		together = append(together, newTarget(name, atOnce.urls[name], atOnce.pids[name], c.conns))
		turns = append(turns, newTarget(name, alone.urls[name], *alonePID, c.conns))
	}

	fmt.Printf("exporters: %d spans/request, %d connections per target, %d rounds per input of %s at once and %d requests in turns, %d warm-up requests\n",
		c.spans, c.conns, c.rounds, c.atOnce, c.requests, c.warmup)
	var results []*exportersResult
	for _, input := range c.inputs {
		res, err := exporterRounds(c, input, together, turns, *alonePID)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	if err := writeResults(c.out, results); err != nil {
		return err
	}
	fmt.Println()
	printExporters(os.Stdout, results)
	return nil
}

func exporterRounds(c exportersConfig, input string, together, turns []*target, alonePID int) (*exportersResult, error) {
	p := benchdata.NewPayload(c.spans)
	if input == "proto" {
		p = benchdata.NewProtoPayload(c.spans)
	}
	run := benchdata.NewRun()
	var seq atomic.Uint64
	res := &exportersResult{Input: input, Spans: c.spans, BodyBytes: len(p.Body), PeakRSSMiB: map[string]float64{}}
	for _, t := range together {
		res.Targets = append(res.Targets, t.name)
	}
	fmt.Printf("\n-- fed OTLP %s, %d spans/request (%d bytes)\n", input, c.spans, len(p.Body))
	pids := map[string]int{"alone": alonePID}
	for _, t := range together {
		pids[t.name] = t.pid
	}
	for _, pid := range pids {
		resetPeakRSS(pid)
	}
	// loadChecked loads targets and checks that nothing failed and that
	// the sink got every export. With one target, the connections the
	// sink accepted meanwhile are that target's exporter's.
	loadChecked := func(what string, targets []*target, lim limit) ([]loadResult, error) {
		before := readSink(c.sinkURL)
		rs := loadUntil(targets, p, run, &seq, lim, c.conns, c.clkTck)
		if err := checkLoad(what, targets, rs); err != nil {
			return nil, err
		}
		if err := checkExported(what, c.sinkURL, before, targets, rs); err != nil {
			return nil, err
		}
		if after := readSink(c.sinkURL); len(targets) == 1 && before != nil && after != nil {
			rs[0].SinkConnections = after.Connections - before.Connections
		}
		return rs, nil
	}
	if c.warmup > 0 {
		if _, err := loadChecked("warm-up", together, limit{requests: c.warmup}); err != nil {
			return nil, err
		}
		for _, t := range turns {
			if _, err := loadChecked("warm-up", []*target{t}, limit{requests: c.warmup}); err != nil {
				return nil, err
			}
		}
	}
	for round := 1; round <= c.rounds; round++ {
		rs, err := loadChecked("at once", together, limit{duration: c.atOnce})
		if err != nil {
			return nil, err
		}
		byName := map[string]loadResult{}
		for i, t := range together {
			byName[t.name] = rs[i]
		}
		res.AtOnce = append(res.AtOnce, byName)

		aloneRes := map[string]loadResult{}
		for slice := range c.slices {
			n := c.requests / c.slices
			if slice < c.requests%c.slices {
				n++
			}
			for i := range turns {
				t := turns[(i+round+slice)%len(turns)]
				r, err := loadChecked("in turns", []*target{t}, limit{requests: n})
				if err != nil {
					return nil, err
				}
				sum := aloneRes[t.name]
				sum.Requests += r[0].Requests
				sum.Seconds += r[0].Seconds
				sum.CPUSeconds += r[0].CPUSeconds
				sum.SinkConnections += r[0].SinkConnections
				aloneRes[t.name] = sum
			}
		}
		res.Alone = append(res.Alone, aloneRes)
		fmt.Printf("round %d:", round)
		for _, name := range res.Targets {
			fmt.Printf(" %s %.1f µs/span %.0f spans/s;", name,
				cpuPerSpan(byName[name], c.spans), spansPerSec(aloneRes[name], c.spans))
		}
		fmt.Println()
	}
	for name, pid := range pids {
		res.PeakRSSMiB[name] = float64(peakRSSKiB(pid)) / 1024
	}
	return res, nil
}

// cpuPerSpan is in microseconds.
func cpuPerSpan(r loadResult, spans int) float64 { return r.CPUPerRequest() / float64(spans) }

func spansPerSec(r loadResult, spans int) float64 { return r.RequestsPerSec() * float64(spans) }

// sinkStats is what bench/sink counted: requests by path and connections
// accepted.
type sinkStats struct {
	Paths       map[string]int64
	Connections int64
}

// readSink returns the sink's counts, or nil without a sink or when it
// does not answer.
func readSink(url string) *sinkStats {
	if url == "" {
		return nil
	}
	text, err := get(url)
	if err != nil {
		return nil
	}
	var st sinkStats
	if json.Unmarshal([]byte(text), &st) != nil {
		return nil
	}
	if st.Paths == nil {
		st.Paths = map[string]int64{}
	}
	return &st
}

// checkExported fails the benchmark when the sink did not get one request
// on a target's path (/<name>) for each request the target answered: an
// exporter that kept or dropped requests would be measured doing less.
// The floor exports nothing.
func checkExported(what, sinkURL string, before *sinkStats, targets []*target, rs []loadResult) error {
	if sinkURL == "" {
		return nil
	}
	after := readSink(sinkURL)
	if before == nil || after == nil {
		return fmt.Errorf("%s: the sink at %s does not answer", what, sinkURL)
	}
	var errs []error
	for i, t := range targets {
		if t.name == expFloor {
			continue
		}
		path := "/" + t.name
		if got := after.Paths[path] - before.Paths[path]; got != int64(rs[i].Requests) {
			errs = append(errs, fmt.Errorf("%s: %s answered %d requests but exported %d to the sink's %s",
				what, t.name, rs[i].Requests, got, path))
		}
	}
	return errors.Join(errs...)
}
