package dedup

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// Replicas and goroutines reserve the same keys at the same instant, round
// after round: exactly one of them gets each key, and once the winners
// accept, every replica finds every key done.
func TestRedisAtomicAcrossReplicas(t *testing.T) {
	r := harness.StartRedis(t)
	const replicas, goroutines, rounds, nkeys = 3, 4, 40, 25
	ds := make([]*Deduplicator, replicas)
	for i := range ds {
		ds[i] = newEnv(t, nil).start(t, redisConfig(r), nil)
	}
	ctx := context.Background()
	for round := range rounds {
		keys := spanKeys(round, nkeys)
		wins := make([]int, nkeys)
		won := make([][]Key, replicas) // keys each replica holds
		var mu sync.Mutex
		var wg sync.WaitGroup
		begin := make(chan struct{})
		for i, d := range ds {
			for range goroutines {
				wg.Go(func() {
					<-begin
					st, err := d.Reserve(ctx, keys, nil)
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					defer mu.Unlock()
					for k, s := range st {
						if s == New {
							wins[k]++
							won[i] = append(won[i], keys[k])
						}
					}
				})
			}
		}
		close(begin)
		wg.Wait()
		for k, n := range wins {
			require.Equal(t, 1, n, "round %d key %d: reservations", round, k)
		}
		for i, d := range ds {
			d.Finish(ctx, won[i], true)
		}
		for _, d := range ds {
			require.Equal(t, states(nkeys, Done), reserveKeys(t, d, keys...), "round %d", round)
		}
	}
}
