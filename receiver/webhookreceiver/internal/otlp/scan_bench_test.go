package otlp

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

func readBroadcast(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "broadcast", name))
	require.NoError(t, err)
	return b
}

// benchScanReference is scanJSONValue as it was before nextQuote replaced
// its bytes.IndexByte call.
func benchScanReference(b []byte, maxDepth int) (badUTF8, tooDeep, end int) {
	badUTF8, tooDeep, end = -1, -1, -1
	if !utf8.Valid(b) {
		badUTF8 = firstInvalidUTF8(b)
	}
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for {
				j := bytes.IndexByte(b[i+1:], '"')
				if j < 0 {
					return badUTF8, tooDeep, end
				}
				i += j + 1
				bs := 0
				for k := i - 1; k >= 0 && b[k] == '\\'; k-- {
					bs++
				}
				if bs%2 == 0 {
					break
				}
			}
		case '{', '[':
			depth++
			if depth > maxDepth {
				return badUTF8, i, end
			}
		case '}', ']':
			depth--
			if depth == 0 && end < 0 {
				end = i + 1
			}
		}
	}
	return badUTF8, tooDeep, end
}

// benchLongStringBody has one attribute value of 130 kB without a quote,
// where bytes.IndexByte is at its best.
var benchLongStringBody = []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"gen_ai.prompt","value":{"stringValue":"` +
	strings.Repeat("All work and no play makes Jack a dull boy. ", 3000) + `"}}]}]}]}]}`)

// TestBenchScanMatchesReference checks scanJSONValue against the scan it
// replaced, on real bodies and their prefixes, a long string, and random
// byte soup rich in quotes, backslashes and brackets.
func TestBenchScanMatchesReference(t *testing.T) {
	var inputs [][]byte
	for _, body := range [][]byte{benchdata.NewPayload(3).Body, benchLongStringBody, readBroadcast(t, "chat_privacy_off.json")} {
		for cut := 0; cut <= len(body); cut += 1 + cut/64 {
			inputs = append(inputs, body[:cut])
		}
	}
	alphabet := []byte(`"\{}[]ab:,"\"` + "\xff")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50_000 {
		in := make([]byte, rng.IntN(80))
		for i := range in {
			in[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, in)
	}
	for _, in := range inputs {
		for _, depth := range []int{1, 2, 3, MaxJSONDepth} {
			u, d, e := benchScanReference(in, depth)
			gu, gd, ge := scanJSONValue(in, depth)
			require.Equal(t, [3]int{u, d, e}, [3]int{gu, gd, ge}, "depth %d, input %q", depth, in)
		}
	}
}

// BenchmarkScan compares the pre-decode scan with the one it replaced, on a
// Broadcast body and on a body that is one long string.
func BenchmarkScan(b *testing.B) {
	for _, c := range []struct {
		name string
		body []byte
	}{{"body=broadcast100", benchdata.NewPayload(100).Body}, {"body=longstring", benchLongStringBody}} {
		b.Run(c.name, func(b *testing.B) {
			b.Run("impl=indexbyte", func(b *testing.B) {
				b.SetBytes(int64(len(c.body)))
				for b.Loop() {
					benchScanReference(c.body, MaxJSONDepth)
				}
			})
			b.Run("impl=nextquote", func(b *testing.B) {
				b.SetBytes(int64(len(c.body)))
				for b.Loop() {
					scanJSONValue(c.body, MaxJSONDepth)
				}
			})
		})
	}
}
