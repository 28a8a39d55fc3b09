package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
)

// timestamp reads a time in format from a JSON value or a header's text.
func timestamp(v any, format string) (time.Time, error) {
	s, isText := v.(string)
	n, isNumber := v.(json.Number)
	if isText && format != FormatRFC3339 && format != formatRFC3339OrUTC {
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			n, isNumber, isText = json.Number(strings.TrimSpace(s)), true, false
		}
	}
	switch {
	case isText && format == formatRFC3339OrUTC:
		if t, ok := parseRFC3339(s); ok {
			return t, nil
		}
		if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC); err == nil {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("%s is not an ISO 8601 time", quote(s))
	case isText && (format == FormatRFC3339 || format == FormatAuto):
		if t, ok := parseRFC3339(s); ok {
			return t, nil
		}
		if format == FormatAuto {
			return time.Time{}, fmt.Errorf("%s is neither an RFC 3339 time nor Unix seconds", quote(s))
		}
		return time.Time{}, fmt.Errorf("%s is not an RFC 3339 time", quote(s))
	case isNumber && format != FormatRFC3339:
		scale := map[string]int64{FormatAuto: 1e9, FormatUnixS: 1e9, FormatUnixMS: 1e6, FormatUnixNS: 1}[format]
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			if i < 0 || i > math.MaxInt64/scale {
				return time.Time{}, fmt.Errorf("%s is out of range for %s", n, unitName(format))
			}
			return time.Unix(0, i*scale), nil
		}
		if whole, frac, ok := strings.Cut(n.String(), "."); ok && !strings.ContainsAny(frac, "eE") {
			// Decimal seconds (Slack's "1531420618.000200"), exactly.
			i, err1 := strconv.ParseInt(whole, 10, 64)
			digits := strconv.FormatInt(scale, 10)[1:]
			frac = (frac + digits)[:len(digits)]
			f, err2 := strconv.ParseInt("0"+frac, 10, 64)
			if err1 == nil && err2 == nil && i >= 0 && i <= (math.MaxInt64-f)/scale {
				return time.Unix(0, i*scale+f), nil
			}
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f < 0 || f*float64(scale) >= math.MaxInt64 {
			return time.Time{}, fmt.Errorf("%s is out of range for %s", n, unitName(format))
		}
		return time.Unix(0, int64(f*float64(scale))), nil
	case format == FormatRFC3339:
		return time.Time{}, fmt.Errorf("%s is not an RFC 3339 time", describe(v))
	default:
		return time.Time{}, fmt.Errorf("%s is not %s", describe(v), unitName(format))
	}
}

func unitName(format string) string {
	switch format {
	case FormatUnixMS:
		return "Unix milliseconds"
	case FormatUnixNS:
		return "Unix nanoseconds"
	case FormatAuto:
		return "an RFC 3339 time or Unix seconds"
	}
	return "Unix seconds"
}

// parseRFC3339 reads an RFC 3339 time with any offset; lower-case t and z,
// which RFC 3339 allows, are read too.
func parseRFC3339(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	t, err := time.Parse(time.RFC3339Nano, strings.NewReplacer("t", "T", "z", "Z").Replace(s))
	return t, err == nil
}

func describe(v any) string {
	switch c := v.(type) {
	case string:
		return quote(c)
	case json.Number:
		return c.String()
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "null"
}

// quote shows a value sent by the sender, shortened.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}

var severityNames = "trace, debug, info, warn, error, fatal"

// severityByName reads a severity name, case-insensitively.
func severityByName(name string) (plog.SeverityNumber, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "trace":
		return plog.SeverityNumberTrace, true
	case "debug":
		return plog.SeverityNumberDebug, true
	case "info", "information", "notice":
		return plog.SeverityNumberInfo, true
	case "warn", "warning":
		return plog.SeverityNumberWarn, true
	case "error", "err":
		return plog.SeverityNumberError, true
	case "fatal", "critical", "crit", "emergency", "alert":
		return plog.SeverityNumberFatal, true
	}
	return 0, false
}

// severityRule sets a record's severity.
type severityRule struct {
	text   string
	number plog.SeverityNumber
	path   []string
	values map[string]plog.SeverityNumber
}

func newSeverityRule(s Severity) *severityRule {
	r := &severityRule{text: s.Text, number: plog.SeverityNumber(s.Number)}
	if r.number == 0 && s.Text != "" {
		r.number, _ = severityByName(s.Text)
	}
	if s.Field != "" {
		r.path = strings.Split(s.Field, ".")
		r.values = make(map[string]plog.SeverityNumber, len(s.Map))
		for k, name := range s.Map {
			r.values[strings.ToLower(k)], _ = severityByName(name)
		}
	}
	return r
}

// apply sets lr's severity from the rule and the element; without a rule,
// or a field value it can read, INFO.
func (r *severityRule) apply(lr plog.LogRecord, element any) {
	if r == nil {
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
		return
	}
	if r.path == nil {
		lr.SetSeverityNumber(r.number)
		lr.SetSeverityText(r.text)
		return
	}
	lr.SetSeverityNumber(plog.SeverityNumberInfo)
	v, ok := lookup(element, r.path)
	if !ok {
		lr.SetSeverityText("INFO")
		return
	}
	s, ok := text(v)
	if !ok {
		lr.SetSeverityText("INFO")
		return
	}
	lr.SetSeverityText(s)
	if n, ok := r.values[strings.ToLower(s)]; ok {
		lr.SetSeverityNumber(n)
	} else if n, ok := severityByName(s); ok {
		lr.SetSeverityNumber(n)
	}
}
