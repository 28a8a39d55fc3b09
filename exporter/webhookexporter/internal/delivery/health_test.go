package delivery

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

func TestBreakerStates(t *testing.T) {
	b := newBreaker(3, 30*time.Second, 10*time.Minute)
	now := t0
	for range 2 {
		assert.False(t, b.failure(now))
	}
	ok, _ := b.allow(now)
	assert.True(t, ok, "closed below the threshold")
	assert.True(t, b.failure(now), "the third failure in a row opens it")
	ok, until := b.allow(now)
	assert.False(t, ok)
	assert.Equal(t, now.Add(30*time.Second), until)

	now = now.Add(30 * time.Second)
	ok, _ = b.allow(now)
	assert.True(t, ok, "the probe")
	ok, until = b.allow(now)
	assert.False(t, ok, "one probe at a time")
	assert.True(t, until.IsZero())
	assert.True(t, b.failure(now), "a failed probe reopens it")
	_, until = b.allow(now)
	assert.Equal(t, now.Add(time.Minute), until, "for twice as long")
	for range 10 {
		now = until
		ok, _ = b.allow(now)
		require.True(t, ok)
		b.failure(now)
		_, until = b.allow(now)
	}
	assert.Equal(t, now.Add(10*time.Minute), until, "capped")

	ok, _ = b.allow(until)
	require.True(t, ok)
	b.success()
	assert.True(t, b.closed())
	b.failure(until)
	b.failure(until)
	assert.True(t, b.failure(until))
	_, reopen := b.allow(until)
	assert.Equal(t, until.Add(30*time.Second), reopen, "a success resets the wait")
}

// While the circuit is open nothing is sent: new deliveries and due ones
// wait without using up attempts; the probe's success closes it.
func TestCircuitHoldsDeliveries(t *testing.T) {
	f := newFixture(t, Config{CircuitFailures: 2, CircuitOpenFor: 30 * time.Second, CircuitMaxOpenFor: 10 * time.Minute}, nil, status(200))
	f.deliver(t, "a", status(503))
	f.deliver(t, "b", status(503))
	assert.Equal(t, console.StateCircuitOpen, f.m.Status().State)
	sent := false
	f.m.Deliver(context.Background(), func() Request { return Request{Body: []byte("c"), WebhookID: "msg_c"} }, func(context.Context) Result {
		sent = true
		return status(200)
	})
	assert.False(t, sent, "no request while the circuit is open")
	f.waitCounts(t, 3, 0)
	c := f.m.List(console.Filter{})[0]
	assert.Equal(t, "msg_c", c.WebhookID)
	assert.Empty(t, c.Attempts, "held without an attempt")

	f.advance(t, 5*time.Second)
	f.advance(t, 25*time.Second)
	// One probe, then the rest once it succeeded.
	f.waitSent(t, 3)
	f.waitCounts(t, 0, 0)
	assert.Equal(t, console.StateActive, f.m.Status().State)
	for _, d := range f.m.List(console.Filter{}) {
		t.Errorf("left: %+v", d)
	}
}

func TestCircuitProbeFailureReopens(t *testing.T) {
	f := newFixture(t, Config{CircuitFailures: 1, CircuitOpenFor: 10 * time.Second, CircuitMaxOpenFor: time.Minute}, nil, status(503))
	f.deliver(t, "a", status(503))
	f.deliver(t, "b", status(200)) // held: the circuit is open
	f.waitCounts(t, 2, 0)
	f.advance(t, 10*time.Second)
	f.waitSent(t, 1)
	// b was due at once, a at 5 s: the probe is b, it fails, the circuit
	// reopens for 20 s and a waits.
	f.waitCounts(t, 2, 0)
	assert.Equal(t, console.StateCircuitOpen, f.m.Status().State)
	f.sender.set(status(200))
	f.advance(t, 19*time.Second)
	assert.Equal(t, 1, f.sender.sent(), "still open")
	f.advance(t, time.Second)
	// The probe succeeds and closes the circuit; the other, due too, follows.
	f.waitSent(t, 3)
	f.waitCounts(t, 0, 0)
}

// The rate limit holds whatever the backlog.
func TestRateLimit(t *testing.T) {
	f := newFixture(t, Config{RateLimit: 2, Burst: 1, Concurrency: 4}, nil, status(200))
	for range 6 {
		f.deliver(t, "x", status(503))
		f.clock.Advance(500 * time.Millisecond)
	}
	f.waitCounts(t, 6, 0)
	// All six are due at 5 s after their first attempt; the limiter lets
	// one through each 500 ms.
	f.clock.Advance(5 * time.Second)
	f.waitSent(t, 1)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, 1, f.sender.sent(), "burst 1")
	for n := 2; n <= 6; n++ {
		f.advance(t, 500*time.Millisecond)
		f.waitSent(t, n)
		assert.LessOrEqual(t, f.sender.sent(), n)
	}
	f.waitCounts(t, 0, 0)
}

// A delivery the rate limit holds back when the queue consumer's context
// ends (a shutdown) is kept, due now, not handed back to be dropped.
func TestRateLimitCancelledKeeps(t *testing.T) {
	f := newFixture(t, Config{RateLimit: 1, Burst: 1}, nil, status(200))
	f.deliver(t, "first", status(200))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	req := Request{Body: []byte("held"), ContentType: "application/json", WebhookID: "msg_held", Items: 1}
	go func() {
		defer close(done)
		f.m.Deliver(ctx, func() Request { return req }, func(context.Context) Result {
			t.Error("the rate limit was not held")
			return status(200)
		})
	}()
	require.Eventually(t, func() bool { return f.clock.Timers() > 0 }, 5*time.Second, time.Millisecond, "the limiter does not wait")
	cancel()
	<-done
	f.waitCounts(t, 1, 0)
	d := f.m.List(console.Filter{})[0]
	assert.Equal(t, "msg_held", d.WebhookID)
	assert.Empty(t, d.Attempts, "no attempt was made")
	f.advance(t, time.Second)
	f.waitSent(t, 1)
	f.waitCounts(t, 0, 0)
}

func TestRetentionByAge(t *testing.T) {
	f := newFixture(t, Config{DeadLetterMaxAge: time.Hour}, nil, status(200))
	f.deliver(t, "old", status(400))
	f.clock.Advance(30 * time.Minute)
	f.deliver(t, "new", status(400))
	f.waitCounts(t, 0, 2)
	f.advance(t, 30*time.Minute)
	f.waitCounts(t, 0, 1)
	assert.Equal(t, "msg_new", f.m.List(console.Filter{})[0].WebhookID)
	assert.Equal(t, 1, f.obs.outcome(OutcomeEvicted))
	logged := f.logs.FilterMessage("Dead letter evicted: its data is dropped").All()
	require.Len(t, logged, 1)
	assert.Equal(t, "msg_old", logged[0].ContextMap()["webhook_id"])
	assert.Contains(t, logged[0].ContextMap()["why"], "max_age")
}

func TestRetentionBySize(t *testing.T) {
	f := newFixture(t, Config{DeadLetterMaxSize: 10}, nil, status(200))
	f.deliver(t, "aaaa", status(400))
	f.deliver(t, "bbbb", status(400))
	f.waitCounts(t, 0, 2)
	f.deliver(t, "cccc", status(400))
	f.waitCounts(t, 0, 2)
	var ids []string
	for _, d := range f.m.List(console.Filter{}) {
		ids = append(ids, d.WebhookID)
	}
	assert.Equal(t, []string{"msg_cccc", "msg_bbbb"}, ids, "the oldest went first")
	assert.Equal(t, 1, f.obs.outcome(OutcomeEvicted))
	logged := f.logs.FilterMessage("Dead letter evicted: its data is dropped").All()
	require.Len(t, logged, 1)
	assert.Contains(t, logged[0].ContextMap()["why"], "max_size")
}
