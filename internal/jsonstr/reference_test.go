package jsonstr

import (
	"math/bits"
	"unicode/utf8"
)

// referenceAppendEscaped is AppendEscaped as it was before it stored whole
// words: the definition the fuzz target holds the current one to, byte for
// byte.
func referenceAppendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Most text is plain ASCII: skip it eight bytes at a time, and go
		// straight to the first byte of a word that needs care. The test is
		// written out here: as a function it is too large to be inlined,
		// and a call per word costs more than the test.
		for i+8 <= len(s) {
			// x holds s[i:i+8], s[i] in the lowest byte. m marks, in the
			// high bit of each byte, control characters, quotes,
			// backslashes and bytes of 0x80 or more. A borrow can mark a
			// plain byte above a marked one, never one below it, so the
			// lowest mark is exact.
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			quote := x ^ ('"' * ones)      // a zero byte where s has '"'
			backslash := x ^ ('\\' * ones) // and where it has '\\'
			m := ((x - 0x20*ones) |        // a byte below 0x20
				(quote-ones)&^quote | (backslash-ones)&^backslash |
				x) & highs // a byte of 0x80 or more
			if m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but not valid JavaScript in older parsers.
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(b, s[start:]...)
}
