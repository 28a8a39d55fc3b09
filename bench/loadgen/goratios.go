package main

// The Go benchmarks' ratios (bench/gobench.sh).

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

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
