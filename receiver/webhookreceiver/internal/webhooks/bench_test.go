package webhooks

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseJSON reads GitHub's push delivery into Go values, as every
// JSON body of the generic route is, with parseJSON and, in the same run,
// with the one on encoding/json it replaced (reference_test.go).
func BenchmarkParseJSON(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "webhooks", "github", "push.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, impl := range []struct {
		name  string
		parse func([]byte, string) (any, error)
	}{{"impl=ours", parseJSON}, {"impl=encoding_json", refParseJSON}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := impl.parse(body, "body"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
