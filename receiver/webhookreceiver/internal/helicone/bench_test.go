package helicone

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkDecodeHelicone decodes Helicone's OpenAI chat delivery (request
// and response bodies sent as JSON text) with the decoder on encoding/json
// it replaced (impl=encoding_json, reference_test.go) and with the decoder
// (impl=ours), in the same run.
func BenchmarkDecodeHelicone(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "helicone", "openai_chat.json"))
	if err != nil {
		b.Fatal(err)
	}
	benchdata.RunImpls(b, body,
		benchdata.Impl{Name: "encoding_json", Decode: func(body []byte) (int, error) {
			d, err := refDecode(body, arrival)
			return d.Traces.SpanCount(), err
		}},
		benchdata.Impl{Name: "ours", Decode: func(body []byte) (int, error) {
			d, err := Decode(body, arrival)
			return d.Traces.SpanCount(), err
		}})
}
