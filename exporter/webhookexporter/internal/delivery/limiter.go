package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"context"

	"golang.org/x/time/rate"
)

// limiter bounds the requests to the endpoint, first attempts and retries
// together, on the Manager's clock. A nil limiter does not limit.
type limiter struct {
	clock Clock
	rl    *rate.Limiter
}

func newLimiter(clock Clock, perSecond float64, burst int) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{clock: clock, rl: rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))}
}

// wait blocks until a request may be sent or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	r := l.rl.ReserveN(l.clock.Now(), 1)
	delay := r.DelayFrom(l.clock.Now())
	if delay <= 0 {
		return nil
	}
	t := l.clock.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		r.CancelAt(l.clock.Now())
		return ctx.Err()
	}
}
