package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"math"
	"strconv"
)

// pdata reads integers written as JSON numbers with json-iterator, whose
// rules this file reproduces so that a body pdata accepts gives the same
// values: digits only (a fraction or an exponent is an error), and an
// overflow check that lets some 20-digit numbers through wrapped around
// (its readUint64 and readUint32). Integers written as strings pdata reads
// with strconv, as does the decoder.

const (
	safe64 = uint64(math.MaxUint64)/10 - 1
	safe32 = uint32(math.MaxUint32)/10 - 1
)

// jsoniterUint64 is json-iterator's readUint64 of a number token.
func jsoniterUint64(tok []byte) (uint64, bool) {
	if len(tok) == 0 || tok[0] < '0' || tok[0] > '9' {
		return 0, false
	}
	if tok[0] == '0' {
		return 0, len(tok) == 1
	}
	v := uint64(tok[0] - '0')
	for _, c := range tok[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > safe64 {
			v2 := v*10 + uint64(c-'0')
			if v2 < v {
				return 0, false
			}
			v = v2
			continue
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// jsoniterUint32 is json-iterator's readUint32 of a number token.
func jsoniterUint32(tok []byte) (uint32, bool) {
	if len(tok) == 0 || tok[0] < '0' || tok[0] > '9' {
		return 0, false
	}
	if tok[0] == '0' {
		return 0, len(tok) == 1
	}
	v := uint32(tok[0] - '0')
	for _, c := range tok[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > safe32 {
			v2 := v*10 + uint32(c-'0')
			if v2 < v {
				return 0, false
			}
			v = v2
			continue
		}
		v = v*10 + uint32(c-'0')
	}
	return v, true
}

// jsoniterInt64 is json-iterator's ReadInt64 of a number token.
func jsoniterInt64(tok []byte) (int64, bool) {
	if len(tok) > 0 && tok[0] == '-' {
		v, ok := jsoniterUint64(tok[1:])
		if !ok || v > math.MaxInt64+1 {
			return 0, false
		}
		return -int64(v), true
	}
	v, ok := jsoniterUint64(tok)
	if !ok || v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// jsoniterInt32 is json-iterator's ReadInt32 of a number token.
func jsoniterInt32(tok []byte) (int32, bool) {
	if len(tok) > 0 && tok[0] == '-' {
		v, ok := jsoniterUint32(tok[1:])
		if !ok || v > math.MaxInt32+1 {
			return 0, false
		}
		return -int32(v), true
	}
	v, ok := jsoniterUint32(tok)
	if !ok || v > math.MaxInt32 {
		return 0, false
	}
	return int32(v), true
}

// parseInt is strconv.ParseInt(s, 10, 64) of text, without a copy: the
// common case (an optional sign and at most 18 digits) in place.
func parseInt(b []byte) (int64, bool) {
	neg := false
	digits := b
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+') {
		neg = digits[0] == '-'
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		v, err := strconv.ParseInt(view(b), 10, 64)
		return v, err == nil
	}
	var v int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseUint is strconv.ParseUint(s, 10, bits) of text, without a copy.
func parseUint(b []byte, bits int) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		v, err := strconv.ParseUint(view(b), 10, bits)
		return v, err == nil
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if bits < 64 && v > 1<<bits-1 {
		return 0, false
	}
	return v, true
}

// parseFloat is strconv.ParseFloat(s, 64) of text, without a copy.
func parseFloat(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(view(b), 64)
	return f, err == nil
}
