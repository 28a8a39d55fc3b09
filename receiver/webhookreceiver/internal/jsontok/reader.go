// Package jsontok is the receiver's JSON tokenizer: one forward walk over a
// body that validates it (RFC 8259 grammar, nesting depth, UTF-8 inside
// strings, nothing after the document) while the caller reads it, without
// allocating. It hands out keys and strings as slices of the body (raw, with
// their escapes), numbers as their text, and leaves converting them to the
// caller, so a decoder can compare keys as bytes, parse numbers and IDs in
// place and copy a string only when it keeps it.
//
// Reading an object or an array is a pair of calls, first and next:
//
//	if !r.BeginObject() { ... }
//	for ok := r.FirstKey(); ok; ok = r.NextKey() {
//		switch string(r.Key()) { ... }   // the value follows: read or Skip it
//	}
//
// The first syntax error stops the walk: every later call reads nothing and
// Err returns it. Every decoder of the receiver reads with it: the OTLP
// decoder (internal/otlp) directly, the senders' decoders (LiteLLM,
// Helicone, OpenRouter events, the generic route) through internal/jsonvalue
// as well.
package jsontok // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"

import (
	"fmt"
	"strconv"
)

// Kind is the JSON type of the next value.
type Kind uint8

const (
	// Invalid: no value starts here (end of input, a stray byte, or the
	// walk stopped at an error).
	Invalid Kind = iota
	Object
	Array
	String
	Number
	Bool
	Null
)

var kindNames = [...]string{Invalid: "an invalid value", Object: "an object", Array: "an array",
	String: "a string", Number: "a number", Bool: "a boolean", Null: "null"}

// Article names the kind with its article, for messages: "an object".
func (k Kind) Article() string { return kindNames[k] }

// kindOf classifies the first byte of a value.
var kindOf = func() (t [256]Kind) {
	t['{'], t['['], t['"'], t['t'], t['f'], t['n'] = Object, Array, String, Bool, Bool, Null
	t['-'] = Number
	for c := '0'; c <= '9'; c++ {
		t[c] = Number
	}
	return t
}()

// StrInfo describes a string's raw text.
type StrInfo uint8

const (
	// Escaped: the text has backslash escapes; Unescape it before use.
	Escaped StrInfo = 1 << iota
	// BadUTF8: the text has bytes that are not UTF-8.
	BadUTF8
)

// SyntaxError is where and why the body stops being JSON.
type SyntaxError struct {
	Offset int // of the offending byte, or the length for an early end
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg + " at byte " + strconv.Itoa(e.Offset) }

// DepthError is an object or array nested deeper than the Reader allows.
type DepthError struct {
	Offset, Max int
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("JSON is nested more than %d levels deep at byte %d", e.Max, e.Offset)
}

// Reader walks one JSON document. The zero Reader reads nothing: Reset it.
type Reader struct {
	buf      []byte
	pos      int
	depth    int
	maxDepth int
	err      error
	badUTF8  int // first byte that is not UTF-8 inside a string, or -1
	// checkSkipped: Skip records the first number it skips that
	// json-iterator refuses to skip (skippedBad, or -1).
	checkSkipped bool
	skippedBad   int
	key          []byte
	keyOff       int
	keyInfo      StrInfo
}

// Reset starts a walk over buf, allowing objects and arrays maxDepth deep.
func (r *Reader) Reset(buf []byte, maxDepth int) {
	*r = Reader{buf: buf, maxDepth: maxDepth, badUTF8: -1, skippedBad: -1}
}

// CheckSkipped has Skip look at the numbers it skips as json-iterator's
// Skip does, which pdata's decoder skips unknown fields with: a number with
// an exponent is parsed as a float64 there, and one out of its range (1e400)
// is an error, valid JSON as it is. FirstBadSkipped tells where.
func (r *Reader) CheckSkipped() { r.checkSkipped = true }

// FirstBadSkipped is the offset of the first number Skip skipped that
// json-iterator refuses to skip, or -1 (see CheckSkipped).
func (r *Reader) FirstBadSkipped() int { return r.skippedBad }

// Err is the first syntax or depth error, or nil.
func (r *Reader) Err() error { return r.err }

// Pos is the offset of the next byte to read.
func (r *Reader) Pos() int { return r.pos }

// Buf is the body being read.
func (r *Reader) Buf() []byte { return r.buf }

// FirstBadUTF8 is the offset of the first byte read so far, inside a
// string, that is not UTF-8, or -1.
func (r *Reader) FirstBadUTF8() int { return r.badUTF8 }

// fail records the first error and stops the walk.
func (r *Reader) fail(off int, msg string) {
	if r.err == nil {
		r.err = &SyntaxError{Offset: off, Msg: msg}
	}
	r.pos = len(r.buf)
}

// Fail stops the walk with the caller's own reason, such as a value of the
// wrong type where only one type is allowed; Err then returns it.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.pos = len(r.buf)
}

func (r *Reader) unexpected(what string) {
	if r.pos >= len(r.buf) {
		r.fail(len(r.buf), "unexpected end of input "+what)
		return
	}
	r.fail(r.pos, fmt.Sprintf("invalid character %q %s", r.buf[r.pos], what))
}

// skipSpace moves past JSON whitespace and returns the next byte, or 0 at
// the end.
func (r *Reader) skipSpace() byte {
	for r.pos < len(r.buf) {
		c := r.buf[r.pos]
		if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			return c
		}
		r.pos++
	}
	return 0
}

// Peek returns the kind of the next value without reading it.
func (r *Reader) Peek() Kind {
	if r.pos < len(r.buf) && r.buf[r.pos] > ' ' {
		return kindOf[r.buf[r.pos]]
	}
	c := r.skipSpace()
	if r.pos >= len(r.buf) {
		return Invalid
	}
	return kindOf[c]
}

// End checks that nothing but whitespace follows the document.
func (r *Reader) End() error {
	if r.err == nil {
		if r.skipSpace(); r.pos < len(r.buf) {
			r.unexpected("after top-level value")
		}
	}
	return r.err
}

func (r *Reader) push() bool {
	r.depth++
	if r.depth > r.maxDepth {
		if r.err == nil {
			r.err = &DepthError{Offset: r.pos - 1, Max: r.maxDepth}
		}
		r.pos = len(r.buf)
		return false
	}
	return true
}

// BeginObject reads the '{' of an object; false (an error) if the next
// value is not one.
func (r *Reader) BeginObject() bool {
	if r.skipSpace() != '{' {
		r.unexpected("looking for beginning of object")
		return false
	}
	r.pos++
	return r.push()
}

// BeginArray reads the '[' of an array.
func (r *Reader) BeginArray() bool {
	if r.skipSpace() != '[' {
		r.unexpected("looking for beginning of array")
		return false
	}
	r.pos++
	return r.push()
}

// FirstKey reads the first key of an object just begun and its ':', and
// reports whether there is one; at '}' it ends the object.
func (r *Reader) FirstKey() bool {
	switch r.skipSpace() {
	case '}':
		r.pos++
		r.depth--
		return false
	case '"':
		return r.readKey()
	}
	r.unexpected("looking for beginning of object key string")
	return false
}

// NextKey reads the ',' and the next key, or the '}' that ends the object.
func (r *Reader) NextKey() bool {
	switch r.skipSpace() {
	case '}':
		r.pos++
		r.depth--
		return false
	case ',':
		r.pos++
		if r.skipSpace() == '"' {
			return r.readKey()
		}
		r.unexpected("looking for beginning of object key string")
		return false
	}
	r.unexpected("after object key:value pair")
	return false
}

func (r *Reader) readKey() bool {
	off := r.pos + 1
	raw, info, ok := r.scanString()
	if !ok {
		return false
	}
	if r.skipSpace() != ':' {
		r.unexpected("after object key")
		return false
	}
	r.pos++
	r.key, r.keyOff, r.keyInfo = raw, off, info
	return true
}

// Key is the raw text of the key just read, valid until the next key.
func (r *Reader) Key() []byte { return r.key }

// KeyOffset is where the key's raw text starts in the body.
func (r *Reader) KeyOffset() int { return r.keyOff }

// KeyInfo tells whether the key has escapes or bytes that are not UTF-8.
func (r *Reader) KeyInfo() StrInfo { return r.keyInfo }

// FirstElem reports whether an array just begun has an element; at ']' it
// ends the array.
func (r *Reader) FirstElem() bool {
	if r.skipSpace() == ']' {
		r.pos++
		r.depth--
		return false
	}
	if r.pos >= len(r.buf) {
		r.unexpected("looking for beginning of value")
	}
	return r.err == nil
}

// NextElem reads the ',' before the next element, or the ']' that ends the
// array.
func (r *Reader) NextElem() bool {
	switch r.skipSpace() {
	case ']':
		r.pos++
		r.depth--
		return false
	case ',':
		r.pos++
		return true
	}
	r.unexpected("after array element")
	return false
}

// Depth is the number of objects and arrays open around the next byte.
func (r *Reader) Depth() int { return r.depth }
