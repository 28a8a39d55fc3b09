package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// Attributes that keep an ID the receiver had to replace.
const (
	AttrOriginalTraceID      = "webhook.original_trace_id"
	AttrOriginalSpanID       = "webhook.original_span_id"
	AttrOriginalParentSpanID = "webhook.original_parent_span_id"
)

// readID reads a trace or span ID into dst (16 or 8 bytes). pdata takes
// exactly 2*len(dst) hex digits, in either case, or "" for none; a repeated
// ID replaces the one before. Leniently, an ID that is base64 of the right size is decoded, and any
// other text is replaced by the first bytes of its SHA-256, so the same text
// always maps to the same ID and parent links survive; orig then keeps the
// text, for an attribute.
func (d *decoder) readID(dst []byte, orig *string) {
	clear(dst)
	*orig = ""
	var text []byte
	plain := false
	switch kind := d.r.Peek(); kind {
	case jsontok.String:
		raw, info := d.r.Str()
		if info == 0 {
			if len(raw) == 2*len(dst) {
				var tmp [16]byte
				if _, err := hex.Decode(tmp[:len(dst)], raw); err == nil {
					copy(dst, tmp[:len(dst)])
					return
				}
			}
			plain = true
		}
		text = d.textOf(raw, info)
	case jsontok.Number:
		text = d.r.Num()
	case jsontok.Null:
		d.r.Null()
		d.repair(repairValueType, "an ID must be a hex string, got null")
		return
	default:
		d.failf("an ID must be a hex string, got %s", kind.Article())
		d.r.Skip()
		return
	}
	if len(text) == 0 {
		return
	}
	if len(text) == 2*len(dst) {
		var tmp [16]byte
		if _, err := hex.Decode(tmp[:len(dst)], text); err == nil {
			if !plain && !d.repair(repairValueType, "ID %s is not a plain hex string", quote(string(text))) {
				return
			}
			copy(dst, tmp[:len(dst)])
			return
		}
	}
	if len(text) == base64.StdEncoding.EncodedLen(len(dst)) {
		var tmp [18]byte
		if n, err := base64.StdEncoding.Decode(tmp[:], text); err == nil && n == len(dst) {
			if !d.repair(repairIDBase64, "ID %s is base64, not %d hex characters", quote(string(text)), 2*len(dst)) {
				return
			}
			copy(dst, tmp[:n])
			return
		}
	}
	if !d.repair(repairIDHashed, "ID %s is not %d hex characters", quote(string(text)), 2*len(dst)) {
		return
	}
	sum := sha256.Sum256(text)
	if allZero(sum[:len(dst)]) {
		sum[0] = 1
	}
	copy(dst, sum[:len(dst)])
	*orig = string(text)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// putOriginalIDs adds an attribute with the sender's text of each replaced
// ID, after the attributes already in m.
func putOriginalIDs(m pcommon.Map, traceID, spanID, parentSpanID string) {
	for _, id := range [...][2]string{{AttrOriginalTraceID, traceID}, {AttrOriginalSpanID, spanID}, {AttrOriginalParentSpanID, parentSpanID}} {
		if id[1] != "" {
			m.PutStr(id[0], id[1])
		}
	}
}
