package main

// The headline of make bench: whole collectors from the built distribution,
// ours against stock, measured as a user runs them.
//
// Each round has two parts:
//
//  1. At once: the collector with only our receiver, the collector with
//     only the stock otlp receiver, the floor (a net/http server that
//     only reads the body, bench/sink) and, given -console, ours again
//     with a webhook_console configured (every request recorded in its
//     ring) get the same number of requests at the same time, so that
//     whatever else the machine does hits all of them. CPU per request is
//     each process's utime+stime over the round (/proc/<pid>/stat) divided
//     by its requests.
//  2. Alone: one collector serving both receivers, the floor and the
//     console's collector, each driven in turn with the machine to itself:
//     requests/s at saturation, what a sender gets from a collector that does nothing else. The
//     round's requests are sent in slices, the targets
//     taking turns slice by slice in an order that rotates (25 slices of 100
//     requests by default), so that the
//     machine's other load, which comes and goes over seconds, hits both
//     receivers alike. Loaded at once, the faster process finishes first
//     and the slower has the machine for the rest of its round, and CPU
//     shares, not throughput, decide the rate; requests/s at once are
//     printed too, over the window in which both collectors were loaded.
//
// Ratios are taken round by round (each round's ours against the same
// round's stock) and summarised by their median and range.

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// Roles of the targets.
const (
	roleOurs  = "ours"
	roleStock = "stock"
	roleFloor = "floor"
	// roleConsole is ours with a webhook_console configured (optional).
	roleConsole = "console"
)

// roles are the targets of the run: the floor, stock and ours, and the
// console's collector when it is given.
var roles = []string{roleFloor, roleStock, roleOurs}

// sizeResult is the rounds of one body size.
type sizeResult struct {
	Spans     int `json:"spans_per_request"`
	BodyBytes int `json:"body_bytes"`
	// AtOnce and Alone hold one result per round, by role.
	AtOnce []map[string]loadResult `json:"at_once"`
	Alone  []map[string]loadResult `json:"alone"`
	// PeakRSSMiB is each process's peak RSS over this size's rounds (the
	// one collector of the alone part under "both").
	PeakRSSMiB map[string]float64 `json:"peak_rss_mib"`
}

type collectorsConfig struct {
	spans                   []int
	requests, warmup, conns int
	rounds, slices, clkTck  int
	out                     string
}

func collectorsCmd(args []string) error {
	var c collectorsConfig
	fs := flag.NewFlagSet("collectors", flag.ExitOnError)
	spans := fs.String("spans", "50,1,100", "spans per request, one set of rounds each, the headline first")
	fs.IntVar(&c.requests, "requests", 2500, "requests per target and round")
	fs.IntVar(&c.warmup, "warmup", 500, "unmeasured requests per target before the first round of each size")
	fs.IntVar(&c.conns, "connections", 4, "connections (requests in flight) per target")
	fs.IntVar(&c.rounds, "rounds", 5, "rounds per size")
	fs.IntVar(&c.slices, "slices", 25, "slices of the alone part of a round, the targets taking turns")
	fs.IntVar(&c.clkTck, "clk-tck", 100, "clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK)")
	fs.StringVar(&c.out, "out", "", "write the results as JSON to this file")
	urls, pids := map[string]*string{}, map[string]*int{}
	for _, role := range []string{roleOurs, roleStock, roleFloor, roleConsole, "both-" + roleOurs, "both-" + roleStock} {
		urls[role] = fs.String(role, "", "URL of the "+role+" target")
		if !strings.HasPrefix(role, "both-") {
			pids[role] = fs.Int(role+"-pid", 0, "process serving the "+role+" target")
		}
	}
	bothPID := fs.Int("both-pid", 0, "the one collector serving both-ours and both-stock")
	_ = fs.Parse(args)
	c.slices = max(1, min(c.slices, c.requests))
	for _, s := range strings.Split(*spans, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("collectors: bad -spans %q", *spans)
		}
		c.spans = append(c.spans, n)
	}
	if *urls[roleConsole] != "" {
		roles = append(roles, roleConsole)
	}
	for role, u := range urls {
		if *u == "" && role != roleConsole {
			return fmt.Errorf("collectors: -%s is required", role)
		}
	}
	atOnce := map[string]*target{}
	alone := map[string]*target{}
	for _, role := range roles {
		atOnce[role] = newTarget(role, *urls[role], *pids[role], c.conns)
	}
	alone[roleOurs] = newTarget(roleOurs, *urls["both-"+roleOurs], *bothPID, c.conns)
	alone[roleStock] = newTarget(roleStock, *urls["both-"+roleStock], *bothPID, c.conns)
	alone[roleFloor] = atOnce[roleFloor]
	if t, ok := atOnce[roleConsole]; ok {
		alone[roleConsole] = t
	}

	fmt.Printf("whole collectors: %d connections per target, %d rounds of %d requests, %d warm-up requests per size\n",
		c.conns, c.rounds, c.requests, c.warmup)
	var results []*sizeResult
	for _, n := range c.spans {
		res, err := collectorRounds(c, n, atOnce, alone, *bothPID)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	if err := writeResults(c.out, results); err != nil {
		return err
	}
	fmt.Println()
	printHeadline(os.Stdout, results)
	return nil
}

func collectorRounds(c collectorsConfig, spans int, atOnce, alone map[string]*target, bothPID int) (*sizeResult, error) {
	p := benchdata.NewPayload(spans)
	run := benchdata.NewRun()
	var seq atomic.Uint64
	res := &sizeResult{Spans: spans, BodyBytes: len(p.Body), PeakRSSMiB: map[string]float64{}}
	fmt.Printf("\n-- %d spans/request (%d bytes)\n", spans, len(p.Body))

	all := make([]*target, 0, len(roles))
	for _, role := range roles {
		all = append(all, atOnce[role])
	}
	pids := map[string]int{"both": bothPID}
	for _, t := range all {
		pids[t.name] = t.pid
	}
	for _, pid := range pids {
		resetPeakRSS(pid)
	}
	if c.warmup > 0 {
		if err := checkLoad("warm-up", all, load(all, p, run, &seq, c.warmup, c.conns, c.clkTck)); err != nil {
			return nil, err
		}
		for _, role := range []string{roleOurs, roleStock} { // the others were warmed up above
			t := alone[role]
			if err := checkLoad("warm-up", []*target{t}, load([]*target{t}, p, run, &seq, c.warmup, c.conns, c.clkTck)); err != nil {
				return nil, err
			}
		}
	}
	for round := 1; round <= c.rounds; round++ {
		rs := load(all, p, run, &seq, c.requests, c.conns, c.clkTck)
		if err := checkLoad("at once", all, rs); err != nil {
			return nil, err
		}
		byRole := map[string]loadResult{}
		for i, t := range all {
			byRole[t.name] = rs[i]
		}
		for _, role := range []string{roleOurs, roleStock} {
			r := byRole[role]
			r.BothLoadedRPS = bothLoaded(byRole, role)
			byRole[role] = r
		}
		res.AtOnce = append(res.AtOnce, byRole)

		// Alone: the round's requests in slices, each target's slice in
		// turn, in an order that rotates every slice, so that a burst of
		// the machine's other load hits all alike.
		aloneRes := map[string]loadResult{}
		for slice := range c.slices {
			n := c.requests / c.slices
			if slice < c.requests%c.slices {
				n++
			}
			for i := range roles {
				role := roles[(i+round+slice)%len(roles)]
				t := alone[role]
				r := load([]*target{t}, p, run, &seq, n, c.conns, c.clkTck)
				if err := checkLoad("alone", []*target{t}, r); err != nil {
					return nil, err
				}
				sum := aloneRes[role]
				sum.Requests += r[0].Requests
				sum.Seconds += r[0].Seconds
				sum.CPUSeconds += r[0].CPUSeconds
				aloneRes[role] = sum
			}
		}
		res.Alone = append(res.Alone, aloneRes)
		fmt.Printf("round %d: at once CPU µs/request floor %.0f, stock %.0f, ours %.0f (stock/ours %.2fx); alone req/s floor %.0f, stock %.0f, ours %.0f (ours/stock %.2fx)\n",
			round, byRole[roleFloor].CPUPerRequest(), byRole[roleStock].CPUPerRequest(), byRole[roleOurs].CPUPerRequest(),
			byRole[roleStock].CPUPerRequest()/byRole[roleOurs].CPUPerRequest(),
			aloneRes[roleFloor].RequestsPerSec(), aloneRes[roleStock].RequestsPerSec(), aloneRes[roleOurs].RequestsPerSec(),
			aloneRes[roleOurs].RequestsPerSec()/aloneRes[roleStock].RequestsPerSec())
		if c, ok := byRole[roleConsole]; ok {
			fmt.Printf("         ours with a console: at once CPU µs/request %.0f (stock/ours with console %.2fx); alone req/s %.0f (ours with console/stock %.2fx)\n",
				c.CPUPerRequest(), byRole[roleStock].CPUPerRequest()/c.CPUPerRequest(),
				aloneRes[roleConsole].RequestsPerSec(), aloneRes[roleConsole].RequestsPerSec()/aloneRes[roleStock].RequestsPerSec())
		}
	}
	for name, pid := range pids {
		res.PeakRSSMiB[name] = float64(peakRSSKiB(pid)) / 1024
	}
	return res, nil
}

// checkLoad fails the benchmark when a request failed: a ratio over
// refused requests would compare nothing.
func checkLoad(what string, targets []*target, rs []loadResult) error {
	var errs []error
	for i, r := range rs {
		if r.Failed > 0 {
			errs = append(errs, fmt.Errorf("%s: %s (%s): %d of %d requests failed, first: %s",
				what, targets[i].name, targets[i].url, r.Failed, r.Failed+r.Requests, r.Sample))
		}
	}
	return errors.Join(errs...)
}

// resetPeakRSS resets the peak RSS (VmHWM) of pid to its current RSS, so
// that each size reports its own peak (Linux 4.0 and later; where it
// cannot, the peak is since the process started).
func resetPeakRSS(pid int) {
	if pid > 0 {
		_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
	}
}

// peakRSSKiB returns VmHWM of pid in KiB.
func peakRSSKiB(pid int) int64 { return statusKiB(pid, "VmHWM:") }

// spread is the median and range of values.
type spread struct{ med, lo, hi float64 }

func spreadOf(v []float64) spread {
	if len(v) == 0 {
		return spread{}
	}
	return spread{median(v), slices.Min(v), slices.Max(v)}
}

func (s spread) format(digits int) string {
	f := "%." + strconv.Itoa(digits) + "f"
	return fmt.Sprintf(f+" ("+f+"–"+f+")", s.med, s.lo, s.hi)
}

func (s spread) times() string {
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", s.med, s.lo, s.hi)
}

// perRound applies f to every round of rounds.
func perRound(rounds []map[string]loadResult, f func(map[string]loadResult) float64) []float64 {
	out := make([]float64, 0, len(rounds))
	for _, r := range rounds {
		out = append(out, f(r))
	}
	return out
}

// bothLoaded is the requests/s of role over the part of an at-once round
// in which both collectors were loaded.
func bothLoaded(r map[string]loadResult, role string) float64 {
	w := time.Duration(min(r[roleOurs].Seconds, r[roleStock].Seconds) * 1e9)
	if w <= 0 {
		return 0
	}
	return float64(r[role].doneBy(w)) / w.Seconds()
}
