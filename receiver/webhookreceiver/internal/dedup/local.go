package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import "sync"

// reservation is a key this process reserved and has not finished.
type reservation struct {
	expires int64 // unix nanoseconds: the lease
	// token is the value the reservation holds in Redis, the same for
	// every key of one Reserve call. It is empty for storage, and before
	// Start.
	token string
}

// local is what this process knows in front of a storage or redis backend:
// keys it accepted or found accepted (a bounded cache, so that repeats cost
// no backend call) and its own unfinished reservations.
type local struct {
	mu       sync.Mutex
	done     *spaces
	inflight map[Key]reservation
}

func newLocal(maxEntries int) *local {
	return &local{done: newSpaces(maxEntries), inflight: map[Key]reservation{}}
}

// screen answers the keys this process knows: Done from the cache, InFlight
// for its own live reservations. It returns the positions of the others,
// which only the backend can answer. The caller holds l.mu.
func (l *local) screen(keys []Key, states []State, now int64) (hits int, pending []int) {
	for i, key := range keys {
		if _, ok := l.done.doneUntil(key, now); ok {
			states[i] = Done
			hits++
			continue
		}
		if r, ok := l.inflight[key]; ok {
			if r.expires > now {
				states[i] = InFlight
				continue
			}
			delete(l.inflight, key)
		}
		if pending == nil {
			pending = make([]int, 0, len(keys)-i)
		}
		pending = append(pending, i)
	}
	return hits, pending
}

// prune forgets reservations whose lease ended without a Finish.
func (l *local) prune(now int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for key, r := range l.inflight {
		if r.expires <= now {
			delete(l.inflight, key)
		}
	}
}

// reservations returns this process's reservations of keys (zero for keys
// it does not hold).
func (l *local) reservations(keys []Key) []reservation {
	out := make([]reservation, len(keys))
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, key := range keys {
		out[i] = l.inflight[key]
	}
	return out
}

// finish ends keys' reservations; accepted keys are cached until expires.
func (l *local) finish(keys []Key, accepted bool, expires int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, key := range keys {
		delete(l.inflight, key)
		if accepted {
			l.done.add(key, entry{expires: expires, done: true})
		}
	}
}
