package jsontok // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special flags, in the high bit of each byte of the word x, the bytes a
// string scan must stop at: '"', '\\', control characters and non-ASCII.
// Only the lowest flag is exact (a borrow may flag bytes above it), which is
// the only one the scan uses.
func special(x uint64) uint64 {
	q := x ^ (ones * '"')
	bs := x ^ (ones * '\\')
	return (((q - ones) &^ q) | ((bs - ones) &^ bs) | (x - ones*0x20) | x) & highs
}

// Why a string scan stopped short of its closing quote.
const (
	endOfInput = iota + 1
	endInEscape
	badEscape
	badControl
)

var scanErrors = [...]string{
	endOfInput:  "unexpected end of input in string literal",
	endInEscape: "unexpected end of input in string escape code",
	badEscape:   "invalid character in string escape code",
	badControl:  "invalid character in string literal",
}

// scanStr scans the string whose text starts at b[start] (after the opening
// quote): it returns the offset of the closing quote, what the text holds
// and its first byte that is not UTF-8 (or -1), or, for a string that is not
// JSON, the offset of the offending byte and why.
func scanStr(b []byte, start int) (end int, info StrInfo, bad, why int) {
	i := start
	bad = -1
	for {
		for i+8 <= len(b) {
			if m := special(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto found
			}
			i += 8
		}
		for i < len(b) && b[i] >= 0x20 && b[i] < utf8.RuneSelf && b[i] != '"' && b[i] != '\\' {
			i++
		}
	found:
		if i >= len(b) {
			return len(b), info, bad, endOfInput
		}
		switch c := b[i]; {
		case c == '"':
			return i, info, bad, 0
		case c == '\\':
			info |= Escaped
			n := escapeLen(b[i+1:])
			if n == 0 {
				end, why := badEscapeAt(b, i+1)
				return end, info, bad, why
			}
			i += 1 + n
		case c < 0x20:
			return i, info, bad, badControl
		default:
			rn, size := utf8.DecodeRune(b[i:])
			if rn == utf8.RuneError && size == 1 {
				info |= BadUTF8
				if bad < 0 {
					bad = i
				}
			}
			i += size
		}
	}
}

// badEscapeAt tells where the escape code at b[i] (after the backslash)
// stops being one: the offending byte, or the end of the input inside it.
func badEscapeAt(b []byte, i int) (end, why int) {
	j := i
	if j < len(b) && b[j] == 'u' {
		for j++; j < len(b) && j < i+5 && isHex(b[j]); j++ {
		}
	}
	if j >= len(b) {
		return len(b), endInEscape
	}
	return j, badEscape
}

// scanString reads the string at r.pos (its opening quote) and returns its
// raw text.
func (r *Reader) scanString() ([]byte, StrInfo, bool) {
	start := r.pos + 1
	end, info, bad, why := scanStr(r.buf, start)
	if why != 0 {
		r.fail(end, scanErrors[why])
		return nil, 0, false
	}
	if bad >= 0 && r.badUTF8 < 0 {
		r.badUTF8 = bad
	}
	r.pos = end + 1
	return r.buf[start:end], info, true
}

// StrAt reads ahead, without moving: the string whose opening quote is at
// b[i]. ok is false for anything else; the caller then reads the value the
// ordinary way, which reports the error.
func (r *Reader) StrAt(i int) (raw []byte, info StrInfo, next int, ok bool) {
	if i >= len(r.buf) || r.buf[i] != '"' {
		return nil, 0, 0, false
	}
	end, info, bad, why := scanStr(r.buf, i+1)
	if why != 0 {
		return nil, 0, 0, false
	}
	if bad >= 0 && r.badUTF8 < 0 {
		r.badUTF8 = bad
	}
	return r.buf[i+1 : end], info, end + 1, true
}

// NumAt reads ahead, without moving, the number that starts at b[i].
func (r *Reader) NumAt(i int) (tok []byte, next int, ok bool) {
	b := r.buf
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j >= len(b):
		return nil, 0, false
	case b[j] == '0':
		j++
	case '1' <= b[j] && b[j] <= '9':
		j = digits(b, j+1)
	default:
		return nil, 0, false
	}
	if j < len(b) && b[j] == '.' {
		k := digits(b, j+1)
		if k == j+1 {
			return nil, 0, false
		}
		j = k
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := digits(b, j)
		if k == j {
			return nil, 0, false
		}
		j = k
	}
	return b[i:j], j, true
}

// Seek moves to next, the offset a read ahead (StrAt, NumAt, HasAt)
// returned, at the same depth: the caller read a value whole.
func (r *Reader) Seek(next int) { r.pos = next }

// HasAt reports whether lit is at b[i].
func (r *Reader) HasAt(i int, lit string) bool {
	return i+len(lit) <= len(r.buf) && string(r.buf[i:i+len(lit)]) == lit
}

// escapeLen is the length of the valid escape code at the start of b (after
// the backslash), or 0.
func escapeLen(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1
	case 'u':
		if len(b) >= 5 && isHex(b[1]) && isHex(b[2]) && isHex(b[3]) && isHex(b[4]) {
			return 5
		}
	}
	return 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Str reads a string and returns its raw text, a slice of the body.
func (r *Reader) Str() ([]byte, StrInfo) {
	if r.skipSpace() != '"' {
		r.unexpected("looking for beginning of string")
		return nil, 0
	}
	raw, info, _ := r.scanString()
	return raw, info
}

// Num reads a number and returns its text, checked against the JSON grammar
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?).
func (r *Reader) Num() []byte {
	r.skipSpace()
	b := r.buf
	start := r.pos
	i := start
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		r.fail(len(b), "unexpected end of input in numeric literal")
		return nil
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = digits(b, i+1)
	default:
		r.fail(i, "invalid character in numeric literal")
		return nil
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			r.numFail(j)
			return nil
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			r.numFail(j)
			return nil
		}
		i = j
	}
	r.pos = i
	return b[start:i]
}

func (r *Reader) numFail(i int) {
	if i >= len(r.buf) {
		r.fail(i, "unexpected end of input in numeric literal")
		return
	}
	r.fail(i, "invalid character in numeric literal")
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// Bool reads true or false.
func (r *Reader) Bool() bool {
	switch r.skipSpace() {
	case 't':
		return r.literal("true")
	case 'f':
		r.literal("false")
		return false
	}
	r.unexpected("looking for beginning of value")
	return false
}

// Null reads null.
func (r *Reader) Null() {
	if r.skipSpace() != 'n' {
		r.unexpected("looking for beginning of value")
		return
	}
	r.literal("null")
}

func (r *Reader) literal(word string) bool {
	b := r.buf[r.pos:]
	for i := 0; i < len(word); i++ {
		if i >= len(b) {
			r.fail(len(r.buf), "unexpected end of input in literal "+word)
			return false
		}
		if b[i] != word[i] {
			r.fail(r.pos+i, "invalid character in literal "+word)
			return false
		}
	}
	r.pos += len(word)
	return true
}

// Skip reads one value of any kind, checking it, and drops it.
func (r *Reader) Skip() {
	switch r.Peek() {
	case Object:
		if r.BeginObject() {
			for ok := r.FirstKey(); ok; ok = r.NextKey() {
				r.Skip()
			}
		}
	case Array:
		if r.BeginArray() {
			for ok := r.FirstElem(); ok; ok = r.NextElem() {
				r.Skip()
			}
		}
	case String:
		r.scanString()
	case Number:
		start := r.pos
		if tok := r.Num(); r.checkSkipped && r.skippedBad < 0 && !jsoniterSkips(tok) {
			r.skippedBad = start
		}
	case Bool:
		r.Bool()
	case Null:
		r.Null()
	default:
		r.unexpected("looking for beginning of value")
	}
}

// jsoniterSkips reports whether json-iterator skips the number tok (checked
// against the JSON grammar): digits and a fraction it steps over, a number
// with an exponent it parses with strconv.ParseFloat, and an error there
// (out of range) is an error of the whole document.
func jsoniterSkips(tok []byte) bool {
	for _, c := range tok {
		if c == 'e' || c == 'E' {
			_, err := strconv.ParseFloat(string(tok), 64)
			return err == nil
		}
	}
	return true
}

// SkipRaw is Skip that returns the value's text, a slice of the body.
func (r *Reader) SkipRaw() []byte {
	r.skipSpace()
	start := r.pos
	r.Skip()
	if r.err != nil {
		return nil
	}
	return r.buf[start:r.pos]
}

// Valid reports whether b is one JSON document nested at most maxDepth
// deep, and returns the first error otherwise. Bytes that are not UTF-8
// inside strings are allowed, as encoding/json allows them.
func Valid(b []byte, maxDepth int) error {
	var r Reader
	r.Reset(b, maxDepth)
	r.Skip()
	return r.End()
}
