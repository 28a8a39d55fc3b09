package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// maxUnixSeconds is the year 5138: a larger number is not a time in seconds
// (milliseconds, most likely).
const maxUnixSeconds = 1e11

// timeLayouts are the texts LiteLLM's loggers write times as: str() of a
// Python datetime, naive (UTC) or with its offset, and ISO 8601.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	time.RFC3339Nano,
}

// readTime reads a time: Unix seconds as a number (the float LiteLLM
// writes), or one of the texts of timeLayouts; null is no time.
func readTime(r *jsontok.Reader) (optTime, error) {
	switch kind := r.Peek(); kind {
	case jsontok.Number:
		n := r.Num()
		if r.Err() != nil {
			return optTime{}, nil // a syntax error, which read reports
		}
		t, err := unixSeconds(string(n))
		if err != nil {
			return optTime{}, fieldError{": " + err.Error()}
		}
		return optTime{t, true}, nil
	case jsontok.String:
		v := jsonvalue.Text(r.Str())
		if r.Err() != nil {
			return optTime{}, nil
		}
		if t, err := unixSeconds(strings.TrimSpace(v)); err == nil {
			return optTime{t, true}, nil
		}
		if t, ok := parseTimeText(strings.TrimSpace(v)); ok {
			return optTime{t, true}, nil
		}
		return optTime{}, wrongType("not a time: %q", shorten(v))
	case jsontok.Null, jsontok.Invalid:
		r.Skip() // null, or reports the error
		return optTime{}, nil
	default:
		return optTime{}, wrongType("not a number or a time, got %s", kind.Article())
	}
}

func parseTimeText(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// unixSeconds reads Unix seconds from the decimal text of a number, to the
// microsecond: a Python float of a datetime carries microseconds, and its
// shortest text rounds back to them (1737710446.8473709 is .847371).
func unixSeconds(text string) (time.Time, error) {
	intPart, frac, hasFrac := strings.Cut(text, ".")
	sec, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || sec < 0 || (hasFrac && !allDigits(frac)) {
		// An exponent, a sign: the float's value, to the microsecond.
		f, ferr := strconv.ParseFloat(text, 64)
		if ferr != nil || math.IsNaN(f) || f < 0 || f >= maxUnixSeconds {
			return time.Time{}, fmt.Errorf("not a Unix time in seconds: %s", text)
		}
		whole := math.Floor(f)
		sec = int64(whole)
		return fromMicros(sec, int64(math.Round((f-whole)*1e6))), nil
	}
	if sec >= maxUnixSeconds {
		return time.Time{}, fmt.Errorf("not a Unix time in seconds: %s", text)
	}
	var nanos int64
	for i := 0; i < 9; i++ {
		nanos *= 10
		if i < len(frac) {
			nanos += int64(frac[i] - '0')
		}
	}
	return fromMicros(sec, (nanos+500)/1000), nil
}

func fromMicros(sec, micros int64) time.Time {
	if micros >= 1e6 {
		sec, micros = sec+1, micros-1e6
	}
	return time.Unix(sec, micros*1000).UTC()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func shorten(s string) string {
	const maxLen = 64
	if len(s) > maxLen {
		return s[:maxLen] + "..."
	}
	return s
}
