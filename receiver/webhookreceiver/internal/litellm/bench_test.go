package litellm

import (
	"bytes"
	"strings"
	"testing"
)

// BenchmarkDecodeBatch512 decodes the largest batch LiteLLM posts: 512
// payloads (the three of the golden batch, repeated), as a JSON array.
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
	b.SetBytes(int64(body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := Decode(body.Bytes(), arrival)
		if err != nil || c.Traces.SpanCount() != 512 {
			b.Fatal(err, c.Traces.SpanCount())
		}
	}
}
