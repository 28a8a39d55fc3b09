package main

// The headline's tables (collectors.go): per body size, the figures of
// each process; then the ratios of ours to stock, which are what the
// headline states.

import (
	"fmt"
	"io"
	"text/tabwriter"
)

var roleNames = map[string]string{
	roleFloor:   "floor (net/http, reads the body)",
	roleStock:   "stock (otlp receiver)",
	roleOurs:    "ours (webhook receiver)",
	roleConsole: "ours, webhook_console configured",
}

func printHeadline(w io.Writer, results []*sizeResult) {
	for _, res := range results {
		fmt.Fprintf(w, "%d spans/request (%d bytes), medians of %d rounds (min–max):\n", res.Spans, res.BodyBytes, len(res.AtOnce))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tCPU µs/request, at once\treq/s, one collector, in turns\treq/s at once, both loaded\tpeak RSS MiB\t")
		for _, role := range []string{roleFloor, roleStock, roleOurs, roleConsole} {
			if len(res.AtOnce) == 0 || !hasRole(res.AtOnce[0], role) {
				continue
			}
			cpu := spreadOf(perRound(res.AtOnce, func(r map[string]loadResult) float64 { return r[role].CPUPerRequest() }))
			alone := spreadOf(perRound(res.Alone, func(r map[string]loadResult) float64 { return r[role].RequestsPerSec() }))
			atOnce := "-"
			if role == roleOurs || role == roleStock {
				atOnce = spreadOf(perRound(res.AtOnce, func(r map[string]loadResult) float64 { return r[role].BothLoadedRPS })).format(0)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.0f\t\n", roleNames[role], cpu.format(0), alone.format(0), atOnce, res.PeakRSSMiB[role])
		}
		_ = tw.Flush()
		fmt.Fprintf(w, "(the one collector serving both, driven in turns, peaked at %.0f MiB)\n\n", res.PeakRSSMiB["both"])
	}

	fmt.Fprintln(w, "ours against stock, whole collectors: median of the rounds' ratios (min–max); above 1 is better")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, res := range results {
		fmt.Fprintf(tw, "%d spans\t", res.Spans)
	}
	fmt.Fprintln(tw)
	rows := []struct {
		name   string
		rounds func(*sizeResult) []map[string]loadResult
		f      func(map[string]loadResult) float64
	}{
		{"CPU per request, stock/ours", atOnceRounds, func(r map[string]loadResult) float64 {
			return r[roleStock].CPUPerRequest() / r[roleOurs].CPUPerRequest()
		}},
		{"requests/s, one collector, in turns, ours/stock", aloneRounds, func(r map[string]loadResult) float64 {
			return r[roleOurs].RequestsPerSec() / r[roleStock].RequestsPerSec()
		}},
		{"requests/s at once, ours/stock", atOnceRounds, func(r map[string]loadResult) float64 {
			return r[roleOurs].BothLoadedRPS / r[roleStock].BothLoadedRPS
		}},
		// The work past reading the body: what a receiver adds to the floor.
		{"CPU per request above the floor, stock/ours", atOnceRounds, func(r map[string]loadResult) float64 {
			f := r[roleFloor].CPUPerRequest()
			return (r[roleStock].CPUPerRequest() - f) / (r[roleOurs].CPUPerRequest() - f)
		}},
		{"CPU per request, floor/ours", atOnceRounds, func(r map[string]loadResult) float64 {
			return r[roleFloor].CPUPerRequest() / r[roleOurs].CPUPerRequest()
		}},
	}
	if len(results) > 0 && len(results[0].AtOnce) > 0 && hasRole(results[0].AtOnce[0], roleConsole) {
		rows = append(rows, []struct {
			name   string
			rounds func(*sizeResult) []map[string]loadResult
			f      func(map[string]loadResult) float64
		}{
			{"with a console: CPU per request, stock/ours", atOnceRounds, func(r map[string]loadResult) float64 {
				return r[roleStock].CPUPerRequest() / r[roleConsole].CPUPerRequest()
			}},
			{"with a console: requests/s in turns, ours/stock", aloneRounds, func(r map[string]loadResult) float64 {
				return r[roleConsole].RequestsPerSec() / r[roleStock].RequestsPerSec()
			}},
			{"the console's cost: CPU per request, with/without", atOnceRounds, func(r map[string]loadResult) float64 {
				return r[roleConsole].CPUPerRequest() / r[roleOurs].CPUPerRequest()
			}},
		}...)
	}
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t", row.name)
		for _, res := range results {
			fmt.Fprintf(tw, "%s\t", spreadOf(perRound(row.rounds(res), row.f)).times())
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "peak RSS, stock/ours\t")
	for _, res := range results {
		if res.PeakRSSMiB[roleOurs] > 0 {
			fmt.Fprintf(tw, "%.2f×\t", res.PeakRSSMiB[roleStock]/res.PeakRSSMiB[roleOurs])
		} else {
			fmt.Fprint(tw, "-\t")
		}
	}
	fmt.Fprintln(tw)
	_ = tw.Flush()
}

// hasRole reports whether a round measured role (the console is optional,
// and results files from before it have none).
func hasRole(r map[string]loadResult, role string) bool {
	_, ok := r[role]
	return ok
}

func atOnceRounds(r *sizeResult) []map[string]loadResult { return r.AtOnce }
func aloneRounds(r *sizeResult) []map[string]loadResult  { return r.Alone }
