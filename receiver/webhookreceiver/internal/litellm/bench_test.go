package litellm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkDecodeLiteLLM decodes the largest batch LiteLLM posts: 512
// payloads (the three of the golden batch, repeated), as a JSON array, with
// the decoder on encoding/json it replaced (impl=encoding_json,
// reference_test.go) and with the decoder (impl=ours), in the same run.
func BenchmarkDecodeLiteLLM(b *testing.B) {
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
	b.Run("payloads=512", func(b *testing.B) {
		benchdata.RunImpls(b, body.Bytes(),
			benchdata.Impl{Name: "encoding_json", Decode: func(body []byte) (int, error) {
				c, err := refDecode(body, arrival)
				return len(c.Keys), err
			}},
			benchdata.Impl{Name: "ours", Decode: func(body []byte) (int, error) {
				c, err := Decode(body, arrival)
				return len(c.Keys), err
			}})
	})
}
