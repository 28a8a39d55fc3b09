package jsonstr

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkAppendEscaped writes the keys and string values of 100
// Broadcast-like spans (bench/benchdata: prompts and completions as JSON
// text, English and French prose, identifiers) into a reused buffer:
// impl=reference is the escaper this one replaced (reference_test.go).
func BenchmarkAppendEscaped(b *testing.B) {
	var texts []string
	size := 0
	spans := benchdata.Traces(100).ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := range spans.Len() {
		for k, v := range spans.At(i).Attributes().All() {
			texts = append(texts, k)
			if v.Type() == pcommon.ValueTypeStr {
				texts = append(texts, v.Str())
			}
		}
	}
	for _, s := range texts {
		size += len(s)
	}
	for _, impl := range []struct {
		name string
		f    func([]byte, string) []byte
	}{{"reference", referenceAppendEscaped}, {"ours", AppendEscaped}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			buf := make([]byte, 0, 2*size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				buf = buf[:0]
				for _, s := range texts {
					buf = impl.f(buf, s)
				}
			}
		})
	}
}
