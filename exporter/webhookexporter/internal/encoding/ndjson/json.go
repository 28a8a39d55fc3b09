package ndjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// A small JSON writer that appends straight from pdata, without building Go
// values first: rows are written once per item, so this is the hot path.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// encoding/json writes it.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends the contents of s as they stand inside a JSON
// string, without the quotes.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Most text is plain ASCII: skip it eight bytes at a time.
		for i+8 <= len(s) && plain8(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but not valid JavaScript in older parsers.
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(b, s[start:]...)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plain8 reports whether the eight bytes of s are ASCII that a JSON string
// carries as they are: no control character, quote or backslash.
func plain8(s string) bool {
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	quote := x ^ ('"' * ones)
	backslash := x ^ ('\\' * ones)
	special := (x - 0x20*ones) | // a byte below 0x20
		(quote-ones) & ^quote | // a zero byte in quote: a '"'
		(backslash-ones) & ^backslash | // a '\\'
		x // a byte of 0x80 or more
	return special&highs == 0
}

// appendFloat appends f as encoding/json does; NaN and infinities, which
// JSON numbers cannot carry, as the strings "NaN", "Infinity", "-Infinity".
func appendFloat(b []byte, f float64) []byte {
	if text, ok := encoding.NonFinite(f); ok {
		return appendString(b, text)
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
		return appendString(b, v.Str())
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
		b = appendString(b, k)
		b = append(b, ':')
		b = appendValue(b, v)
	}
	return append(b, '}')
}

// appendKey appends ,"<prefix><name>": for a lifted attribute.
func appendKey(b []byte, prefix, name string) []byte {
	b = append(b, ',', '"')
	b = appendEscaped(b, prefix)
	b = appendEscaped(b, name)
	return append(b, '"', ':')
}
