package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"fmt"
	"net/http"
	"time"
)

// verdict is what an attempt's result means for its delivery.
type verdict int

const (
	delivered verdict = iota
	// retry: network error, timeout, 408, 429, 5xx or a retryable status.
	retry
	// refused: 3xx and other 4xx, a dead letter at once.
	refused
	// gone: 410, a dead letter that disables the endpoint.
	gone
)

// classify reads an attempt's result.
func classify(res Result, retryable map[int]bool) verdict {
	switch s := res.Status; {
	case s == 0:
		return retry
	case s >= 200 && s <= 299:
		return delivered
	case s == http.StatusGone:
		return gone
	case s == http.StatusRequestTimeout, s == http.StatusTooManyRequests, s >= 500, retryable[s]:
		return retry
	default:
		return refused
	}
}

// wait is the k-th wait of the schedule (k from 0) with its jitter: j in
// [0, 1) maps to a factor in [1-jitter, 1+jitter).
func wait(schedule []time.Duration, k int, jitter, j float64) time.Duration {
	base := schedule[k]
	return time.Duration(float64(base) * (1 - jitter + 2*jitter*j))
}

// clampRetryAfter honours a Retry-After between the scheduled wait and twice
// it: a sender cannot make the exporter hammer the endpoint nor stall a
// delivery for longer than its schedule allows.
func clampRetryAfter(scheduled time.Duration, res Result) time.Duration {
	if !res.HasRetryAfter {
		return scheduled
	}
	return min(max(res.RetryAfter, scheduled), 2*scheduled)
}

// describe is the reason a result gives, for the attempt log and dead
// letters.
func describe(res Result) string {
	if res.Status == 0 {
		if res.Err != nil {
			return res.Err.Error()
		}
		return "no response"
	}
	text := http.StatusText(res.Status)
	if text == "" {
		return fmt.Sprintf("HTTP %d", res.Status)
	}
	return fmt.Sprintf("HTTP %d %s", res.Status, text)
}
