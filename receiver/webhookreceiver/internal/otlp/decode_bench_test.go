package otlp

import (
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkDecode compares the decoder with pdata's JSON unmarshaler alone
// on Broadcast-like bodies (bench/benchdata): impl=pdata is
// ptrace.JSONUnmarshaler, impl=ours DecodeTraces with lenient decoding
// (the receiver's default), both with -benchmem.
//
//	go test -run=NONE -bench=Decode -benchmem -count=6 ./receiver/webhookreceiver/internal/otlp
func BenchmarkDecode(b *testing.B) {
	for _, spans := range []int{1, 10, 100, 1000} {
		body := benchdata.NewPayload(spans).Body
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			b.Run("impl=pdata", func(b *testing.B) {
				u := &ptrace.JSONUnmarshaler{}
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := u.UnmarshalTraces(body); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("impl=ours", func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					td, res, err := DecodeTraces(JSON, body, true)
					if err != nil || td.SpanCount() != spans {
						b.Fatal(err)
					}
					res.Release()
				}
			})
		})
	}
}
