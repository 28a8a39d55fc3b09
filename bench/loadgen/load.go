package main

// The load of the headline (collectors.go): a fixed number of requests to
// each target over a fixed number of kept-alive connections, all targets at
// once, each request with its own trace IDs. The client is in this process
// rather than vegeta's, because every request needs its own body and vegeta
// reads each from a file: writing 2,500 bodies of 120 kB a round to files
// would cost the machine more CPU than the smallest collector under test.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// target is one HTTP endpoint under load and the process that serves it.
type target struct {
	name string
	url  string
	pid  int
	// client keeps conns connections open across rounds, as a sender's
	// exporter does.
	client *http.Client
}

func newTarget(name, url string, pid, conns int) *target {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxConnsPerHost:     conns,
		MaxIdleConnsPerHost: conns,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		// A body goes out in one write, not in 4 kB pieces: the load
		// tool shares the machine, and every microsecond it spends per
		// request is one that neither collector gets.
		WriteBufferSize: 1 << 20,
	}
	return &target{name: name, url: url, pid: pid, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// loadResult is what one target measured in one round.
type loadResult struct {
	Requests int     `json:"requests"`
	Failed   int     `json:"failed"`
	Sample   string  `json:"failure_sample,omitempty"`
	Seconds  float64 `json:"seconds"` // from the round's start to the target's last answer
	// CPUSeconds is the serving process's utime+stime over the round,
	// read when its last answer came.
	CPUSeconds float64 `json:"cpu_seconds"`
	// BothLoadedRPS is the requests/s of a collector loaded at once with
	// the other, over the window in which both were (collectors.go).
	BothLoadedRPS float64 `json:"both_loaded_requests_per_sec,omitempty"`
	// SinkConnections is how many connections the exporter under load
	// opened to bench/sink (exporters.go): above 1 per connection of the
	// load, it does not keep them.
	SinkConnections int64 `json:"sink_connections,omitempty"`
	// ends are the times of the answers, from the round's start, for the
	// requests/s of a window (doneBy).
	ends []time.Duration
}

// CPUPerRequest is in microseconds.
func (r loadResult) CPUPerRequest() float64 {
	if r.Requests == 0 {
		return 0
	}
	return r.CPUSeconds / float64(r.Requests) * 1e6
}

func (r loadResult) RequestsPerSec() float64 {
	if r.Seconds == 0 {
		return 0
	}
	return float64(r.Requests) / r.Seconds
}

// doneBy counts the answers received by t.
func (r loadResult) doneBy(t time.Duration) int {
	n := 0
	for _, e := range r.ends {
		if e <= t {
			n++
		}
	}
	return n
}

// header is what every request of p carries: its media type and the
// required header of bench/config (the stock receiver ignores it).
func header(p *benchdata.Payload) http.Header {
	return http.Header{"Content-Type": {p.ContentType}, benchdata.AuthHeader: {benchdata.AuthValue}}
}

// load sends requests requests to each target, conns at a time, all
// targets at once, and returns what each measured. seq numbers the bodies
// across calls, so that no two requests of a run share a trace ID.
func load(targets []*target, p *benchdata.Payload, run uint64, seq *atomic.Uint64, requests, conns, clkTck int) []loadResult {
	return loadUntil(targets, p, run, seq, limit{requests: requests}, conns, clkTck)
}

// limit ends a load: after a number of requests per target, or once a
// duration has passed (the requests in flight then finish).
type limit struct {
	requests int
	duration time.Duration
}

// loadFor loads every target at once for d: each is loaded for the whole
// window, so none has the machine to itself for a part of it, as the
// faster ones would leave the slower with a fixed number of requests.
func loadFor(targets []*target, p *benchdata.Payload, run uint64, seq *atomic.Uint64, d time.Duration, conns, clkTck int) []loadResult {
	return loadUntil(targets, p, run, seq, limit{duration: d}, conns, clkTck)
}

func loadUntil(targets []*target, p *benchdata.Payload, run uint64, seq *atomic.Uint64, lim limit, conns, clkTck int) []loadResult {
	results := make([]loadResult, len(targets))
	before := make([]int64, len(targets))
	for i, t := range targets {
		before[i] = cpuTicks(t.pid)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i, t := range targets {
		var next atomic.Int64
		var mu sync.Mutex
		res := &results[i]
		res.ends = make([]time.Duration, 0, max(lim.requests, 64))
		more := func() bool {
			if lim.duration > 0 {
				return time.Since(start) < lim.duration
			}
			return next.Add(1) <= int64(lim.requests)
		}
		var workers sync.WaitGroup
		for range conns {
			workers.Go(func() {
				var body []byte
				h := header(p)
				for more() {
					body = p.Fill(body, run, seq.Add(1))
					err := post(t.client, t.url, h, body)
					end := time.Since(start)
					mu.Lock()
					res.ends = append(res.ends, end)
					if err != nil {
						res.Failed++
						if res.Sample == "" {
							res.Sample = err.Error()
						}
					} else {
						res.Requests++
					}
					mu.Unlock()
				}
			})
		}
		wg.Go(func() {
			workers.Wait()
			res.Seconds = time.Since(start).Seconds()
			res.CPUSeconds = float64(cpuTicks(t.pid)-before[i]) / float64(clkTck)
		})
	}
	wg.Wait()
	return results
}

// post sends one request and reads the whole answer; anything but 200 is
// a failure.
func post(c *http.Client, url string, h http.Header, body []byte) error {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	answer, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %.200s", resp.Status, answer)
	}
	return nil
}
