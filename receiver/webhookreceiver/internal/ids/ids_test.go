package ids

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestTraceID(t *testing.T) {
	want := pcommon.TraceID{0x0f, 0x8e, 0xb1, 0xa2, 0x3c, 0x44, 0x4b, 0x5f, 0x9e, 0x1d, 0x6a, 0x7b, 0x8c, 0x9d, 0x0e, 0x1f}
	assert.Equal(t, want, TraceID("0f8eb1a2-3c44-4b5f-9e1d-6a7b8c9d0e1f"))
	assert.Equal(t, want, TraceID("0f8eb1a23c444b5f9e1d6a7b8c9d0e1f"))
	assert.Equal(t, want, TraceID("0F8EB1A2-3C44-4B5F-9E1D-6A7B8C9D0E1F"))

	// Anything else, the nil UUID included, is hashed.
	for _, s := range []string{"session-42", "0f8eb1a2x3c44-4b5f-9e1d-6a7b8c9d0e1f", "0f8eb1a2-3c44-4b5f-9e1d-6a7b8c9d0e1g", "00000000-0000-0000-0000-000000000000", ""} {
		sum := sha256.Sum256([]byte(s))
		var h pcommon.TraceID
		copy(h[:], sum[:16])
		assert.Equal(t, h, TraceID(s), s)
		assert.False(t, TraceID(s).IsEmpty())
	}
}

func TestSpanID(t *testing.T) {
	sum := sha256.Sum256([]byte("chatcmpl-1"))
	var want pcommon.SpanID
	copy(want[:], sum[:8])
	assert.Equal(t, want, SpanID("chatcmpl-1"))
	assert.NotEqual(t, SpanID("a"), SpanID("b"))
}

func TestParseUUID(t *testing.T) {
	for s, ok := range map[string]bool{
		"550e8400-e29b-41d4-a716-446655440000": true,
		"550E8400-E29B-41D4-A716-446655440000": true,
		"550e8400e29b41d4a716446655440000":     true,
		"550e8400-e29b41d4-a716-446655440000-": false,
		"550e8400-e29b-41d4-a716-44665544000g": false,
		"550e84-00e29b-41d4-a716-446655440000": false,
		"":                                     false,
	} {
		u, got := ParseUUID(s)
		assert.Equal(t, ok, got, s)
		if ok {
			assert.Equal(t, "550e8400e29b41d4a716446655440000", hex.EncodeToString(u[:]))
		}
	}
}
