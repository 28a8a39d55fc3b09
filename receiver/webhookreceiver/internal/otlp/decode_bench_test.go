package otlp

import (
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkDecode compares the decoder with pdata's JSON unmarshaler alone
// on Broadcast-like bodies (bench/benchdata): impl=pdata is
// ptrace.JSONUnmarshaler, impl=ours DecodeTraces with lenient decoding (the
// receiver's default), impl=ours_strict with lenient: false. Each reports
// MB/s, spans/s and cpu-ns/op (process CPU per decode, the garbage
// collector's included); bench/gobench.sh prints the ratios to pdata.
//
//	go test -run=NONE -bench=Decode -benchmem -count=6 ./receiver/webhookreceiver/internal/otlp
func BenchmarkDecode(b *testing.B) {
	for _, spans := range []int{1, 10, 100, 1000} {
		benchDecodeBody(b, spans, benchdata.NewPayload(spans).Body)
	}
}

// BenchmarkDecodeUnique is BenchmarkDecode on bodies where no long string
// repeats from span to span (benchdata.UniqueTraces), the case where the
// decoder's copy of each long string once per body saves nothing.
func BenchmarkDecodeUnique(b *testing.B) {
	for _, spans := range []int{100} {
		benchDecodeBody(b, spans, benchdata.NewUniquePayload(spans).Body)
	}
}

func benchDecodeBody(b *testing.B, spans int, body []byte) {
	b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
		b.Run("impl=pdata", func(b *testing.B) {
			u := &ptrace.JSONUnmarshaler{}
			benchDecode(b, body, spans, func() (ptrace.Traces, error) { return u.UnmarshalTraces(body) })
		})
		for _, impl := range []struct {
			name    string
			lenient bool
		}{{"ours", true}, {"ours_strict", false}} {
			b.Run("impl="+impl.name, func(b *testing.B) {
				benchDecode(b, body, spans, func() (ptrace.Traces, error) {
					td, res, err := DecodeTraces(JSON, body, impl.lenient)
					res.Release()
					return td, err
				})
			})
		}
	})
}

func benchDecode(b *testing.B, body []byte, spans int, decode func() (ptrace.Traces, error)) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := benchdata.StartCPU()
	for b.Loop() {
		td, err := decode()
		if err != nil || td.SpanCount() != spans {
			b.Fatal(err)
		}
	}
	cpu.Report(b)
	b.ReportMetric(float64(b.N*spans)/b.Elapsed().Seconds(), "spans/s")
}
