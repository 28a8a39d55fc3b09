package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import "strings"

// entry is what a cache knows of a key.
type entry struct {
	expires int64 // unix nanoseconds
	done    bool  // accepted; otherwise reserved by a request in flight
}

// spaces is a set of bounded LRU caches, one a namespace (a key's Space,
// e.g. "otlp:s:"), keyed by the key within it, so that a flood of one kind of key (spans)
// never evicts another (delivery ids). Not safe for concurrent use.
type spaces struct {
	max    int
	byName map[string]*lru
	// The last namespace used: consecutive keys of a call almost always
	// share it, and a string compare is cheaper than a map lookup.
	lastName string
	last     *lru
}

func newSpaces(maxEntries int) *spaces {
	return &spaces{max: maxEntries, byName: map[string]*lru{}}
}

// of returns the cache of key's namespace, creating it on first use.
func (s *spaces) of(key Key) *lru {
	name := key.space
	if s.last != nil && name == s.lastName {
		return s.last
	}
	c, ok := s.byName[name]
	if !ok {
		// Clone: name may be a slice of a caller's buffer.
		name = strings.Clone(name)
		c = newLRU(s.max)
		s.byName[name] = c
	}
	s.lastName, s.last = name, c
	return c
}

// doneUntil reports whether key is accepted at now, and until when.
func (s *spaces) doneUntil(key Key, now int64) (int64, bool) {
	e, ok := s.of(key).Get(key.id)
	if !ok || !e.done {
		return 0, false
	}
	if e.expires <= now {
		s.of(key).Remove(key.id)
		return 0, false
	}
	return e.expires, true
}

func (s *spaces) add(key Key, e entry) { s.of(key).Add(key.id, e) }

func (s *spaces) remove(key Key) { s.of(key).Remove(key.id) }
