package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"bytes"
	"encoding/binary"
	"math/bits"
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
