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

// goMetrics are the per-run figures goratios reads from `go test -bench`
// output, in the order it prints them.
var goMetrics = []string{"spans/s", "MB/s", "cpu-ns/op", "allocs/op"}

// goRatiosCmd reads `go test -bench` output whose sub-benchmarks end in
// impl=<name> and report spans/s, and prints, for every benchmark, the median
// of each metric of each impl and its ratio to the first impl of that
// benchmark (floor, pdata or stock, by the order of the benchmarks).
func goRatiosCmd(paths []string) error {
	type group struct {
		name  string
		impls []string
		vals  map[string]map[string][]float64 // impl → metric → runs
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
			run := map[string]float64{}
			for k := 1; k+1 < len(f); k++ {
				if slices.Contains(goMetrics, f[k+1]) {
					run[f[k+1]], _ = strconv.ParseFloat(f[k], 64)
				}
			}
			if run["spans/s"] == 0 {
				continue
			}
			g := byName[bench]
			if g == nil {
				g = &group{name: bench, vals: map[string]map[string][]float64{}}
				byName[bench] = g
				groups = append(groups, g)
			}
			if _, seen := g.vals[impl]; !seen {
				g.impls = append(g.impls, impl)
				g.vals[impl] = map[string][]float64{}
			}
			for m, v := range run {
				g.vals[impl][m] = append(g.vals[impl][m], v)
			}
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "benchmark\timpl\truns\t")
	for _, m := range goMetrics {
		fmt.Fprintf(tw, "median %s\tvs first\t", m)
	}
	fmt.Fprintln(tw)
	for _, g := range groups {
		base := g.vals[g.impls[0]]
		for _, impl := range g.impls {
			v := g.vals[impl]
			fmt.Fprintf(tw, "%s\t%s\t%d\t", g.name, impl, len(v["spans/s"]))
			for _, m := range goMetrics {
				if len(v[m]) == 0 {
					fmt.Fprint(tw, "-\t-\t")
					continue
				}
				fmt.Fprintf(tw, "%.0f\t%s\t", median(v[m]), ratio(median(v[m]), median(base[m])))
			}
			fmt.Fprintln(tw)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Println("(vs first: the impl's median over the first impl's; spans/s and MB/s: higher is better, cpu-ns/op and allocs/op: lower)")
	return nil
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
