package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"encoding/hex"
	"strings"
)

// Key is one dedup key: a namespace, "<sender>:<kind>:" such as "otlp:s:",
// and an identity in it, binary (a span: its trace ID and span ID) or text
// (a delivery id, an event id). A Key is a comparable value: the memory
// backend and the in-process caches keep it as it is, so a span costs no
// string. The storage and redis backends write String(), the form keys had
// before they were binary, so their state carries over.
type Key struct {
	space string
	id    keyID
}

// keyID is a key within its namespace: what the caches of one namespace
// (lru.go) are keyed by.
type keyID struct {
	bin   [24]byte
	text  string
	isBin bool
}

// SpanKey is the key of a span in space.
func SpanKey(space string, traceID [16]byte, spanID [8]byte) Key {
	k := Key{space: space, id: keyID{isBin: true}}
	copy(k.id.bin[:16], traceID[:])
	copy(k.id.bin[16:], spanID[:])
	return k
}

// TextKey is the key of a text id in space, such as a delivery's webhook-id
// in "otlp:d:" or an event id in "openrouter_events:e:".
func TextKey(space, id string) Key { return Key{space: space, id: keyID{text: id}} }

// ParseKey is the text key of s, "<sender>:<kind>:<id>": its namespace is s
// up to its second ':'.
func ParseKey(s string) Key {
	i := strings.IndexByte(s, ':')
	if i >= 0 {
		if j := strings.IndexByte(s[i+1:], ':'); j >= 0 {
			return TextKey(s[:i+j+2], s[i+j+2:])
		}
	}
	return TextKey("", s)
}

// Space is the key's namespace.
func (k Key) Space() string { return k.space }

// String is the key as the storage and redis backends store it: the
// namespace, then the text id or the hex of the binary one.
func (k Key) String() string {
	if !k.id.isBin {
		return k.space + k.id.text
	}
	b := make([]byte, len(k.space)+2*len(k.id.bin))
	copy(b, k.space)
	hex.Encode(b[len(k.space):], k.id.bin[:])
	return string(b)
}
