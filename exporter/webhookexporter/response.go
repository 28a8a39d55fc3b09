package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

func isSuccess(code int) bool { return code >= 200 && code <= 299 }

// statusClasses are what statusClass returns.
var statusClasses = []string{"2xx", "3xx", "4xx", "5xx", "error"}

func statusClass(code int) string {
	switch {
	case code >= 200 && code <= 299:
		return "2xx"
	case code >= 300 && code <= 399:
		return "3xx"
	case code >= 400 && code <= 499:
		return "4xx"
	case code >= 500 && code <= 599:
		return "5xx"
	default:
		return "error"
	}
}

func statusText(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}

// retryAfter reads Retry-After as delay-seconds or an HTTP-date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get(headerRetryAfter))
	if v == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(v, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(seconds) * time.Second, true
	}
	if date, err := http.ParseTime(v); err == nil {
		return max(date.Sub(now), 0), true
	}
	return 0, false
}

// readExcerpt reads at most maxErrorExcerpt bytes of the response body and
// makes them printable on one line.
func readExcerpt(resp *http.Response) string {
	buf, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorExcerpt))
	// Invalid UTF-8 and control characters are replaced by one byte each,
	// so the excerpt never grows past maxErrorExcerpt.
	s := strings.ToValidUTF8(string(buf), "?")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// redirectHint names the target of a redirect, which is not followed.
func redirectHint(resp *http.Response) string {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return ""
	}
	loc, err := resp.Location()
	if err != nil {
		return " (redirects are not followed)"
	}
	return " (redirects are not followed; set endpoint to " + redactURL(loc) + ")"
}

func formatExcerpt(excerpt string) string {
	if excerpt == "" {
		return ""
	}
	return ": " + excerpt
}

// closeBody drains a bounded part of the body, so the connection can be
// reused, and closes it.
func closeBody(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	_ = resp.Body.Close()
}
