package delivery

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// Queue consumers, workers and console calls at once (run with -race):
// every delivery ends delivered, scheduled, dead or deleted, never twice
// and never lost.
func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, Config{Concurrency: 4, CircuitFailures: 3, CircuitOpenFor: time.Second, CircuitMaxOpenFor: 4 * time.Second}, nil, status(503), status(200))
	const consumers, each = 4, 25
	var wg sync.WaitGroup
	for c := range consumers {
		wg.Go(func() {
			for i := range each {
				res := []Result{status(200), status(503), status(400), {Err: fmt.Errorf("reset")}}[(c+i)%4]
				f.deliver(t, fmt.Sprintf("%d-%d", c, i), res)
			}
		})
	}
	deleted := 0
	wg.Go(func() {
		for range 50 {
			for _, d := range f.m.List(console.Filter{Limit: 3}) {
				if d.State == console.DeliveryDead && deleted < 5 {
					if f.m.Delete(context.Background(), d.ID) == nil {
						deleted++
					}
				}
			}
			f.m.ReplayDead(context.Background(), time.Time{})
			f.clock.Advance(time.Second)
		}
	})
	wg.Wait()
	// Let everything left be delivered.
	f.sender.set(status(200))
	require.NoError(t, f.m.Enable(context.Background()))
	require.Eventually(t, func() bool {
		f.m.ReplayDead(context.Background(), time.Time{})
		f.clock.Advance(time.Minute)
		s := f.m.Status()
		return s.Scheduled == 0 && s.Dead == 0
	}, 20*time.Second, 5*time.Millisecond)
	delivered := f.obs.outcome(OutcomeDelivered)
	assert.Equal(t, consumers*each, delivered+deleted, "each delivery delivered once or deleted")
}
