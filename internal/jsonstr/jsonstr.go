// Package jsonstr writes Go strings as JSON strings, fast, for the code that
// writes JSON by hand: the exporter's OTLP JSON and its rows.
//
// The output is what encoding/json writes with HTML escaping off, except
// that \b and \f are written \u0008 and \u000c: quotes and backslashes
// escaped, control characters as \n, \r, \t or \u00XX, U+2028 and U+2029 as
// \u2028 and \u2029, and each byte of invalid UTF-8 as \ufffd.
package jsonstr // import "github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Append appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// encoding/json writes it.
func Append(b []byte, s string) []byte {
	b = append(b, '"')
	b = AppendEscaped(b, s)
	return append(b, '"')
}

// room is the spare capacity AppendEscaped keeps beyond what the rest of s
// needs unescaped: a whole word stored past the end, or the longest escape
// (6 bytes) written for a single byte.
const room = 16

// AppendEscaped appends the contents of s as they stand inside a JSON
// string, without the quotes.
//
// Most text is plain ASCII, so s is read eight bytes at a time and each
// word is stored whole into the spare capacity of b before it is tested:
// plain text costs a load, a test and a store per word, with no call. When
// the test marks a byte that needs care, the output stops right before it
// (the rest of the stored word is overwritten later) and that byte is
// written escaped.
func AppendEscaped(b []byte, s string) []byte {
	n := len(b)
	b = grow(b, n, len(s))
	i := 0
	for {
		// Two words a turn while they last: the loop's own work (the
		// compare, the constants) counts once for sixteen bytes.
		for len(s)-i >= 16 {
			in, out := s[i:i+16], b[n:n+16]
			x, y := load(in, 0), load(in, 8)
			binary.LittleEndian.PutUint64(out[:8], x)
			binary.LittleEndian.PutUint64(out[8:], y)
			mx, my := special(x), special(y)
			if mx|my == 0 {
				i += 16
				n += 16
				continue
			}
			k := bits.TrailingZeros64(mx) >> 3 // 8 when only y has a mark
			if mx == 0 {
				k = 8 + bits.TrailingZeros64(my)>>3
			}
			i += k
			n += k
			goto care
		}
		for len(s)-i >= 8 {
			x := load(s, i)
			binary.LittleEndian.PutUint64(b[n:n+8], x)
			if m := special(x); m != 0 {
				k := bits.TrailingZeros64(m) >> 3
				i += k
				n += k
				goto care
			}
			i += 8
			n += 8
		}
		// Fewer than eight bytes left: the last eight bytes of s (or, in
		// a shorter s, its bytes one by one) with the ones already
		// written shifted out.
		if i == len(s) {
			return b[:n]
		}
		if len(s) >= 8 {
			done := uint(8 - (len(s) - i))
			x := load(s, len(s)-8) >> (done * 8)
			binary.LittleEndian.PutUint64(b[n:n+8], x)
			// The zero bytes shifted in at the top are not s's.
			m := special(x) & (1<<((8-done)*8) - 1)
			if m == 0 {
				return b[:n+len(s)-i]
			}
			k := bits.TrailingZeros64(m) >> 3
			i += k
			n += k
		} else {
			for i < len(s) && !needsCare[s[i]] {
				b[n] = s[i]
				i++
				n++
			}
			if i == len(s) {
				return b[:n]
			}
		}
	care:
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"', '\\':
				b[n], b[n+1] = '\\', c
				n += 2
			case '\n':
				b[n], b[n+1] = '\\', 'n'
				n += 2
			case '\r':
				b[n], b[n+1] = '\\', 'r'
				n += 2
			case '\t':
				b[n], b[n+1] = '\\', 't'
				n += 2
			default: // a control character
				b[n], b[n+1], b[n+2], b[n+3], b[n+4], b[n+5] = '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf]
				n += 6
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				n += copy(b[n:], `\ufffd`)
			case r == '\u2028' || r == '\u2029':
				// Valid JSON, but not valid JavaScript in older parsers.
				b[n], b[n+1], b[n+2], b[n+3], b[n+4], b[n+5] = '\\', 'u', '2', '0', '2', hexDigits[r&0xf]
				n += 6
			default:
				n += copy(b[n:], s[i:i+size])
			}
			i += size
		}
		// An escape is longer than what it stands for: keep the room.
		if cap(b)-n < len(s)-i+room {
			b = grow(b, n, len(s)-i)
		}
	}
}

// grow returns b, its first n bytes kept, with at least rest+room bytes of
// capacity after them, and its length at its capacity.
func grow(b []byte, n, rest int) []byte {
	if cap(b)-n < rest+room {
		nb := make([]byte, n, max(2*cap(b), n+rest+room))
		copy(nb, b[:n])
		b = nb
	}
	return b[:cap(b)]
}

// load returns s[i:i+8] as a little-endian word (one load: the compiler
// combines the bytes).
func load(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// special marks, in the high bit of each byte of x, the bytes that need
// care: control characters, quotes, backslashes and bytes of 0x80 or more.
// A borrow can mark a plain byte above a marked one, never one below it,
// so the lowest mark is exact.
//
// x^0x02 turns '"' (0x22) into 0x20 and keeps the bytes below 0x20 below
// it, so one subtraction of 0x21 finds both; a byte of 0x80 or more is
// marked by its own high bit whatever the subtraction left there.
func special(x uint64) uint64 {
	backslash := x ^ ('\\' * ones)            // a zero byte where x has '\\'
	return ((x ^ (0x02 * ones)) - 0x21*ones | // a byte below 0x20, or '"'
		(backslash-ones)&^backslash |
		x) & highs
}

// needsCare is special for one byte.
var needsCare = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)
