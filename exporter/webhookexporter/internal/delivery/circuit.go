package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"sync/atomic"
	"time"
)

// Circuit states.
const (
	circuitClosed int32 = iota
	circuitOpen
	// circuitProbing: the wait is over and one delivery, the probe, is in
	// flight; its outcome closes or reopens the circuit.
	circuitProbing
)

// breaker is the endpoint's circuit breaker. Its state is read without a
// lock on the happy path; the rest is guarded by the Manager's mutex.
type breaker struct {
	threshold  int
	baseOpen   time.Duration
	maxOpen    time.Duration
	state      atomic.Int32
	failures   atomic.Int32
	openFor    time.Duration
	openUntil  time.Time
	probeTaken bool
}

func newBreaker(threshold int, openFor, maxOpen time.Duration) *breaker {
	return &breaker{threshold: threshold, baseOpen: openFor, maxOpen: maxOpen, openFor: openFor}
}

// closed reports, without a lock, that requests may go.
func (b *breaker) closed() bool { return b.state.Load() == circuitClosed }

// allow reports whether a request may be sent at now. When the circuit is
// open and its wait is over, the first caller gets the probe. until is when
// to ask again (zero: when the probe's outcome is known).
func (b *breaker) allow(now time.Time) (ok bool, until time.Time) {
	switch b.state.Load() {
	case circuitClosed:
		return true, time.Time{}
	case circuitOpen:
		if now.Before(b.openUntil) {
			return false, b.openUntil
		}
		b.state.Store(circuitProbing)
		b.probeTaken = true
		return true, time.Time{}
	default:
		if !b.probeTaken {
			b.probeTaken = true
			return true, time.Time{}
		}
		return false, time.Time{}
	}
}

// success closes the circuit.
func (b *breaker) success() {
	if b.state.Load() == circuitClosed && b.failures.Load() == 0 {
		return
	}
	b.failures.Store(0)
	b.state.Store(circuitClosed)
	b.openFor = b.baseOpen
	b.probeTaken = false
}

// failure counts a retryable failure at now; it opens the circuit after
// threshold of them in a row, and reopens it for twice as long when the
// probe fails. It reports whether the circuit opened.
func (b *breaker) failure(now time.Time) bool {
	if b.threshold <= 0 {
		return false
	}
	switch b.state.Load() {
	case circuitProbing:
		b.openFor = min(2*b.openFor, b.maxOpen)
	case circuitOpen:
		// A request sent before the circuit opened.
		return false
	default:
		if int(b.failures.Add(1)) < b.threshold {
			return false
		}
	}
	b.state.Store(circuitOpen)
	b.openUntil = now.Add(b.openFor)
	b.probeTaken = false
	return true
}

// release gives the probe back when it was not sent (the attempt was
// abandoned or turned into a dead letter without a request).
func (b *breaker) release() {
	if b.state.Load() == circuitProbing {
		b.probeTaken = false
	}
}
