package dedup

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryLifecycle(t *testing.T) {
	e := newEnv(t, newClock().Now)
	d := e.start(t, NewDefaultConfig(), nil)
	ctx := context.Background()
	a, b := "otlp:d:msg_a", "otlp:d:msg_b"

	assert.Equal(t, []State{New, New}, reserve(t, d, a, b))
	assert.Equal(t, []State{InFlight, InFlight}, reserve(t, d, a, b), "reserved by the first request")

	d.Finish(ctx, K(a), true)
	d.Finish(ctx, K(b), false)
	assert.Equal(t, []State{Done, New}, reserve(t, d, a, b), "a accepted, b released for a retry")

	st, err := d.Reserve(ctx, nil, nil)
	require.NoError(t, err)
	assert.Nil(t, st)
	d.Finish(ctx, nil, true)

	assert.Equal(t, int64(1), e.hits(t, "memory"))
	assert.Equal(t, int64(3), e.misses(t, "memory"))
	assert.Equal(t, uint64(0), e.calls(t, "memory"), "no backend call to time")
}

func TestMemoryExpiry(t *testing.T) {
	clk := newClock()
	e := newEnv(t, clk.Now)
	cfg := NewDefaultConfig()
	cfg.TTL = time.Hour
	d := e.start(t, cfg, nil)
	ctx := context.Background()

	reserve(t, d, "otlp:d:done", "otlp:d:stuck")
	clk.Advance(30 * time.Minute)
	d.Finish(ctx, K("otlp:d:done"), true) // remembered for an hour from now

	clk.Advance(59 * time.Minute)
	assert.Equal(t, []State{Done, New}, reserve(t, d, "otlp:d:done", "otlp:d:stuck"),
		"an unfinished reservation expires with the TTL, as before")
	clk.Advance(time.Minute)
	assert.Equal(t, []State{New}, reserve(t, d, "otlp:d:done"), "forgotten after the TTL")
}

func TestMemoryNamespacesBoundedSeparately(t *testing.T) {
	e := newEnv(t, newClock().Now)
	cfg := NewDefaultConfig()
	cfg.MaxEntries = 10
	d := e.start(t, cfg, nil)
	ctx := context.Background()

	deliveries := []string{"otlp:d:1", "otlp:d:2", "helicone:r:3"}
	reserve(t, d, deliveries...)
	d.Finish(ctx, K(deliveries...), true)

	flood := spanKeys(1, 100) // ten times the bound, all in "otlp:s:"
	for i := 0; i < len(flood); i += 10 {
		reserveKeys(t, d, flood[i:i+10]...)
		d.Finish(ctx, flood[i:i+10], true)
	}
	assert.Equal(t, states(3, Done), reserve(t, d, deliveries...), "spans never evict delivery ids")
	assert.Equal(t, states(10, Done), reserveKeys(t, d, flood[90:]...), "the newest spans are kept")
	assert.Equal(t, states(10, New), reserveKeys(t, d, flood[:10]...), "the oldest spans were evicted")
	assert.Equal(t, 10, d.mem.spaces.of(TextKey("otlp:s:", "")).Len(), "each namespace holds at most max_entries")
	assert.Equal(t, 2, d.mem.spaces.of(TextKey("otlp:d:", "")).Len())
	assert.Equal(t, 1, d.mem.spaces.of(TextKey("helicone:r:", "")).Len())
}

func TestParseKey(t *testing.T) {
	for key, want := range map[string]string{
		"otlp:s:abc":                  "otlp:s:",
		"openrouter_events:e:evt_1":   "openrouter_events:e:",
		"helicone:r:uuid:with:colons": "helicone:r:",
		"otlp:s:":                     "otlp:s:",
		"nocolon":                     "",
		"one:colon":                   "",
	} {
		k := ParseKey(key)
		assert.Equal(t, want, k.Space(), key)
		assert.Equal(t, key, k.String(), "the stored form is the text as it was")
	}
}

// A span key is binary in memory and, stored, the hex form keys had when
// they were strings, so that a storage or Redis state carries over.
func TestSpanKey(t *testing.T) {
	tid := [16]byte{0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c}
	sid := [8]byte{0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74}
	k := SpanKey("otlp:s:", tid, sid)
	assert.Equal(t, "otlp:s:5b8efff798038103d269b633813fc60ceee19b7ec3c1b174", k.String())
	assert.Equal(t, "otlp:s:", k.Space())
	assert.Equal(t, k, SpanKey("otlp:s:", tid, sid), "comparable by value")
	sid[7]++
	assert.NotEqual(t, k, SpanKey("otlp:s:", tid, sid))
	assert.NotEqual(t, k, TextKey("otlp:s:", k.String()[len("otlp:s:"):]), "a text id is another key, even with the same text")
}

// Concurrent requests with the same keys: exactly one gets each key.
func TestMemoryConcurrentReserve(t *testing.T) {
	e := newEnv(t, nil)
	d := e.start(t, NewDefaultConfig(), nil)
	const goroutines, rounds, nkeys = 8, 50, 20
	for round := range rounds {
		keys := spanKeys(round, nkeys)
		wins := make([]int, nkeys)
		var mu sync.Mutex
		var wg sync.WaitGroup
		begin := make(chan struct{})
		for range goroutines {
			wg.Go(func() {
				<-begin
				st, err := d.Reserve(context.Background(), keys, nil)
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for i, s := range st {
					if s == New {
						wins[i]++
					}
				}
			})
		}
		close(begin)
		wg.Wait()
		for i, n := range wins {
			require.Equal(t, 1, n, fmt.Sprintf("round %d key %d", round, i))
		}
	}
}
