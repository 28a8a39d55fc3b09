package litellm

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// BenchmarkDecodeBatch512 decodes the largest batch LiteLLM posts: 512
// payloads (the three of the golden batch, repeated), as a JSON array, with
// the decoder and, in the same run, with the decoder on encoding/json it
// replaced (reference_test.go), for the ratio.
func BenchmarkDecodeBatch512(b *testing.B) {
	lines := strings.Split(strings.TrimSpace(string(mustRead(b, "batch.ndjson"))), "\n")
	var body bytes.Buffer
	body.WriteByte('[')
	for i := 0; i < 512; i++ {
		if i > 0 {
			body.WriteString(", ")
		}
		body.WriteString(lines[i%len(lines)])
	}
	body.WriteByte(']')
	for _, impl := range []struct {
		name   string
		decode func([]byte, time.Time) (Calls, error)
	}{{"impl=ours", Decode}, {"impl=encoding_json", refDecode}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(body.Len()))
			b.ReportAllocs()
			for b.Loop() {
				c, err := impl.decode(body.Bytes(), arrival)
				if err != nil || c.Traces.SpanCount() != 512 {
					b.Fatal(err, c.Traces.SpanCount())
				}
			}
		})
	}
}
