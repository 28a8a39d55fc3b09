package otlp

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsoniterText is a string's text as pdata's decoder reads it.
func jsoniterText(t *testing.T, raw []byte) string {
	t.Helper()
	it := jsoniter.ConfigFastest.BorrowIterator(append(append([]byte{'"'}, raw...), '"'))
	defer jsoniter.ConfigFastest.ReturnIterator(it)
	s := it.ReadString()
	require.NoError(t, it.Error, "%q", raw)
	return s
}

// TestUnescapeTextIsJsoniters checks unescapeText against json-iterator on
// escapes, surrogates in every arrangement, long runs between escapes, and
// (fixUTF8) invalid UTF-8, which lenient mode reads as pdata reads the body
// made valid.
func TestUnescapeTextIsJsoniters(t *testing.T) {
	pieces := []string{`a`, `é`, `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0041`, `\u00e9`, `\u20AC`,
		`\uD83D\uDE00`, `\uD83D`, `\uDE00`, `\uD800\uD800`, `\uDBFF\uDFFF`, `\uD800\n`, `\uD800x`, `\u0000`,
		"plain text of some length", "\xff", "\xc3\x28", "\xed\xa0\x80"}
	rng := rand.New(rand.NewPCG(7, 8))
	inputs := []string{``, `plain`, strings.Repeat(`abcdefgh`, 9) + `\"` + strings.Repeat(`x`, 17)}
	for range 20_000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		raw := []byte(in)
		valid := bytes.ToValidUTF8(raw, []byte("\uFFFD"))
		assert.Equal(t, jsoniterText(t, valid), string(unescapeText(nil, raw, true)), "fixUTF8: %q", in)
		if bytes.Equal(valid, raw) {
			assert.Equal(t, jsoniterText(t, raw), string(unescapeText([]byte("kept"), raw, false))[4:], "%q", in)
		}
	}
}

func TestInternTable(t *testing.T) {
	var tab internTable
	a := tab.get([]byte("gen_ai.request.model"))
	b := tab.get([]byte("gen_ai.request.model"))
	assert.Equal(t, "gen_ai.request.model", a)
	assert.Equal(t, unsafeData(a), unsafeData(b), "a hit is the same string")
	long := bytes.Repeat([]byte("x"), internMax+1)
	assert.Equal(t, string(long), tab.get(long))
	assert.Empty(t, tab.get(nil))

	keys := internTable{keys: true}
	_, meta := keys.getMeta([]byte("gen_ai.usage.cost"))
	assert.Equal(t, uint8(metaGenAI), meta)
	_, meta = keys.getMeta([]byte("gen_ai.request.model"))
	assert.Zero(t, meta)
	_, meta = keys.getMeta([]byte("gen_ai.response.finish_reasons"))
	assert.Equal(t, uint8(metaGenAI), meta)
}

func unsafeData(s string) *byte { return unsafe.StringData(s) }
