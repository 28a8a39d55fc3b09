// Package otlpjson writes OTLP JSON requests (traces, logs, metrics)
// straight from pdata's getters into a byte slice: field names are
// literals, IDs are hex-encoded in place, strings go through the
// word-at-a-time escaper of internal/jsonstr, and nothing is copied after
// writing.
//
// The output is what pdata's own JSON marshaler writes, byte for byte, with
// two exceptions in strings: invalid UTF-8 becomes U+FFFD (pdata copies the
// bad bytes into the JSON, which is then not valid JSON and which the
// webhook receiver refuses), and U+2028 and U+2029 are escaped. Either way
// pdata's JSON unmarshaler reads the output back to the same pdata, with
// invalid UTF-8 replaced and any NaN as the one NaN that "NaN" parses to.
package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// Every member is written with a leading comma, its name and colon as one
// literal. open turns the first comma of an object or array into its
// opening bracket, so no writer keeps track of whether a member came first.

// open closes the object or array whose members start at start: the
// leading comma of the first member becomes the opening bracket, and an
// object without members is written as "{}".
func open(b []byte, start int, opening, closing byte) []byte {
	if len(b) == start {
		return append(b, opening, closing)
	}
	b[start] = opening
	return append(b, closing)
}

func closeObject(b []byte, start int) []byte { return open(b, start, '{', '}') }

func closeArray(b []byte, start int) []byte { return open(b, start, '[', ']') }

// str appends a member name literal and s as a JSON string.
func str(b []byte, name, s string) []byte {
	b = append(b, name...)
	return jsonstr.Append(b, s)
}

// quotedUint appends a member name literal and v as a decimal string, as
// OTLP JSON writes 64-bit integers.
func quotedUint(b []byte, name string, v uint64) []byte {
	b = append(b, name...)
	b = append(b, '"')
	b = appendUint(b, v)
	return append(b, '"')
}

func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

func quotedInt(b []byte, name string, v int64) []byte {
	b = append(b, name...)
	b = append(b, '"')
	b = strconv.AppendInt(b, v, 10)
	return append(b, '"')
}

// number appends a member name literal and v as a JSON number, as OTLP
// JSON writes 32-bit integers and enums.
func number(b []byte, name string, v int64) []byte {
	b = append(b, name...)
	return strconv.AppendInt(b, v, 10)
}

func boolean(b []byte, name string, v bool) []byte {
	b = append(b, name...)
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// float appends a member name literal and v as pdata writes a double.
func float(b []byte, name string, v float64) []byte {
	b = append(b, name...)
	return appendFloat(b, v)
}

// appendFloat writes v as pdata does: NaN and the infinities as the strings
// protobuf's JSON mapping names them, other values in the shortest form
// that reads back to the same bits, in exponent form below 1e-6 and from
// 1e21 on (json-iterator's choice, which pdata's stream uses).
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(b, v, format, -1, 64)
}

// id appends a member name literal and a trace or span ID as hex.
func id(b []byte, name string, v []byte) []byte {
	b = append(b, name...)
	b = append(b, '"')
	b = hex.AppendEncode(b, v)
	return append(b, '"')
}

// bytesChunk is how many bytes of a bytes value are base64-encoded at a
// time: a multiple of 3, so that only the last chunk is padded.
const bytesChunk = 3 * 256

// appendBytes appends v as a base64 string. pcommon.ByteSlice only hands
// out a copy of its bytes as a whole, so they are copied a chunk at a time
// into a buffer on the stack instead.
func appendBytes(b []byte, v pcommon.ByteSlice) []byte {
	b = append(b, '"')
	var chunk [bytesChunk]byte
	n := v.Len()
	for from := 0; from < n; from += bytesChunk {
		to := min(from+bytesChunk, n)
		for i := from; i < to; i++ {
			chunk[i-from] = v.At(i)
		}
		b = base64.StdEncoding.AppendEncode(b, chunk[:to-from])
	}
	return append(b, '"')
}
