package dedup

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

var freshKey atomic.Int64

// works reports whether a Reserve of a fresh key reached Redis: no error
// was counted and another replica sees the reservation.
func works(t testing.TB, e *env, d, other *Deduplicator) bool {
	key := fmt.Sprintf("otlp:d:fresh-%d", freshKey.Add(1))
	before := e.errors(t, "redis")
	st, err := d.Reserve(context.Background(), K(key), nil)
	if err != nil || st[0] != New || e.errors(t, "redis") != before {
		return false
	}
	st, err = other.Reserve(context.Background(), K(key), nil)
	return err == nil && st[0] == InFlight
}

// returns runs f and waits for it, bounded: a call must never hang.
func returns(t testing.TB, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	require.Eventually(t, func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}, 30*time.Second, 10*time.Millisecond, "the call did not return")
}

// A Redis that is down at start does not fail the start; on_error applies
// until it is up, then dedup works without restarting anything.
func TestRedisDownAtStart(t *testing.T) {
	for _, onError := range []OnError{OnErrorAccept, OnErrorRetry} {
		t.Run(string(onError), func(t *testing.T) {
			r := harness.StartRedis(t)
			r.Stop()
			cfg := redisConfig(r)
			cfg.OnError = onError
			e := newEnv(t, nil)
			d := e.start(t, cfg, nil)
			other := newEnv(t, nil).start(t, cfg, nil)
			assert.Equal(t, 1, e.logs.FilterMessage("Redis is not reachable at start; dedup::on_error applies until it is").Len())

			ctx := context.Background()
			st, err := d.Reserve(ctx, K("otlp:d:a", "otlp:s:b"), nil)
			if onError == OnErrorRetry {
				require.ErrorIs(t, err, ErrUnavailable)
				assert.ErrorContains(t, err, "connection refused")
				assert.Nil(t, st)
			} else {
				require.NoError(t, err)
				assert.Equal(t, []State{New, New}, st, "forwarded")
				d.Finish(ctx, K("otlp:d:a"), true)
				d.Finish(ctx, K("otlp:s:b"), false)
				assert.Equal(t, []State{Done, New}, reserve(t, d, "otlp:d:a", "otlp:s:b"),
					"an accepted key is remembered by this replica")
			}
			assert.Positive(t, e.errors(t, "redis"))
			assert.Equal(t, int64(0), e.misses(t, "redis"), "a failed call answers nothing")
			assert.Equal(t, 1, e.warnings())

			r.Restart()
			require.Eventually(t, func() bool { return works(t, e, d, other) }, 30*time.Second, 50*time.Millisecond)
		})
	}
}

// A Redis that hangs (SIGSTOP) makes calls fail within the timeout, not
// hang; once it continues, dedup works again.
func TestRedisPaused(t *testing.T) {
	for _, onError := range []OnError{OnErrorAccept, OnErrorRetry} {
		t.Run(string(onError), func(t *testing.T) {
			r := harness.StartRedis(t)
			cfg := redisConfig(r)
			cfg.OnError = onError
			cfg.Redis.Timeout = 300 * time.Millisecond
			e := newEnv(t, nil)
			d := e.start(t, cfg, nil)
			other := newEnv(t, nil).start(t, cfg, nil)
			ctx := context.Background()
			reserve(t, d, "otlp:d:before")
			d.Finish(ctx, K("otlp:d:before"), true)

			r.Pause()
			var st []State
			var err error
			returns(t, func() { st, err = d.Reserve(ctx, K("otlp:d:before", "otlp:d:during"), nil) })
			if onError == OnErrorRetry {
				require.ErrorIs(t, err, ErrUnavailable)
				assert.Nil(t, st)
			} else {
				require.NoError(t, err)
				assert.Equal(t, []State{Done, New}, st, "the cached key needs no call; the other is forwarded")
				returns(t, func() { d.Finish(ctx, K("otlp:d:during"), true) })
			}
			errs := e.errors(t, "redis")
			assert.Positive(t, errs)
			returns(t, func() { st, err = d.Reserve(ctx, K("otlp:d:before"), nil) })
			require.NoError(t, err)
			assert.Equal(t, []State{Done}, st)
			assert.Equal(t, errs, e.errors(t, "redis"), "no call for a cached key")

			r.Resume()
			require.Eventually(t, func() bool { return works(t, e, d, other) }, 30*time.Second, 50*time.Millisecond)
		})
	}
}

// A restarted Redis comes back empty: the replicas reconnect by themselves
// and share reservations again.
func TestRedisRestart(t *testing.T) {
	r := harness.StartRedis(t)
	cfg := redisConfig(r)
	e := newEnv(t, nil)
	d := e.start(t, cfg, nil)
	other := newEnv(t, nil).start(t, cfg, nil)
	require.True(t, works(t, e, d, other))
	r.Restart()
	require.Eventually(t, func() bool { return works(t, e, d, other) }, 30*time.Second, 50*time.Millisecond)
}

// Failed calls are all counted, but warned about at most once a minute,
// with the number of warnings held back.
func TestFailureWarningsRateLimited(t *testing.T) {
	r := harness.StartRedis(t)
	r.Stop()
	clk := newClock()
	e := newEnv(t, clk.Now)
	d := e.start(t, redisConfig(r), nil)
	for i := range 5 {
		reserve(t, d, fmt.Sprintf("otlp:d:%d", i))
		clk.Advance(10 * time.Second)
	}
	assert.Equal(t, int64(5), e.errors(t, "redis"))
	require.Equal(t, 1, e.warnings())
	clk.Advance(20 * time.Second)
	reserve(t, d, "otlp:d:late")
	warnings := e.logs.FilterMessage("Dedup backend call failed").All()
	require.Len(t, warnings, 2)
	assert.Equal(t, int64(4), warnings[1].ContextMap()["suppressed_since_last_warning"])
	assert.Equal(t, "redis", warnings[1].ContextMap()["backend"])
	assert.Equal(t, "reserve", warnings[1].ContextMap()["call"])
}

// Reserve before Start and after Shutdown fails as the backend would; the
// lifecycle calls are safe in any order.
func TestLifecycleOrder(t *testing.T) {
	r := harness.StartRedis(t)
	cfg := redisConfig(r)
	cfg.OnError = OnErrorRetry
	d, err := NewDeduplicator(cfg, newEnv(t, nil).set)
	require.NoError(t, err)
	_, err = d.Reserve(context.Background(), K("otlp:d:x"), nil)
	require.ErrorIs(t, err, ErrUnavailable)
	require.NoError(t, d.Start(context.Background(), nil))
	require.NoError(t, d.Start(context.Background(), nil), "second Start")
	assert.Equal(t, []State{New}, reserve(t, d, "otlp:d:x"))
	require.NoError(t, d.Shutdown(context.Background()))
	require.NoError(t, d.Shutdown(context.Background()), "second Shutdown")
	_, err = d.Reserve(context.Background(), K("otlp:d:y"), nil)
	require.ErrorIs(t, err, ErrUnavailable)
	require.Error(t, d.Start(context.Background(), nil), "Start after Shutdown")

	m, err := NewDeduplicator(NewDefaultConfig(), newEnv(t, nil).set)
	require.NoError(t, err)
	require.NoError(t, m.Shutdown(context.Background()), "Shutdown before Start")
}
