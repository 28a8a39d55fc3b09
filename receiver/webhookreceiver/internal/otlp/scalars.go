package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"bytes"
	"math"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// Each reader takes a value as pdata's decoder takes it, and repairs
// (lenient) or refuses (strict) what pdata would refuse.

// readString reads a string; null is "".
func (d *decoder) readString() string {
	switch d.r.Peek() {
	case jsontok.String:
		return d.str(d.r.Str())
	case jsontok.Null:
		d.r.Null()
		return ""
	case jsontok.Number, jsontok.Bool:
		kind := d.r.Peek()
		text := d.r.SkipRaw()
		if !d.repair(repairValueType, "expected a string, got %s", kind.Article()) {
			return ""
		}
		return d.vals.get(text)
	}
	d.failf("expected a string, got %s", d.r.Peek().Article())
	d.r.Skip()
	return ""
}

// numberText reads a number written as a number or a string. ok is false
// for null (then repaired as 0) and for any other value (failed).
func (d *decoder) numberText() (text []byte, isNum, ok bool) {
	switch d.r.Peek() {
	case jsontok.Number:
		return d.r.Num(), true, true
	case jsontok.String:
		return d.textOf(d.r.Str()), false, true
	case jsontok.Null:
		d.r.Null()
		return nil, false, false
	}
	d.failf("expected a number, got %s", d.r.Peek().Article())
	d.r.Skip()
	return nil, false, false
}

// readUint32 reads a count or flags.
func (d *decoder) readUint32() uint32 {
	kind := d.r.Peek()
	text, isNum, ok := d.numberText()
	if !ok {
		if kind == jsontok.Null {
			d.repair(repairValueType, "expected a number, got null; using 0")
		}
		return 0
	}
	if isNum {
		if v, ok := jsoniterUint32(text); ok {
			return v
		}
	} else if v, ok := parseUint(text, 32); ok {
		return uint32(v)
	}
	trimmed := bytes.TrimSpace(text)
	v, ok := parseUint(trimmed, 32)
	if !ok {
		v = 0
	}
	if !d.repair(repairValueType, "%s is not a 32-bit unsigned integer; using %d", quote(string(text)), v) {
		return 0
	}
	return uint32(v)
}

// readTimestamp reads nanoseconds since the Unix epoch, written as an
// integer or, leniently, as a float or an RFC 3339 time.
func (d *decoder) readTimestamp() uint64 {
	kind := d.r.Peek()
	text, isNum, ok := d.numberText()
	if !ok {
		if kind == jsontok.Null {
			d.repair(repairTimestamp, "timestamp is null; using 0")
		}
		return 0
	}
	if isNum {
		if v, ok := jsoniterUint64(text); ok {
			return v
		}
	} else if v, ok := parseUint(text, 64); ok {
		return v
	}
	trimmed := bytes.TrimSpace(text)
	if v, ok := parseUint(trimmed, 64); ok {
		if d.repair(repairTimestamp, "timestamp %s is not an integer in canonical form", quote(string(text))) {
			return v
		}
		return 0
	}
	if f, ok := parseFloat(trimmed); ok && f >= 0 && f < math.MaxUint64 {
		if d.repair(repairTimestamp, "timestamp %s is not an integer", quote(string(text))) {
			return uint64(f)
		}
		return 0
	}
	if t, err := time.Parse(time.RFC3339Nano, string(trimmed)); err == nil && t.UnixNano() >= 0 {
		if d.repair(repairTimestamp, "timestamp %s is not nanoseconds since the Unix epoch", quote(string(text))) {
			return uint64(t.UnixNano())
		}
		return 0
	}
	d.failf("timestamp %s is neither nanoseconds since the Unix epoch nor an RFC 3339 time", quote(string(text)))
	return 0
}

// enum is the names of an OTLP enum: those pdata's decoder knows, and the
// canonical ones (pdata misspells SEVERITY_NUMBER_TRACE).
type enum struct {
	pdata, canonical map[string]int32
	prefix           string
}

var spanKinds = &enum{prefix: "SPAN_KIND_", pdata: map[string]int32{
	"SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2,
	"SPAN_KIND_CLIENT": 3, "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5,
}}

var statusCodes = &enum{prefix: "STATUS_CODE_", pdata: map[string]int32{
	"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2,
}}

var severityNumbers = func() *enum {
	e := &enum{prefix: "SEVERITY_NUMBER_", canonical: map[string]int32{"SEVERITY_NUMBER_UNSPECIFIED": 0}}
	for i, level := range []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"} {
		for j, suffix := range []string{"", "2", "3", "4"} {
			e.canonical["SEVERITY_NUMBER_"+level+suffix] = int32(4*i + j + 1)
		}
	}
	e.pdata = make(map[string]int32, len(e.canonical))
	for k, v := range e.canonical {
		if v == 1 {
			k += " " // as pdata's table spells it
		}
		e.pdata[k] = v
	}
	return e
}()

func init() {
	for _, e := range []*enum{spanKinds, statusCodes} {
		e.canonical = e.pdata
	}
}

// readEnum reads an enum as a number (any int32, as pdata reads it) or its
// name; leniently the name may be in any case and without its prefix
// ("client" for SPAN_KIND_CLIENT), and an unknown value becomes 0.
func (d *decoder) readEnum(e *enum) int32 {
	kind := d.r.Peek()
	if kind == jsontok.String {
		s := d.textOf(d.r.Str())
		if v, ok := e.pdata[view(s)]; ok {
			return v
		}
		if v, ok := e.canonical[view(s)]; ok {
			if d.repair(repairEnum, "enum value %s is not one pdata's decoder reads", quote(string(s))) {
				return v
			}
			return 0
		}
		up := bytes.ToUpper(bytes.TrimSpace(s))
		if v, ok := e.canonical[string(up)]; ok {
			if d.repair(repairEnum, "enum value %s is not in canonical form", quote(string(s))) {
				return v
			}
			return 0
		}
		if v, ok := e.canonical[e.prefix+string(up)]; ok {
			if d.repair(repairEnum, "enum value %s is not in canonical form", quote(string(s))) {
				return v
			}
			return 0
		}
		if v, ok := parseInt(s); ok && v >= 0 && int(v) < len(e.canonical) {
			if d.repair(repairEnum, "enum value %s is a number in a string", quote(string(s))) {
				return int32(v)
			}
			return 0
		}
		d.repair(repairEnum, "unknown enum value %s; using unspecified", quote(string(s)))
		return 0
	}
	text, _, ok := d.numberText()
	if !ok {
		if kind == jsontok.Null {
			d.repair(repairEnum, "enum value is null; using unspecified")
		}
		return 0
	}
	if v, ok := jsoniterInt32(text); ok {
		return v
	}
	d.repair(repairEnum, "unknown enum value %s; using unspecified", quote(string(text)))
	return 0
}
