package jsontok // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// Unescape appends the text of a string's raw text (as Str returns it) to
// dst, as encoding/json decodes it: escapes resolved, a \u escape that is
// half of a surrogate pair without its other half and each byte that is not
// UTF-8 replaced by U+FFFD.
func Unescape(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\\')
		if i < 0 {
			return appendUTF8(dst, raw)
		}
		dst = appendUTF8(dst, raw[:i])
		raw = raw[i:]
		if len(raw) < 2 {
			return dst // not from Str: a string's text never ends in a lone backslash
		}
		if c, ok := Simple(raw[1]); ok {
			dst = append(dst, c)
			raw = raw[2:]
			continue
		}
		r, ok := U4(raw)
		if !ok {
			return dst
		}
		raw = raw[6:]
		if utf16.IsSurrogate(r) {
			if r2, ok := U4(raw); ok {
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					dst = utf8.AppendRune(dst, pair)
					raw = raw[6:]
					continue
				}
			}
			r = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// appendUTF8 appends b, each byte that is not UTF-8 replaced by U+FFFD.
func appendUTF8(dst, b []byte) []byte {
	if utf8.Valid(b) {
		return append(dst, b...)
	}
	for len(b) > 0 {
		rn, size := utf8.DecodeRune(b)
		if rn == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, b[:size]...)
		}
		b = b[size:]
	}
	return dst
}

// Simple returns the byte a one-letter escape code (the c of \c) stands for.
func Simple(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// U4 decodes the \uXXXX escape at the start of b.
func U4(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
