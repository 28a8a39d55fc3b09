package benchdata // import "github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"

import "testing"

// Impl is one way of decoding a body, for RunImpls: Decode returns how many
// spans (or log records) it read.
type Impl struct {
	Name   string
	Decode func(body []byte) (int, error)
}

// RunImpls runs one sub-benchmark impl=<name> per impl on body, in order
// (the first is what bench/gobench.sh gives the ratios to), each reporting
// MB/s, cpu-ns/op, allocations and spans/s (records/s for logs).
func RunImpls(b *testing.B, body []byte, impls ...Impl) {
	for _, impl := range impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			cpu := StartCPU()
			items := 0
			for b.Loop() {
				n, err := impl.Decode(body)
				if err != nil || n == 0 {
					b.Fatal(n, err)
				}
				items += n
			}
			cpu.Report(b)
			b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}
