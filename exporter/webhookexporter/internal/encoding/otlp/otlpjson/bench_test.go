package otlpjson

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkAppendTraces measures the writer alone on 100 Broadcast-like
// spans (impl=ours, into a reused buffer) next to pdata's JSON marshaler
// (impl=pdata).
func BenchmarkAppendTraces(b *testing.B) {
	td := benchdata.Traces(100)
	size := len(AppendTraces(nil, td))
	b.Run("impl=pdata", func(b *testing.B) {
		m := &ptrace.JSONMarshaler{}
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.MarshalTraces(td); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=ours", func(b *testing.B) {
		buf := make([]byte, 0, size)
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendTraces(buf[:0], td)
		}
	})
}
