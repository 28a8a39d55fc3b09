package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// entryState is what dedup knows of a key.
type entryState int

const (
	// stateNew: not seen, or forgotten; the caller now holds a reservation.
	stateNew entryState = iota
	// stateInFlight: another request holds it and has not finished.
	stateInFlight
	// stateDone: accepted by the pipeline within the TTL.
	stateDone
)

type dedupEntry struct {
	expires int64 // unix nanoseconds
	done    bool
}

// dedup remembers accepted keys for a TTL in bounded LRU caches, one per
// namespace. A key is reserved while its request is in the pipeline and is
// kept only when the pipeline accepts it, so a failed delivery can be retried
// and a concurrent copy is told to retry rather than dropped.
type dedup struct {
	ttl        time.Duration
	maxEntries int
	now        func() time.Time

	mu     sync.Mutex
	caches map[string]*simplelru.LRU[string, dedupEntry]
}

func newDedup(ttl time.Duration, maxEntries int) *dedup {
	return &dedup{ttl: ttl, maxEntries: maxEntries, now: time.Now, caches: map[string]*simplelru.LRU[string, dedupEntry]{}}
}

func (d *dedup) cache(key string) *simplelru.LRU[string, dedupEntry] {
	ns := namespaceOf(key)
	c, ok := d.caches[ns]
	if !ok {
		c, _ = simplelru.NewLRU[string, dedupEntry](d.maxEntries, nil)
		d.caches[ns] = c
	}
	return c
}

// Reserve returns the state of each key and reserves the new ones.
func (d *dedup) Reserve(_ context.Context, keys []string) ([]entryState, error) {
	now := d.now().UnixNano()
	states := make([]entryState, len(keys))
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, key := range keys {
		c := d.cache(key)
		e, ok := c.Get(key)
		switch {
		case !ok || e.expires <= now:
			c.Add(key, dedupEntry{expires: now + int64(d.ttl)})
		case e.done:
			states[i] = stateDone
		default:
			states[i] = stateInFlight
		}
	}
	return states, nil
}

// Finish keeps reserved keys when accepted and forgets them otherwise.
func (d *dedup) Finish(_ context.Context, keys []string, accepted bool) {
	expires := d.now().UnixNano() + int64(d.ttl)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, key := range keys {
		if accepted {
			d.cache(key).Add(key, dedupEntry{expires: expires, done: true})
		} else {
			d.cache(key).Remove(key)
		}
	}
}
