package openrouterevents

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkDecodeOpenRouterEvents decodes a batch of OpenRouter events
// with the decoder on encoding/json it replaced (impl=encoding_json,
// reference_test.go) and with the decoder (impl=ours), in the same run.
func BenchmarkDecodeOpenRouterEvents(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "openrouter_events", "batch.json"))
	if err != nil {
		b.Fatal(err)
	}
	benchdata.RunImpls(b, body,
		benchdata.Impl{Name: "encoding_json", Decode: func(body []byte) (int, error) {
			ev, err := refDecode(body, arrival)
			return len(ev.IDs), err
		}},
		benchdata.Impl{Name: "ours", Decode: func(body []byte) (int, error) {
			ev, err := Decode(body, arrival)
			return len(ev.IDs), err
		}})
}
