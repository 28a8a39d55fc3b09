package delivery

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

func TestClassify(t *testing.T) {
	retryable := map[int]bool{http.StatusConflict: true}
	for _, tc := range []struct {
		res  Result
		want verdict
	}{
		{status(200), delivered},
		{status(204), delivered},
		{Result{Err: errors.New("connection refused")}, retry},
		{status(408), retry},
		{status(429), retry},
		{status(500), retry},
		{status(503), retry},
		{status(409), retry}, // retryable_statuses
		{status(301), refused},
		{status(307), refused},
		{status(400), refused},
		{status(401), refused},
		{status(404), refused},
		{status(410), gone},
	} {
		assert.Equal(t, tc.want, classify(tc.res, retryable), "status %d", tc.res.Status)
	}
}

func TestWaitJitterBounds(t *testing.T) {
	schedule := []time.Duration{time.Hour}
	assert.Equal(t, 48*time.Minute, wait(schedule, 0, 0.2, 0))
	assert.Equal(t, time.Hour, wait(schedule, 0, 0.2, 0.5))
	for _, j := range []float64{0, 0.1, 0.37, 0.5, 0.9, 0.999999} {
		w := wait(schedule, 0, 0.2, j)
		assert.GreaterOrEqual(t, w, 48*time.Minute)
		assert.Less(t, w, 72*time.Minute)
	}
	assert.Equal(t, time.Hour, wait(schedule, 0, 0, 0.9), "no jitter")
}

func TestClampRetryAfter(t *testing.T) {
	w := 10 * time.Second
	assert.Equal(t, w, clampRetryAfter(w, Result{}), "no Retry-After")
	assert.Equal(t, w, clampRetryAfter(w, Result{HasRetryAfter: true, RetryAfter: time.Second}), "raised to the wait")
	assert.Equal(t, 15*time.Second, clampRetryAfter(w, Result{HasRetryAfter: true, RetryAfter: 15 * time.Second}))
	assert.Equal(t, 20*time.Second, clampRetryAfter(w, Result{HasRetryAfter: true, RetryAfter: time.Hour}), "capped at twice the wait")
}

// A delivery that keeps failing is sent once at first and once after each
// wait of the schedule, then becomes a dead letter with its attempt log.
func TestScheduleExhausted(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(503))
	f.deliver(t, "a", status(503))
	f.waitCounts(t, 1, 0)
	d := f.m.List(console.Filter{})[0]
	assert.Equal(t, t0.Add(5*time.Second), *d.NextAttemptAt)
	assert.Equal(t, 1, f.obs.outcome(OutcomeScheduled))

	f.advance(t, 5*time.Second)
	f.waitSent(t, 1)
	f.waitCounts(t, 1, 0)
	f.advance(t, 5*time.Minute)
	f.waitSent(t, 2)
	f.waitCounts(t, 1, 0)
	f.advance(t, 30*time.Minute)
	f.waitSent(t, 3)
	f.waitCounts(t, 0, 1)

	d = f.m.List(console.Filter{State: console.DeliveryDead})[0]
	assert.Len(t, d.Attempts, 4, "len(schedule)+1 attempts")
	assert.Equal(t, t0, d.Attempts[0].At)
	assert.Equal(t, 503, d.Attempts[3].Status)
	assert.Contains(t, d.Reason, "gave up after 4 attempts")
	assert.Nil(t, d.NextAttemptAt)
	assert.Equal(t, []string{"msg_a", "msg_a", "msg_a"}, f.sender.ids, "same webhook-id on every attempt")
	assert.Equal(t, []string{"a", "a", "a"}, f.sender.bodies)
}

func TestRetryAfterHonoured(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(200))
	f.deliver(t, "a", Result{Status: 429, HasRetryAfter: true, RetryAfter: 8 * time.Second})
	f.waitCounts(t, 1, 0)
	assert.Equal(t, t0.Add(8*time.Second), *f.m.List(console.Filter{})[0].NextAttemptAt)
	f.advance(t, 7*time.Second)
	f.advance(t, time.Second)
	f.waitSent(t, 1)
	f.waitCounts(t, 0, 0)
	assert.Equal(t, 1, f.obs.outcome(OutcomeDelivered))
}

func TestRefusedIsDeadAtOnce(t *testing.T) {
	for _, code := range []int{302, 400, 401, 403, 404, 422} {
		f := newFixture(t, Config{}, nil, status(200))
		f.deliver(t, "a", Result{Status: code, Response: `{"error":"no"}`})
		f.waitCounts(t, 0, 1)
		d := f.m.List(console.Filter{})[0]
		assert.Equal(t, console.DeliveryDead, d.State)
		assert.Contains(t, d.Reason, "not retried")
		assert.Equal(t, `{"error":"no"}`, d.Attempts[0].Response)
		assert.Equal(t, 0, f.sender.sent(), "no retry of %d", code)
	}
}

func TestNetworkErrorLogged(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(200))
	f.deliver(t, "a", Result{Err: errors.New("dial tcp 127.0.0.1:1: connection refused")})
	f.waitCounts(t, 1, 0)
	a := f.m.List(console.Filter{})[0].Attempts[0]
	assert.Equal(t, 0, a.Status)
	assert.Contains(t, a.Error, "connection refused")
}

// 410 disables the endpoint: later deliveries become dead letters without
// an attempt, until Enable.
func TestGoneDisablesUntilEnabled(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(200))
	f.deliver(t, "scheduled", status(503))
	f.deliver(t, "a", status(410))
	assert.Equal(t, console.StateDisabled, f.m.Status().State)
	sent := false
	f.m.Deliver(context.Background(), func() Request { return Request{Body: []byte("b")} }, func(context.Context) Result {
		sent = true
		return status(200)
	})
	assert.False(t, sent, "a disabled endpoint gets no request")
	// The scheduled one becomes a dead letter too, without an attempt.
	f.waitCounts(t, 0, 3)
	assert.Equal(t, 0, f.sender.sent())
	for _, d := range f.m.List(console.Filter{}) {
		if d.WebhookID != "msg_a" {
			assert.Contains(t, d.Reason, "disabled")
			assert.Len(t, d.Attempts, map[string]int{"": 0, "msg_scheduled": 1}[d.WebhookID])
		}
	}

	require.NoError(t, f.m.Enable(context.Background()))
	assert.Equal(t, console.StateActive, f.m.Status().State)
	assert.Equal(t, 3, f.m.ReplayDead(context.Background(), time.Time{}))
	f.waitSent(t, 3)
	f.waitCounts(t, 0, 0)
	assert.Equal(t, 3, f.obs.outcome(OutcomeReplayed))
}

func TestReplayKeepsBodyAndWebhookID(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(200))
	f.deliver(t, "a", status(401))
	f.clock.Advance(time.Minute)
	f.deliver(t, "b", status(401))
	f.waitCounts(t, 0, 2)
	list := f.m.List(console.Filter{State: console.DeliveryDead})
	require.Len(t, list, 2)
	assert.Equal(t, "msg_b", list[0].WebhookID, "newest first")

	// Replay all since b died: only b.
	assert.Equal(t, 1, f.m.ReplayDead(context.Background(), t0.Add(time.Minute)))
	f.waitSent(t, 1)
	f.waitCounts(t, 0, 1)
	require.NoError(t, f.m.Replay(context.Background(), list[1].ID))
	f.waitSent(t, 2)
	f.waitCounts(t, 0, 0)
	assert.Equal(t, []string{"b", "a"}, f.sender.bodies)
	assert.Equal(t, []string{"msg_b", "msg_a"}, f.sender.ids)
	assert.ErrorIs(t, f.m.Replay(context.Background(), "nope"), console.ErrNotFound)
}

func TestDeleteAndBody(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(200))
	f.deliver(t, "the body", status(400))
	f.waitCounts(t, 0, 1)
	id := f.m.List(console.Filter{})[0].ID
	body, ct, err := f.m.Body(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, "the body", string(body))
	assert.Equal(t, "application/json", ct)
	require.NoError(t, f.m.Delete(context.Background(), id))
	f.waitCounts(t, 0, 0)
	_, err = f.m.Get(id)
	assert.ErrorIs(t, err, console.ErrNotFound)
	assert.ErrorIs(t, f.m.Delete(context.Background(), id), console.ErrNotFound)
}

// A failing delivery never holds up the others: they are sent at once
// while it waits in the store.
func TestFailingDeliveryDoesNotBlock(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(503))
	f.deliver(t, "stuck", status(503))
	for range 20 {
		f.deliver(t, "ok", status(200))
	}
	assert.Equal(t, 20, f.obs.outcome(OutcomeDelivered))
	f.waitCounts(t, 1, 0)
}

// The memory store loses what it holds at shutdown, and says so.
func TestMemoryStoreLossIsLogged(t *testing.T) {
	f := newFixture(t, Config{}, nil, status(200))
	f.deliver(t, "a", status(503))
	f.deliver(t, "b", status(400))
	f.waitCounts(t, 1, 1)
	require.NoError(t, f.m.Shutdown(context.Background()))
	logged := f.logs.FilterMessageSnippet("lost at shutdown").All()
	require.Len(t, logged, 1)
	assert.Equal(t, int64(1), logged[0].ContextMap()["scheduled"])
	assert.Equal(t, int64(1), logged[0].ContextMap()["dead_letters"])
	assert.Equal(t, 2, f.obs.outcome(OutcomeEvicted))
}
