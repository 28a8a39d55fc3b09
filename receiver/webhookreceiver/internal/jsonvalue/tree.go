package jsonvalue // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// Tree is one JSON value read with the tokenizer and held as it would be
// decoded into Go with encoding/json (map[string]any, []any, json.Number),
// without the maps and interfaces: an object's members sorted by name, a
// name sent twice kept once, with its last value. PutNode flattens a Tree
// into what the decoders put when they flattened the decoded value
// (jsonvaluetest.PutValue, which FuzzTree holds it to), at a fraction of the
// allocations. Strings and numbers stay slices of the body, so a Tree is
// valid while the body is; Reset it to read the next value into the same
// memory.
type Tree struct {
	nodes []node
	kids  []int32 // the members and elements of each container, in turn
	stack []int32 // the members of the containers being read
}

type node struct {
	kind jsontok.Kind
	info jsontok.StrInfo
	// raw is a string's raw text or a number's text; for a boolean, its
	// literal.
	raw []byte
	// name is the member's name, unescaped, as a map key of encoding/json.
	name        []byte
	first, size int32 // kids[first:first+size]
}

// Node is a value of a Tree.
type Node int32

// DecodeDepth is the nesting Decode allows, encoding/json's.
const DecodeDepth = 10000

// maxPooledNodes bounds the tree Decode keeps for the next call.
const maxPooledNodes = 1 << 16

var trees = sync.Pool{New: func() any { return new(Tree) }}

// Decode reads the JSON value at the start of b (white space before it
// allowed) as encoding/json decodes it into an any with UseNumber, and
// returns the offset after it: what follows is the caller's to check. The
// error is the tokenizer's (*jsontok.SyntaxError, or *jsontok.DepthError
// beyond DecodeDepth).
func Decode(b []byte) (v any, end int, err error) {
	t := trees.Get().(*Tree)
	defer func() {
		t.Reset()
		if cap(t.nodes) <= maxPooledNodes {
			trees.Put(t)
		}
	}()
	var r jsontok.Reader
	r.Reset(b, DecodeDepth)
	n := t.Read(&r)
	if err := r.Err(); err != nil {
		return nil, 0, err
	}
	return t.Any(n), r.Pos(), nil
}

// Reset empties the tree, keeping its memory but nothing of the body.
func (t *Tree) Reset() {
	clear(t.nodes)
	t.nodes, t.kids, t.stack = t.nodes[:0], t.kids[:0], t.stack[:0]
}

// Read reads the next value of r into the tree and returns it. On a syntax
// error r.Err tells, and the node is not to be used.
func (t *Tree) Read(r *jsontok.Reader) Node {
	return Node(t.read(r))
}

func (t *Tree) read(r *jsontok.Reader) int32 {
	idx := int32(len(t.nodes))
	t.nodes = append(t.nodes, node{})
	switch kind := r.Peek(); kind {
	case jsontok.Object:
		if !r.BeginObject() {
			return idx
		}
		base := len(t.stack)
		for ok := r.FirstKey(); ok; ok = r.NextKey() {
			name := r.Key()
			if r.KeyInfo() != 0 {
				name = jsontok.Unescape(nil, name)
			}
			c := t.read(r)
			t.nodes[c].name = name
			t.stack = append(t.stack, c)
		}
		members := t.stack[base:]
		slices.SortStableFunc(members, func(a, b int32) int {
			return bytes.Compare(t.nodes[a].name, t.nodes[b].name)
		})
		// Of a name sent twice, the last value is kept, as a map keeps it.
		kept := members[:0]
		for i, c := range members {
			if i+1 < len(members) && bytes.Equal(t.nodes[c].name, t.nodes[members[i+1]].name) {
				continue
			}
			kept = append(kept, c)
		}
		t.close(idx, kind, base, kept)
	case jsontok.Array:
		if !r.BeginArray() {
			return idx
		}
		base := len(t.stack)
		for ok := r.FirstElem(); ok; ok = r.NextElem() {
			c := t.read(r)
			t.stack = append(t.stack, c)
		}
		t.close(idx, kind, base, t.stack[base:])
	case jsontok.String:
		raw, info := r.Str()
		t.nodes[idx] = node{kind: kind, raw: raw, info: info}
	case jsontok.Number:
		t.nodes[idx] = node{kind: kind, raw: r.Num()}
	case jsontok.Bool:
		lit := falseLit
		if r.Bool() {
			lit = trueLit
		}
		t.nodes[idx] = node{kind: kind, raw: lit}
	case jsontok.Null:
		r.Null()
		t.nodes[idx] = node{kind: kind}
	default:
		r.Skip() // reports the error
	}
	return idx
}

var trueLit, falseLit = []byte("true"), []byte("false")

// close records the container idx with the members read since base.
func (t *Tree) close(idx int32, kind jsontok.Kind, base int, members []int32) {
	first := int32(len(t.kids))
	t.kids = append(t.kids, members...)
	t.stack = t.stack[:base]
	name := t.nodes[idx].name
	t.nodes[idx] = node{kind: kind, name: name, first: first, size: int32(len(t.kids)) - first}
}

// Kind is the JSON type of n.
func (t *Tree) Kind(n Node) jsontok.Kind { return t.nodes[n].kind }

// Len is the number of members or elements of a container.
func (t *Tree) Len(n Node) int { return int(t.nodes[n].size) }

// Member is the i-th member of an object (in the order of the names), or
// element of an array.
func (t *Tree) Member(n Node, i int) Node { return Node(t.kids[int(t.nodes[n].first)+i]) }

// NameBytes is the name of a member of an object, unescaped, valid while
// the tree and the body are.
func (t *Tree) NameBytes(n Node) []byte { return t.nodes[n].name }

// Text is the text of a string's raw text as the tokenizer returns it, as
// encoding/json decodes it (escapes resolved, bytes that are not UTF-8
// replaced by U+FFFD).
func Text(raw []byte, info jsontok.StrInfo) string {
	if info == 0 {
		return string(raw)
	}
	return string(jsontok.Unescape(make([]byte, 0, len(raw)), raw))
}

// Any is n as encoding/json decodes it into an any with UseNumber:
// map[string]any, []any, json.Number, string, bool or nil.
func (t *Tree) Any(n Node) any {
	x := &t.nodes[n]
	switch x.kind {
	case jsontok.Object:
		m := make(map[string]any, x.size)
		for _, c := range t.kids[x.first : x.first+x.size] {
			m[string(t.nodes[c].name)] = t.Any(Node(c))
		}
		return m
	case jsontok.Array:
		s := make([]any, x.size)
		for i, c := range t.kids[x.first : x.first+x.size] {
			s[i] = t.Any(Node(c))
		}
		return s
	case jsontok.String:
		return Text(x.raw, x.info)
	case jsontok.Number:
		return json.Number(x.raw)
	case jsontok.Bool:
		return x.raw[0] == 't'
	}
	return nil
}

// PutNode puts n under key: objects as dotted keys, in the order of their
// names, arrays as slices (objects inside them maps), numbers as SetNumber
// makes them; a null as an empty value unless SkipNull.
func (f Flattener) PutNode(m pcommon.Map, key string, t *Tree, n Node, depth int) error {
	if depth > f.MaxDepth {
		return depthError(key, f.MaxDepth)
	}
	x := &t.nodes[n]
	switch x.kind {
	case jsontok.Object:
		if x.size == 0 {
			m.PutEmptyMap(key)
			return nil
		}
		for _, c := range t.kids[x.first : x.first+x.size] {
			if err := f.PutNode(m, key+"."+string(t.nodes[c].name), t, Node(c), depth+1); err != nil {
				return err
			}
		}
		return nil
	case jsontok.Null:
		if !f.SkipNull {
			m.PutEmpty(key)
		}
		return nil
	}
	return f.setNode(m.PutEmpty(key), t, n, key, depth)
}

// SetNode sets v to n as PutNode puts it, but objects stay maps.
func (f Flattener) SetNode(v pcommon.Value, t *Tree, n Node, key string, depth int) error {
	return f.setNode(v, t, n, key, depth)
}

func (f Flattener) setNode(v pcommon.Value, t *Tree, n Node, key string, depth int) error {
	if depth > f.MaxDepth {
		return depthError(key, f.MaxDepth)
	}
	x := &t.nodes[n]
	switch x.kind {
	case jsontok.Object:
		m := v.SetEmptyMap()
		m.EnsureCapacity(int(x.size))
		for _, c := range t.kids[x.first : x.first+x.size] {
			if err := f.setNode(m.PutEmpty(string(t.nodes[c].name)), t, Node(c), key, depth+1); err != nil {
				return err
			}
		}
	case jsontok.Array:
		s := v.SetEmptySlice()
		s.EnsureCapacity(int(x.size))
		for _, c := range t.kids[x.first : x.first+x.size] {
			if err := f.setNode(s.AppendEmpty(), t, Node(c), key, depth+1); err != nil {
				return err
			}
		}
	case jsontok.String:
		v.SetStr(Text(x.raw, x.info))
	case jsontok.Number:
		SetNumberText(v, x.raw)
	case jsontok.Bool:
		v.SetBool(x.raw[0] == 't')
	}
	return nil
}

// AppendCompact appends the JSON text raw, which the tokenizer has read
// (valid JSON), without the white space between its tokens, as
// json.Compact writes it.
func AppendCompact(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := 0
		for i < len(raw) && raw[i] != '"' && raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\n' && raw[i] != '\r' {
			i++
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if len(raw) == 0 {
			break
		}
		if raw[0] != '"' {
			raw = raw[1:] // white space
			continue
		}
		// A string, to its closing quote.
		j := 1
		for j < len(raw) && raw[j] != '"' {
			if raw[j] == '\\' {
				j++
			}
			j++
		}
		j = min(j+1, len(raw))
		dst = append(dst, raw[:j]...)
		raw = raw[j:]
	}
	return dst
}

// AppendJSON appends n as json.Marshal writes the value it decodes to:
// members in the order of their names, strings escaped as encoding/json
// escapes them (<, > and & too), numbers as sent.
func (t *Tree) AppendJSON(dst []byte, n Node) []byte {
	x := &t.nodes[n]
	switch x.kind {
	case jsontok.Object:
		dst = append(dst, '{')
		for i, c := range t.kids[x.first : x.first+x.size] {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, t.nodes[c].name)
			dst = append(dst, ':')
			dst = t.AppendJSON(dst, Node(c))
		}
		return append(dst, '}')
	case jsontok.Array:
		dst = append(dst, '[')
		for i, c := range t.kids[x.first : x.first+x.size] {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = t.AppendJSON(dst, Node(c))
		}
		return append(dst, ']')
	case jsontok.String:
		if x.info == 0 {
			return appendJSONString(dst, x.raw)
		}
		return appendJSONString(dst, jsontok.Unescape(nil, x.raw))
	case jsontok.Number, jsontok.Bool:
		return append(dst, x.raw...)
	}
	return append(dst, "null"...)
}

// appendJSONString is encoding/json's string encoder with HTML escaping,
// for text that is UTF-8 but for bytes it writes as \ufffd. It is not
// internal/jsonstr, which writes <, > and & as they are and \b, \f as
// \u0008, \u000c: a member kept as text is written as json.Marshal wrote
// it before, to the byte.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRune(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
