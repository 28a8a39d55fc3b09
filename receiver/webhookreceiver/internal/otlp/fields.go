package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"

	jsoniter "github.com/json-iterator/go"
)

// idField is an ID in canonical hex, and the sender's text when it had to
// be replaced.
type idField struct {
	hex, original string
}

func (n *normalizer) readString() string {
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		return n.iter.ReadString()
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return ""
	case jsoniter.NumberValue, jsoniter.BoolValue:
		text := string(n.iter.SkipAndReturnBytes())
		if !n.repair(repairValueType, "expected a string, got %s", text) {
			return ""
		}
		return text
	}
	n.failf("expected a string, got %s", n.kind())
	n.iter.Skip()
	return ""
}

func (n *normalizer) readUint32() uint32 {
	text, ok := n.readNumberText()
	if !ok {
		return 0
	}
	v, err := strconv.ParseUint(text, 10, 32)
	if err != nil {
		if n.repair(repairValueType, "%s is not a 32-bit unsigned integer; using 0", quote(text)) {
			return 0
		}
	}
	return uint32(v)
}

// readNumberText reads a number written as a number or a string.
func (n *normalizer) readNumberText() (string, bool) {
	switch n.iter.WhatIsNext() {
	case jsoniter.NumberValue:
		return string(n.iter.ReadNumber()), true
	case jsoniter.StringValue:
		return strings.TrimSpace(n.iter.ReadString()), true
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return "", false
	}
	n.failf("expected a number, got %s", n.kind())
	n.iter.Skip()
	return "", false
}

// readTimestamp reads nanoseconds since the Unix epoch, written as an
// integer, a float or, leniently, an RFC 3339 time.
func (n *normalizer) readTimestamp() uint64 {
	text, ok := n.readNumberText()
	if !ok {
		return 0
	}
	if v, err := strconv.ParseUint(text, 10, 64); err == nil {
		return v
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && f >= 0 && f < math.MaxUint64 {
		if n.repair(repairTimestamp, "timestamp %s is not an integer", quote(text)) {
			return uint64(f)
		}
		return 0
	}
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil && t.UnixNano() >= 0 {
		if n.repair(repairTimestamp, "timestamp %s is not nanoseconds since the Unix epoch", quote(text)) {
			return uint64(t.UnixNano())
		}
		return 0
	}
	n.failf("timestamp %s is neither nanoseconds since the Unix epoch nor an RFC 3339 time", quote(text))
	return 0
}

var spanKinds = map[string]int32{
	"SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2,
	"SPAN_KIND_CLIENT": 3, "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5,
}

var statusCodes = map[string]int32{
	"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2,
}

// readEnum reads an enum as a number or its name; leniently the name may be
// in any case and without its prefix ("client" for SPAN_KIND_CLIENT), and an
// unknown value becomes 0 (unspecified).
func (n *normalizer) readEnum(names map[string]int32, prefix string) int32 {
	if n.iter.WhatIsNext() == jsoniter.StringValue {
		s := n.iter.ReadString()
		if v, ok := names[s]; ok {
			return v
		}
		up := strings.ToUpper(strings.TrimSpace(s))
		if v, ok := names[up]; ok {
			if n.repair(repairEnum, "enum value %s is not in canonical form", quote(s)) {
				return v
			}
			return 0
		}
		if v, ok := names[prefix+up]; ok {
			if n.repair(repairEnum, "enum value %s is not in canonical form", quote(s)) {
				return v
			}
			return 0
		}
		if v, err := strconv.ParseInt(s, 10, 32); err == nil && v >= 0 && int(v) < len(names) {
			return int32(v)
		}
		n.repair(repairEnum, "unknown enum value %s; using unspecified", quote(s))
		return 0
	}
	text, ok := n.readNumberText()
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(text, 10, 32)
	if err != nil || v < 0 || int(v) >= len(names) {
		n.repair(repairEnum, "unknown enum value %s; using unspecified", quote(text))
		return 0
	}
	return int32(v)
}

// readID reads a trace or span ID of size bytes. Leniently, an ID that is
// base64 of the right size is decoded, and any other text is replaced by the
// first size bytes of its SHA-256, so the same text always maps to the same
// ID and parent links survive; the text is kept in an attribute.
func (n *normalizer) readID(size int) idField {
	var text string
	switch n.iter.WhatIsNext() {
	case jsoniter.StringValue:
		text = n.iter.ReadString()
	case jsoniter.NilValue:
		n.iter.ReadNil()
		return idField{}
	case jsoniter.NumberValue:
		text = string(n.iter.ReadNumber())
	default:
		n.failf("an ID must be a hex string, got %s", n.kind())
		n.iter.Skip()
		return idField{}
	}
	if text == "" {
		return idField{}
	}
	if len(text) == 2*size && isHex(text) {
		return idField{hex: strings.ToLower(text)}
	}
	if len(text) == base64.StdEncoding.EncodedLen(size) {
		if b, err := base64.StdEncoding.DecodeString(text); err == nil && len(b) == size {
			if !n.repair(repairIDBase64, "ID %s is base64, not %d hex characters", quote(text), 2*size) {
				return idField{}
			}
			return idField{hex: hex.EncodeToString(b)}
		}
	}
	if !n.repair(repairIDHashed, "ID %s is not %d hex characters", quote(text), 2*size) {
		return idField{}
	}
	sum := sha256.Sum256([]byte(text))
	if allZero(sum[:size]) {
		sum[0] = 1
	}
	return idField{hex: hex.EncodeToString(sum[:size]), original: text}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// quote shows a sender's value in a message, shortened.
