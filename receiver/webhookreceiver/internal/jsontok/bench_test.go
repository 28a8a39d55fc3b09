package jsontok

import (
	"encoding/json"
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkValid is the floor of any decoder built on the tokenizer: one
// checked walk over a 100-span Broadcast body (impl=jsontok), next to
// encoding/json's Valid (impl=stdlib).
func BenchmarkValid(b *testing.B) {
	body := benchdata.NewPayload(100).Body
	b.Run("impl=jsontok", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err := Valid(body, 64); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if !json.Valid(body) {
				b.Fatal("invalid")
			}
		}
	})
}
