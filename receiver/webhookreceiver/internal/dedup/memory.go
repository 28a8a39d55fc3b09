package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import "sync"

// memory is the memory backend: the receiver's original dedup. Reservations
// and accepted keys live in bounded LRU caches, one a namespace; any entry,
// reserved or accepted, expires after the TTL.
type memory struct {
	ttl int64 // nanoseconds

	mu     sync.Mutex
	spaces *spaces
}

func newMemory(cfg Config) *memory {
	return &memory{ttl: int64(cfg.TTL), spaces: newSpaces(cfg.MaxEntries)}
}

// reserve answers every key and reserves the new ones, atomically.
func (m *memory) reserve(keys []Key, states []State, now int64) (hits, misses int) {
	expires := now + m.ttl
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, key := range keys {
		c := m.spaces.of(key)
		// One lookup per key: the cache is read by node.
		n, ok := c.find(key.id)
		if !ok {
			c.insert(key.id, entry{expires: expires})
			states[i] = New
			misses++
			continue
		}
		c.toFront(n)
		e := &c.nodes[n].e
		switch {
		case e.expires <= now:
			*e = entry{expires: expires}
			states[i] = New
			misses++
		case e.done:
			states[i] = Done
			hits++
		default:
			states[i] = InFlight
		}
	}
	return hits, misses
}

// finish keeps accepted keys for the TTL from now and forgets the others.
func (m *memory) finish(keys []Key, accepted bool, now int64) {
	done := entry{expires: now + m.ttl, done: true}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, key := range keys {
		if accepted {
			m.spaces.add(key, done)
		} else {
			m.spaces.remove(key)
		}
	}
}
