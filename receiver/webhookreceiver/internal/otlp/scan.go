package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
	swarQuote = swarOnes * '"'
	// swarWindow is how far nextQuote looks eight bytes at a time before it
	// hands over to bytes.IndexByte.
	swarWindow = 32
)

// nextQuote returns the offset of the first '"' in b at or after from, or
// -1. Most strings of an OTLP body (keys, "value", "stringValue", short
// values, escaped quotes in JSON-encoded prompts) end within a few bytes,
// where one bytes.IndexByte call costs more than the search; nextQuote reads
// the first swarWindow bytes a word at a time and only then calls
// IndexByte, which is faster over long runs.
func nextQuote(b []byte, from int) int {
	i := from
	for stop := min(len(b), from+swarWindow); i+8 <= stop; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) ^ swarQuote
		// The lowest flagged byte of (x-ones)&^x&highs is exactly the
		// first zero byte of x, that is the first quote.
		if m := (x - swarOnes) &^ x & swarHighs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	if j := bytes.IndexByte(b[i:], '"'); j >= 0 {
		return i + j
	}
	return -1
}

// scanJSON returns the offset of the first invalid UTF-8 byte and of the
// first bracket nested deeper than maxDepth, each -1 when there is none. It
// skips string contents with nextQuote, so it costs little next to decoding.
func scanJSON(b []byte, maxDepth int) (badUTF8, tooDeep int) {
	badUTF8, tooDeep, _ = scanJSONValue(b, maxDepth)
	return badUTF8, tooDeep
}

// scanJSONValue is scanJSON that also returns the offset just after the
// bracket that closes the first top-level object or array, or -1.
func scanJSONValue(b []byte, maxDepth int) (badUTF8, tooDeep, end int) {
	badUTF8, tooDeep, end = -1, -1, -1
	if !utf8.Valid(b) {
		badUTF8 = firstInvalidUTF8(b)
	}
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for {
				j := nextQuote(b, i+1)
				if j < 0 {
					return badUTF8, tooDeep, end
				}
				i = j
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

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
