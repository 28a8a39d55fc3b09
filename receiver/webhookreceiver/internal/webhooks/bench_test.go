package webhooks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// BenchmarkDecodeGenericBody reads GitHub's push delivery into Go values,
// as the generic route reads every JSON body, with the parseJSON on
// encoding/json it replaced (impl=encoding_json, reference_test.go) and
// with parseJSON (impl=ours), in the same run.
func BenchmarkDecodeGenericBody(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "webhooks", "github", "push.json"))
	if err != nil {
		b.Fatal(err)
	}
	benchdata.RunImpls(b, body,
		benchdata.Impl{Name: "encoding_json", Decode: func(body []byte) (int, error) {
			_, err := refParseJSON(body, "body")
			return 1, err
		}},
		benchdata.Impl{Name: "ours", Decode: func(body []byte) (int, error) {
			_, err := parseJSON(body, "body")
			return 1, err
		}})
}
