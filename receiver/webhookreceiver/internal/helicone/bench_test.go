package helicone

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkDecode decodes Helicone's OpenAI chat delivery (request and
// response bodies sent as JSON text) with the decoder and, in the same run,
// with the decoder on encoding/json it replaced (reference_test.go).
func BenchmarkDecode(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "helicone", "openai_chat.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, impl := range []struct {
		name   string
		decode func([]byte, time.Time) (Delivery, error)
	}{{"impl=ours", Decode}, {"impl=encoding_json", refDecode}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := impl.decode(body, arrival); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
