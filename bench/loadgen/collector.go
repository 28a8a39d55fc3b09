package main

// Reading the collector under load: its CPU time and RSS from /proc, its
// own counters from its Prometheus endpoint.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

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
func rssKiB(pid int) int64 { return statusKiB(pid, "VmRSS:") }

// statusKiB returns a field of /proc/<pid>/status that is in kB.
func statusKiB(pid int, field string) int64 {
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
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
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
