package benchdata // import "github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"

import (
	"testing"
	"time"
)

// CPU reports, for a benchmark that has run its loop, the process CPU time
// per operation (every thread: the garbage collector's work included) as
// cpu-ns/op. On a machine that others share, CPU time per operation moves
// less with their load than wall time does.
type CPU struct{ start, excluded time.Duration }

// StartCPU reads the process CPU time now.
func StartCPU() *CPU { return &CPU{start: processCPU()} }

// Exclude runs f, work done with the benchmark's timer stopped, and leaves
// its CPU time out of the report.
func (c *CPU) Exclude(f func()) {
	t := processCPU()
	f()
	c.excluded += processCPU() - t
}

// Report reports the CPU time since StartCPU, less what was excluded,
// divided by b.N.
func (c *CPU) Report(b *testing.B) {
	if used := processCPU() - c.start - c.excluded; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used)/float64(b.N), "cpu-ns/op")
	}
}
