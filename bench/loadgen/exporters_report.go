package main

// The tables of the exporter phase (exporters.go): per input, the figures
// of each collector; then the ratios of each exporter to the stock one.

import (
	"fmt"
	"io"
	"text/tabwriter"
)

var exporterNames = map[string]string{
	expFloor:        "floor (otlp receiver into nop)",
	expStock:        "stock (otlp_http, encoding json)",
	"ours":          "ours (webhook)",
	"delivery":      "ours, delivery: {} (memory)",
	"delivery_file": "ours, delivery in file_storage",
	"signed":        "ours, signed (standard_webhooks)",
}

func exporterName(name string) string {
	if n, ok := exporterNames[name]; ok {
		return n
	}
	return name
}

// exporterRatio is one row of the ratios: f of a target's and stock's
// figures of the same round.
type exporterRatio struct {
	name   string
	rounds func(*exportersResult) []map[string]loadResult
	f      func(r map[string]loadResult, spans int, target string) float64
}

var exporterRatios = []exporterRatio{
	{"CPU per span, at once, stock/x", func(r *exportersResult) []map[string]loadResult { return r.AtOnce },
		func(r map[string]loadResult, spans int, t string) float64 {
			return cpuPerSpan(r[expStock], spans) / cpuPerSpan(r[t], spans)
		}},
	{"spans/s, one collector, in turns, x/stock", func(r *exportersResult) []map[string]loadResult { return r.Alone },
		func(r map[string]loadResult, spans int, t string) float64 {
			return spansPerSec(r[t], spans) / spansPerSec(r[expStock], spans)
		}},
	{"CPU per span, in turns, stock/x", func(r *exportersResult) []map[string]loadResult { return r.Alone },
		func(r map[string]loadResult, spans int, t string) float64 {
			return cpuPerSpan(r[expStock], spans) / cpuPerSpan(r[t], spans)
		}},
	// The exporter's own work: what each collector spends above the floor
	// (the same receiver into nop), loaded at the same moment.
	{"CPU per span above the floor, at once, stock/x", func(r *exportersResult) []map[string]loadResult { return r.AtOnce },
		func(r map[string]loadResult, spans int, t string) float64 {
			f, ok := r[expFloor]
			if !ok {
				return 0
			}
			floor := cpuPerSpan(f, spans)
			return (cpuPerSpan(r[expStock], spans) - floor) / (cpuPerSpan(r[t], spans) - floor)
		}},
}

func printExporters(w io.Writer, results []*exportersResult) {
	for _, res := range results {
		fmt.Fprintf(w, "fed OTLP %s, %d spans/request (%d bytes), medians of %d rounds (min–max):\n",
			res.Input, res.Spans, res.BodyBytes, len(res.AtOnce))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tCPU µs/span, at once\tspans/s, one collector, in turns\tCPU µs/span, in turns\tnew connections to the sink, in turns\tpeak RSS MiB\t")
		for _, name := range res.Targets {
			cpu := spreadOf(perRound(res.AtOnce, func(r map[string]loadResult) float64 { return cpuPerSpan(r[name], res.Spans) }))
			rate := spreadOf(perRound(res.Alone, func(r map[string]loadResult) float64 { return spansPerSec(r[name], res.Spans) }))
			cpuAlone := spreadOf(perRound(res.Alone, func(r map[string]loadResult) float64 { return cpuPerSpan(r[name], res.Spans) }))
			var conns int64
			for _, r := range res.Alone {
				conns += r[name].SinkConnections
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.0f\t\n", exporterName(name), cpu.format(1), rate.format(0), cpuAlone.format(1), conns, res.PeakRSSMiB[name])
		}
		_ = tw.Flush()
		fmt.Fprintf(w, "(the one collector driven in turns peaked at %.0f MiB)\n\n", res.PeakRSSMiB["alone"])
	}

	fmt.Fprintln(w, "each exporter against stock otlp_http, behind the same otlp receiver: median of the rounds' ratios (min–max); above 1 is better")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, res := range results {
		fmt.Fprintf(tw, "fed %s\t", res.Input)
	}
	fmt.Fprintln(tw)
	if len(results) == 0 {
		_ = tw.Flush()
		return
	}
	for _, t := range results[0].Targets {
		if t == expStock || t == expFloor {
			continue
		}
		fmt.Fprintf(tw, "%s:\t", exporterName(t))
		for range results {
			fmt.Fprint(tw, "\t")
		}
		fmt.Fprintln(tw)
		for _, row := range exporterRatios {
			fmt.Fprintf(tw, "  %s\t", row.name)
			for _, res := range results {
				v := spreadOf(perRound(row.rounds(res), func(r map[string]loadResult) float64 { return row.f(r, res.Spans, t) }))
				if v.med == 0 {
					fmt.Fprint(tw, "-\t")
					continue
				}
				fmt.Fprintf(tw, "%s\t", v.times())
			}
			fmt.Fprintln(tw)
		}
	}
	_ = tw.Flush()
}
