// Package ids derives OTLP trace and span IDs from the ids senders give
// their deliveries (request ids, call ids, sessions), so that the same
// delivery always gets the same IDs, whichever replica receives it.
package ids // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/ids"

import (
	"crypto/sha256"
	"encoding/hex"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// TraceID is the 16 bytes of a UUID (with or without its dashes), else the
// first 16 bytes of the SHA-256 of the text; never the invalid all-zero ID.
func TraceID(s string) pcommon.TraceID {
	var tid pcommon.TraceID
	if u, ok := ParseUUID(s); ok && u != tid {
		return u
	}
	sum := sha256.Sum256([]byte(s))
	copy(tid[:], sum[:16])
	if tid.IsEmpty() {
		tid[0] = 1
	}
	return tid
}

// SpanID is the first 8 bytes of the SHA-256 of the text; never the invalid
// all-zero ID.
func SpanID(s string) pcommon.SpanID {
	sum := sha256.Sum256([]byte(s))
	var sid pcommon.SpanID
	copy(sid[:], sum[:8])
	if sid.IsEmpty() {
		sid[0] = 1
	}
	return sid
}

// ParseUUID reads a UUID written as 36 characters (8-4-4-4-12 hex digits)
// or as its 32 hex digits.
func ParseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	var h string
	switch len(s) {
	case 32:
		h = s
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return u, false
		}
		h = s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	default:
		return u, false
	}
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, false
	}
	return u, true
}
