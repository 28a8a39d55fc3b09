// Package delivery keeps the promise of the webhook exporter's delivery
// mode: a delivery that fails retryably leaves the sending queue and waits
// in a store (a heap by due time with one timer, persisted through a storage
// extension when configured) until a bounded set of workers sends it again
// on a multi-day schedule; one that cannot be delivered becomes a dead
// letter with its attempt log, kept for replay. A circuit breaker and a rate
// limit protect the endpoint, and a 410 Gone disables it.
//
// The interface is small: Deliver takes a request and its first attempt;
// every later attempt goes through the Sender the Manager was made with.
package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"context"
	"time"
)

// Request is one delivery as the exporter hands it over: the exact body
// (before compression) and what the console shows of it.
type Request struct {
	// Body is lent for the duration of Deliver; it is copied when kept.
	Body        []byte
	ContentType string
	// WebhookID is the same on every attempt and replay.
	WebhookID string
	// Items is the number of spans, log records or data points.
	Items int
	// Headers are the request headers, secret-bearing values redacted.
	Headers map[string]string
}

// Result is the outcome of one attempt.
type Result struct {
	// Status is the HTTP status; 0 when no response came.
	Status int
	// Err is the network error or timeout when no response came.
	Err error
	// Response is the first bytes of the response body, printable.
	Response string
	// RetryAfter is the response's Retry-After, when HasRetryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
}

// Sender sends one attempt of a stored delivery. body and webhookID are
// those of the first attempt.
type Sender interface {
	Send(ctx context.Context, body []byte, webhookID string) Result
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, body []byte, webhookID string) Result

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, body []byte, webhookID string) Result {
	return f(ctx, body, webhookID)
}

// Outcomes of a delivery, the values of the telemetry's outcome attribute.
const (
	OutcomeDelivered    = "delivered"
	OutcomeScheduled    = "scheduled"
	OutcomeDeadLettered = "dead_lettered"
	OutcomeReplayed     = "replayed"
	OutcomeEvicted      = "evicted"
)

// Observer receives what the Manager counts; the exporter turns it into
// telemetry.
type Observer interface {
	// Outcome counts n deliveries that reached outcome.
	Outcome(ctx context.Context, outcome string, n int)
	// Attempt counts one attempt by its status (0: no response).
	Attempt(ctx context.Context, status int)
}

// Config is the delivery section as the Manager uses it.
type Config struct {
	// Schedule is the waits between attempts: len(Schedule)+1 attempts.
	Schedule []time.Duration
	// Jitter is the fraction each wait varies by, both ways (0.2: ±20 %).
	Jitter float64
	// Concurrency is the number of workers sending due deliveries.
	Concurrency int
	// RetryableStatuses are retried besides 408, 429 and 5xx.
	RetryableStatuses map[int]bool
	// DeadLetterMaxAge and DeadLetterMaxSize bound the dead letters kept;
	// the oldest go first. Zero means no bound.
	DeadLetterMaxAge  time.Duration
	DeadLetterMaxSize int64
	// CircuitFailures consecutive retryable failures open the circuit for
	// CircuitOpenFor, doubled on each failed probe up to CircuitMaxOpenFor.
	// Zero CircuitFailures turns the breaker off.
	CircuitFailures   int
	CircuitOpenFor    time.Duration
	CircuitMaxOpenFor time.Duration
	// RateLimit, when positive, bounds requests per second, with Burst.
	RateLimit float64
	Burst     int
}
