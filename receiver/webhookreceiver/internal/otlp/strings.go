package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// Strings are copied once, never aliased to the body: the body's buffer is
// pooled and reused by the next request, and a string kept by a processor
// downstream (a dimension value, a cache key) would otherwise pin a whole
// request body. Short strings, which repeat from span to span (attribute
// keys, model names, "chat"), come from a small table per decoder instead
// of a new copy each time; a long one (a system prompt, a tool list) is
// copied once per body however many of its spans repeat it (longStr).

// internMax is the longest string a table keeps.
const internMax = 64

const internSlots = 1024

// internTable is a direct-mapped cache of strings by their bytes: a hit
// costs no allocation, a miss replaces the slot. A table of attribute keys
// also keeps what the lenient walk needs to know of each (keyMeta).
type internTable struct {
	slots *[internSlots]internSlot
	keys  bool
}

type internSlot struct {
	s    string
	meta uint8
}

func (t *internTable) get(b []byte) string {
	s, _ := t.getMeta(b)
	return s
}

func (t *internTable) getMeta(b []byte) (string, uint8) {
	if len(b) == 0 {
		return "", 0
	}
	if len(b) > internMax {
		s := string(b)
		return s, t.metaOf(s)
	}
	if t.slots == nil {
		t.slots = new([internSlots]internSlot)
	}
	slot := &t.slots[internHash(b)]
	if slot.s == view(b) {
		return slot.s, slot.meta
	}
	s := string(b)
	*slot = internSlot{s: s, meta: t.metaOf(s)}
	return s, slot.meta
}

func (t *internTable) metaOf(s string) uint8 {
	if !t.keys {
		return 0
	}
	return keyMeta(s)
}

// internHash mixes the length and the first and last eight bytes.
func internHash(b []byte) uint64 {
	var x uint64
	if len(b) >= 8 {
		x = binary.LittleEndian.Uint64(b) ^ binary.LittleEndian.Uint64(b[len(b)-8:])*0x9e3779b97f4a7c15
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	x ^= uint64(len(b)) << 56
	x *= 0xff51afd7ed558ccd
	return x >> (64 - 10)
}

// textRef is a string of the body that becomes a Go string only when it is
// put into pdata: attribute scratch entries hold no pointers, so copying
// them costs no write barrier.
type textRef struct {
	off, n int32
	how    textHow
}

// textHow is how to read a text: the jsontok.StrInfo of a string's raw
// text (Escaped, BadUTF8, or 0: the bytes as they are), or howJSON.
type textHow uint8

// howJSON is JSON text kept as text (invalid UTF-8 still replaced).
const howJSON textHow = 1 << 7

// strRef refers to the string Str just returned.
func (d *decoder) strRef(raw []byte, info jsontok.StrInfo) textRef {
	return textRef{off: int32(d.r.Pos() - 1 - len(raw)), n: int32(len(raw)), how: textHow(info)}
}

// jsonRef refers to the value text SkipRaw or Num just returned.
func (d *decoder) jsonRef(text []byte) textRef {
	return textRef{off: int32(d.r.Pos() - len(text)), n: int32(len(text)), how: howJSON}
}

// bytesOf is the text t refers to, valid until the next call: for parsing.
func (d *decoder) bytesOf(t textRef) []byte {
	if t.how&(howKeyPred|howValPred) != 0 {
		s := d.predicted(t).s
		return unsafe.Slice(unsafe.StringData(s), len(s))
	}
	raw := d.r.Buf()[t.off : t.off+t.n]
	if t.how != 0 && t.how != howJSON {
		return d.textOf(raw, jsontok.StrInfo(t.how))
	}
	return raw
}

// predicted is the prediction t refers to.
func (d *decoder) predicted(t textRef) *predicted {
	if t.how&howKeyPred != 0 {
		return &d.kpred[t.off]
	}
	return &d.vpred[t.off]
}

// makeKey is make for attribute keys, with their keyMeta.
func (d *decoder) makeKey(t textRef) (string, uint8) {
	if t.how&(howKeyPred|howValPred) != 0 {
		p := d.predicted(t)
		return p.s, p.meta
	}
	raw := d.r.Buf()[t.off : t.off+t.n]
	if t.how != 0 && t.how != howJSON {
		d.text = unescapeText(d.text[:0], raw, t.how&textHow(jsontok.BadUTF8) != 0 && !d.strict)
		raw = d.text
	}
	return d.keys.getMeta(raw)
}

// make is the Go string t refers to, from table when it is short.
func (d *decoder) make(t textRef, table *internTable) string {
	if t.how&(howKeyPred|howValPred) != 0 {
		return d.predicted(t).s
	}
	raw := d.r.Buf()[t.off : t.off+t.n]
	switch t.how {
	case 0:
	case howJSON:
		if !d.strict && !utf8.Valid(raw) {
			return string(bytes.ToValidUTF8(raw, []byte("\uFFFD")))
		}
	default:
		return d.strOf(raw, jsontok.StrInfo(t.how), table)
	}
	if len(raw) > internMax {
		return d.longStr(raw, 0)
	}
	return table.get(raw)
}

// str is a string's text as a Go string.
func (d *decoder) str(raw []byte, info jsontok.StrInfo) string {
	return d.strOf(raw, info, &d.vals)
}

func (d *decoder) strOf(raw []byte, info jsontok.StrInfo, table *internTable) string {
	if len(raw) > internMax {
		return d.longStr(raw, info)
	}
	if info == 0 {
		return table.get(raw)
	}
	d.text = unescapeText(d.text[:0], raw, info&jsontok.BadUTF8 != 0 && !d.strict)
	return table.get(d.text)
}

// longStr is a string longer than internMax, copied once per body: spans
// of one trace repeat their system prompt, tool definitions and metadata,
// and each repeat then costs a map lookup instead of an allocation, a copy
// and an unescape, and the decoded traces hold the text once. The map is
// keyed by the raw text, a view of the body: putDecoder empties it before
// the body can be reused.
func (d *decoder) longStr(raw []byte, info jsontok.StrInfo) string {
	if s, ok := d.longs[view(raw)]; ok {
		return s
	}
	var s string
	if info == 0 {
		s = string(raw)
	} else {
		// Unescaped into its own buffer, which the string then owns.
		t := unescapeText(make([]byte, 0, len(raw)+len(raw)/8), raw, info&jsontok.BadUTF8 != 0 && !d.strict)
		s = unsafe.String(unsafe.SliceData(t), len(t))
	}
	if d.longs == nil {
		d.longs = make(map[string]string)
	}
	d.longs[view(raw)] = s
	return s
}

// textOf is a string's text, valid until the next call: for parsing it.
func (d *decoder) textOf(raw []byte, info jsontok.StrInfo) []byte {
	if info == 0 {
		return raw
	}
	d.text = unescapeText(d.text[:0], raw, info&jsontok.BadUTF8 != 0 && !d.strict)
	return d.text
}

// unescapeText appends a string's text as pdata's decoder (json-iterator)
// reads it: a \u escape of half a surrogate pair consumes the \u escape
// after it, valid or not, and each half that is not part of a pair becomes
// U+FFFD. With fixUTF8, each run of bytes that are not UTF-8 becomes one
// U+FFFD, as bytes.ToValidUTF8 of the body would make it.
func unescapeText(dst, raw []byte, fixUTF8 bool) []byte {
	if !fixUTF8 {
		return unescapeFast(dst, raw)
	}
	for len(raw) > 0 {
		i := backslash(raw)
		if i < 0 {
			return appendText(dst, raw, fixUTF8)
		}
		dst = appendText(dst, raw[:i], fixUTF8)
		raw = raw[i:]
		if len(raw) < 2 {
			return dst
		}
		if c, ok := jsontok.Simple(raw[1]); ok {
			dst = append(dst, c)
			raw = raw[2:]
			continue
		}
		r, ok := jsontok.U4(raw)
		if !ok {
			return dst
		}
		raw = raw[6:]
		if !utf16.IsSurrogate(r) {
			dst = utf8.AppendRune(dst, r)
			continue
		}
		r2, ok := jsontok.U4(raw)
		if !ok {
			// Not followed by a \u escape: the next bytes are read as they are.
			dst = utf8.AppendRune(dst, utf8.RuneError)
			continue
		}
		raw = raw[6:]
		if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
			dst = utf8.AppendRune(dst, pair)
			continue
		}
		dst = utf8.AppendRune(dst, utf8.RuneError)
		dst = utf8.AppendRune(dst, r2) // a surrogate becomes U+FFFD
	}
	return dst
}

// unescapeFast is unescapeText without fixUTF8, in one pass that copies
// eight bytes at a time between escapes. The text is never longer than the
// raw text, so it is written in place after dst.
func unescapeFast(dst, raw []byte) []byte {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	w := len(dst)
	dst = slices.Grow(dst, len(raw))[:w+len(raw)]
	i := 0
	for i < len(raw) {
		for i+8 <= len(raw) {
			x := binary.LittleEndian.Uint64(raw[i:])
			if y := x ^ (ones * '\\'); (y-ones)&^y&highs != 0 {
				break
			}
			binary.LittleEndian.PutUint64(dst[w:], x)
			i, w = i+8, w+8
		}
		for i < len(raw) && raw[i] != '\\' {
			dst[w] = raw[i]
			i, w = i+1, w+1
		}
		if i+1 >= len(raw) {
			break
		}
		if c, ok := jsontok.Simple(raw[i+1]); ok {
			dst[w] = c
			i, w = i+2, w+1
			continue
		}
		r, ok := jsontok.U4(raw[i:])
		if !ok {
			break
		}
		i += 6
		if utf16.IsSurrogate(r) {
			if r2, ok := jsontok.U4(raw[i:]); ok {
				i += 6
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					r = pair
				} else {
					w += utf8.EncodeRune(dst[w:], utf8.RuneError)
					r = r2 // a surrogate becomes U+FFFD
				}
			} else {
				r = utf8.RuneError
			}
		}
		w += utf8.EncodeRune(dst[w:], r)
	}
	return dst[:w]
}

// backslash is the offset of the first '\\' in b, or -1: eight bytes at a
// time, since the escapes of JSON inside a string (a prompt) are a few
// bytes apart, where bytes.IndexByte costs more than the search.
func backslash(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) ^ (ones * '\\')
		if m := (x - ones) &^ x & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == '\\' {
			return i
		}
	}
	return -1
}

func appendText(dst, b []byte, fixUTF8 bool) []byte {
	if !fixUTF8 || utf8.Valid(b) {
		return append(dst, b...)
	}
	return append(dst, bytes.ToValidUTF8(b, []byte("\uFFFD"))...)
}

// quote shows a sender's value in a message, shortened.
func quote(s string) string {
	const maxLen = 64
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strconv.Quote(s)
}
