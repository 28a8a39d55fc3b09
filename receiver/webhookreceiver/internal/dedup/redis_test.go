package dedup

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configtls"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

func TestRedisLifecycle(t *testing.T) {
	r := harness.StartRedis(t)
	rc := inspect(t, r)
	e := newEnv(t, nil)
	cfg := redisConfig(r)
	d := e.start(t, cfg, nil)
	ctx := context.Background()
	a, b := "otlp:d:msg_a", "helicone:r:b"

	assert.Equal(t, []State{New, New}, reserve(t, d, a, b))
	token, err := rc.Get(ctx, testPrefix+a).Result()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(token, "r"), "a reservation token: %q", token)
	assert.Equal(t, token, rc.Get(ctx, testPrefix+b).Val(), "one token for the keys of one call")
	pttl, err := rc.PTTL(ctx, testPrefix+a).Result()
	require.NoError(t, err)
	assert.Greater(t, pttl, cfg.TTL-time.Minute, "a key lives for the TTL from its reservation on")
	lease, err := rc.PTTL(ctx, testPrefix+leaseMarker+token).Result()
	require.NoError(t, err)
	assert.True(t, lease > 0 && lease <= cfg.Lease, "the call's lease marker lives for the lease: %s", lease)

	assert.Equal(t, []State{InFlight, InFlight}, reserve(t, d, a, b))

	d.Finish(ctx, K(b), false)
	d.Finish(ctx, K(a), true)
	assert.Equal(t, token, rc.Get(ctx, testPrefix+a).Val(), "an accepted key keeps its token")
	done, err := rc.PTTL(ctx, testPrefix+doneMarker+token).Result()
	require.NoError(t, err)
	assert.Greater(t, done, cfg.TTL-time.Minute, "the call is marked done for the TTL")
	assert.Equal(t, int64(0), rc.Exists(ctx, testPrefix+leaseMarker+token).Val(), "its lease ended")
	assert.Equal(t, int64(0), rc.Exists(ctx, testPrefix+b).Val(), "released")

	assert.Equal(t, []State{Done, New}, reserve(t, d, a, b))
	assert.Equal(t, int64(1), e.hits(t, "local"))
	assert.Equal(t, int64(0), e.hits(t, "redis"))
	assert.Equal(t, int64(3), e.misses(t, "redis"))
	assert.Equal(t, uint64(4), e.calls(t, "redis"), "2 reserves (the second was answered locally) and 2 finishes")
	assert.Equal(t, int64(0), e.errors(t, "redis"))
}

// Two replicas share the state: a reservation of one is in flight for the
// other, an accepted key is done for both, and a replica caches what it
// found done.
func TestRedisReplicas(t *testing.T) {
	r := harness.StartRedis(t)
	e1, e2 := newEnv(t, nil), newEnv(t, nil)
	var c2 counter
	d1 := e1.start(t, redisConfig(r), nil)
	d2 := e2.start(t, redisConfig(r), nil, counted(&c2))
	addHook(d2, &c2)
	ctx := context.Background()
	keys := spanKeys(1, 3)

	assert.Equal(t, states(3, New), reserveKeys(t, d1, keys...))
	assert.Equal(t, states(3, InFlight), reserveKeys(t, d2, keys...))
	d1.Finish(ctx, keys, true)
	assert.Equal(t, states(3, Done), reserveKeys(t, d2, keys...))
	assert.Equal(t, int64(3), e2.hits(t, "redis"))

	before := c2.pipelines.Load() + c2.commands.Load()
	assert.Equal(t, states(3, Done), reserveKeys(t, d2, keys...))
	assert.Equal(t, before, c2.pipelines.Load()+c2.commands.Load(), "no Redis call for cached keys")
	assert.Equal(t, int64(3), e2.hits(t, "local"))
}

// Reserve sends all its keys in one command, written at once: one round
// trip for 100 keys, and Finish likewise.
func TestRedisOneRoundTrip(t *testing.T) {
	r := harness.StartRedis(t)
	var c counter
	d := newEnv(t, nil).start(t, redisConfig(r), nil, counted(&c))
	addHook(d, &c)
	ctx := context.Background()
	// Dials, and loads the scripts (EVALSHA fails once, then EVAL).
	reserve(t, d, "otlp:d:warm-up-1", "otlp:d:warm-up-2")
	d.Finish(ctx, K("otlp:d:warm-up-1"), true)
	d.Finish(ctx, K("otlp:d:warm-up-2"), false)

	for round, accepted := range []bool{true, false} {
		keys := spanKeys(round, 100)
		cmds, pipes, writes := c.commands.Load(), c.pipelines.Load(), c.writes.Load()
		assert.Equal(t, states(100, New), reserveKeys(t, d, keys...))
		assert.Equal(t, int64(1), c.commands.Load()-cmds, "one command")
		assert.Equal(t, int64(0), c.pipelines.Load()-pipes)
		assert.Equal(t, int64(1), c.writes.Load()-writes, "one write")

		cmds, writes = c.commands.Load(), c.writes.Load()
		d.Finish(ctx, keys, accepted)
		assert.Equal(t, int64(1), c.commands.Load()-cmds, "Finish(%v): one command", accepted)
		assert.Equal(t, int64(1), c.writes.Load()-writes, "Finish(%v): one write", accepted)
	}

	calls := c.pipelines.Load() + c.commands.Load()
	st, err := d.Reserve(ctx, nil, nil)
	require.NoError(t, err)
	assert.Nil(t, st)
	reserveKeys(t, d, spanKeys(0, 100)...) // all accepted above: cached
	assert.Equal(t, calls, c.pipelines.Load()+c.commands.Load(), "no call without keys to ask")
}

// A release removes only this reservation: after its lease another
// replica may hold the key.
func TestRedisLeaseAndRelease(t *testing.T) {
	r := harness.StartRedis(t)
	cfg := redisConfig(r)
	cfg.Lease = time.Second // long enough that d2 finds d1's reservation on a busy machine
	d1 := newEnv(t, nil).start(t, cfg, nil)
	d2 := newEnv(t, nil).start(t, cfg, nil)
	d3 := newEnv(t, nil).start(t, cfg, nil)
	ctx := context.Background()
	key := "otlp:d:lease"

	assert.Equal(t, []State{New}, reserve(t, d1, key))
	assert.Equal(t, []State{InFlight}, reserve(t, d2, key))
	// d1 "died" mid-request: its lease ends and the retry is accepted.
	require.Eventually(t, func() bool { return reserve(t, d2, key)[0] == New }, 10*time.Second, 20*time.Millisecond)
	d1.Finish(ctx, K(key), false)
	assert.Equal(t, []State{InFlight}, reserve(t, d3, key), "d1's late release left d2's reservation")
	d2.Finish(ctx, K(key), true)
	assert.Equal(t, []State{Done}, reserve(t, d3, key))

	// The replica that reserved sees its own lease end too.
	assert.Equal(t, []State{New}, reserve(t, d1, "otlp:d:own"))
	require.Eventually(t, func() bool { return reserve(t, d1, "otlp:d:own")[0] == New }, 10*time.Second, 20*time.Millisecond)
}

// An accepted key is forgotten after the TTL by Redis and by the caches.
func TestRedisTTL(t *testing.T) {
	r := harness.StartRedis(t)
	cfg := redisConfig(r)
	cfg.TTL = 1500 * time.Millisecond // long enough that d2 finds the key on a busy machine
	d1 := newEnv(t, nil).start(t, cfg, nil)
	d2 := newEnv(t, nil).start(t, cfg, nil)
	ctx := context.Background()
	key := "openrouter_events:e:evt_ttl"

	reserve(t, d1, key)
	d1.Finish(ctx, K(key), true)
	assert.Equal(t, []State{Done}, reserve(t, d2, key)) // now cached by d2 too
	require.Eventually(t, func() bool {
		return reserve(t, d1, key)[0] == New
	}, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, []State{InFlight}, reserve(t, d2, key), "d2 forgot it too, and finds d1's new reservation")
}

func TestRedisKeyPrefixAndDB(t *testing.T) {
	r := harness.StartRedis(t)
	cfg := redisConfig(r)
	cfg.Redis.KeyPrefix = "team-a:"
	cfg.Redis.DB = 3
	d := newEnv(t, nil).start(t, cfg, nil)
	reserve(t, d, "otlp:d:x")
	ctx := context.Background()
	keys := inspectDB(t, r, 3).Keys(ctx, "*").Val()
	assert.Contains(t, keys, "team-a:otlp:d:x")
	for _, k := range keys {
		assert.True(t, strings.HasPrefix(k, "team-a:"), "every key, markers included, has the prefix: %s", k)
	}
	assert.Empty(t, inspect(t, r).Keys(ctx, "*").Val(), "nothing in db 0")
}

func TestRedisAuth(t *testing.T) {
	r := harness.StartRedis(t, "--requirepass", "s3cret")
	cfg := redisConfig(r)
	cfg.Redis.Password = "s3cret"
	e := newEnv(t, nil)
	d := e.start(t, cfg, nil)
	assert.Equal(t, []State{New}, reserve(t, d, "otlp:d:auth"))
	assert.Equal(t, int64(0), e.errors(t, "redis"))

	cfg.Redis.Password = "wrong"
	cfg.OnError = OnErrorRetry
	e = newEnv(t, nil)
	d = e.start(t, cfg, nil)
	_, err := d.Reserve(context.Background(), K("otlp:d:auth"), nil)
	require.ErrorIs(t, err, ErrUnavailable)
	assert.Contains(t, err.Error(), "WRONGPASS")
	assert.Equal(t, int64(1), e.errors(t, "redis"))
}

func TestRedisTLS(t *testing.T) {
	files := testCerts(t)
	r := harness.StartRedisTLS(t, files)

	cfg := redisConfig(r)
	cfg.Redis.TLS = configtls.ClientConfig{Config: configtls.Config{CAFile: files.CAFile}}
	e := newEnv(t, nil)
	d := e.start(t, cfg, nil)
	assert.Equal(t, []State{New}, reserve(t, d, "otlp:d:tls"))
	assert.Equal(t, []State{InFlight}, reserve(t, newEnv(t, nil).start(t, cfg, nil), "otlp:d:tls"))
	assert.Equal(t, int64(0), e.errors(t, "redis"))

	// Without the CA the server is not trusted; plain TCP is not served.
	for name, tls := range map[string]configtls.ClientConfig{
		"system roots": {},
		"plain":        {Insecure: true},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := redisConfig(r)
			cfg.Redis.TLS = tls
			cfg.Redis.Timeout = 500 * time.Millisecond
			cfg.OnError = OnErrorRetry
			e := newEnv(t, nil)
			d := e.start(t, cfg, nil)
			_, err := d.Reserve(context.Background(), K("otlp:d:tls-"+name), nil)
			require.ErrorIs(t, err, ErrUnavailable)
			assert.Equal(t, int64(1), e.errors(t, "redis"))
		})
	}

	cfg.Redis.TLS = configtls.ClientConfig{Config: configtls.Config{CAFile: "/nonexistent/ca.pem"}}
	d, err := NewDeduplicator(cfg, newEnv(t, nil).set)
	require.NoError(t, err)
	err = d.Start(context.Background(), nil)
	require.ErrorContains(t, err, "redis::tls: failed to load TLS config")
}

// A call that go-redis retries after it had run finds its own reservations:
// they are still New, not in flight.
func TestRedisReserveRunTwice(t *testing.T) {
	r := harness.StartRedis(t)
	rc := inspect(t, r)
	ctx := context.Background()
	// A key accepted by another call, one another call holds, and one whose
	// call died (no lease, no done marker).
	require.NoError(t, rc.Set(ctx, "k:done", "rdone:1", 0).Err())
	require.NoError(t, rc.Set(ctx, doneMarker+"rdone:1", "1", time.Hour).Err())
	require.NoError(t, rc.Set(ctx, "k:other", "rbusy:2", 0).Err())
	require.NoError(t, rc.Set(ctx, leaseMarker+"rbusy:2", "1", time.Hour).Err())
	require.NoError(t, rc.Set(ctx, "k:orphan", "rdead:3", 0).Err())
	keys := []string{"k:new", "k:done", "k:other", "k:orphan"}
	token := "r0123:7"

	var replies [2][]redisResult
	for run := range replies {
		vals, err := reserveScript.Run(ctx, rc, keys, token, 60_000, 30_000, "").StringSlice()
		require.NoError(t, err)
		res := make([]redisResult, len(keys))
		for j := range res {
			res[j] = redisResult{state: New, res: reservation{token: token}}
		}
		now := time.Now().UnixNano()
		readReserve(res, vals, now)
		replies[run] = res
		assert.InDelta(t, now+int64(time.Hour), res[1].expires, float64(time.Minute), "run %d: done until the marker's expiry", run)
	}
	for run, res := range replies {
		assert.Equal(t, New, res[0].state, "run %d", run)
		assert.Equal(t, token, res[0].res.token)
		assert.Equal(t, Done, res[1].state)
		assert.Equal(t, InFlight, res[2].state)
		assert.Equal(t, New, res[3].state, "run %d: taken over", run)
	}
	assert.Equal(t, token, rc.Get(ctx, "k:new").Val())
	assert.Equal(t, token, rc.Get(ctx, "k:orphan").Val())
}
