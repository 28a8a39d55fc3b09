package ndjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// A small JSON writer that appends straight from pdata, without building Go
// values first: rows are written once per item, so this is the hot path.

// appendFloat appends f as encoding/json does; NaN and infinities, which
// JSON numbers cannot carry, as the strings "NaN", "Infinity", "-Infinity".
func appendFloat(b []byte, f float64) []byte {
	if text, ok := encoding.NonFinite(f); ok {
		return jsonstr.Append(b, text)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 becomes 1e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendID appends a trace or span ID as a hex string, "" when empty.
func appendID(b []byte, id []byte, empty bool) []byte {
	b = append(b, '"')
	if !empty {
		b = hex.AppendEncode(b, id)
	}
	return append(b, '"')
}

// appendTime appends ts as an RFC 3339 string with nanoseconds.
func appendTime(b []byte, ts pcommon.Timestamp) []byte {
	b = append(b, '"')
	b = encoding.AppendTime(b, ts)
	return append(b, '"')
}

// appendTimeOrNull appends ts, or null when it is 0 (unset).
func appendTimeOrNull(b []byte, ts pcommon.Timestamp) []byte {
	if ts == 0 {
		return append(b, "null"...)
	}
	return appendTime(b, ts)
}

// appendValue appends v as JSON with its type: strings, numbers, booleans,
// arrays and objects as themselves, bytes as base64, empty as null.
func appendValue(b []byte, v pcommon.Value) []byte {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return jsonstr.Append(b, v.Str())
	case pcommon.ValueTypeInt:
		return strconv.AppendInt(b, v.Int(), 10)
	case pcommon.ValueTypeDouble:
		return appendFloat(b, v.Double())
	case pcommon.ValueTypeBool:
		return strconv.AppendBool(b, v.Bool())
	case pcommon.ValueTypeBytes:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v.Bytes().AsRaw())
		return append(b, '"')
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		b = append(b, '[')
		for i := range s.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, s.At(i))
		}
		return append(b, ']')
	case pcommon.ValueTypeMap:
		return appendMap(b, v.Map())
	default:
		return append(b, "null"...)
	}
}

// appendMap appends m as a JSON object, in the map's order.
func appendMap(b []byte, m pcommon.Map) []byte {
	return appendMapWhere(b, m, nil)
}

// appendMapWhere appends the entries of m whose key keep accepts (all when
// keep is nil) as a JSON object.
func appendMapWhere(b []byte, m pcommon.Map, keep func(key string) bool) []byte {
	b = append(b, '{')
	first := true
	for k, v := range m.All() {
		if keep != nil && !keep(k) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonstr.Append(b, k)
		b = append(b, ':')
		b = appendValue(b, v)
	}
	return append(b, '}')
}

// appendKey appends ,"<prefix><name>": for a lifted attribute.
func appendKey(b []byte, prefix, name string) []byte {
	b = append(b, ',', '"')
	b = jsonstr.AppendEscaped(b, prefix)
	b = jsonstr.AppendEscaped(b, name)
	return append(b, '"', ':')
}
