package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// entryState is what the dedup caches know of a delivery id or a span.
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

type spanKey [24]byte

// dedup remembers accepted delivery ids and spans for a TTL, in two bounded
// LRU caches. An entry is reserved while its request is in the pipeline and
// is kept only when the pipeline accepts it, so a failed delivery can be
// retried and a concurrent copy is told to retry rather than dropped.
type dedup struct {
	ttl time.Duration
	now func() time.Time

	mu         sync.Mutex
	deliveries *simplelru.LRU[string, dedupEntry]
	spans      *simplelru.LRU[spanKey, dedupEntry]
}

func newDedup(ttl time.Duration, maxEntries int) *dedup {
	deliveries, _ := simplelru.NewLRU[string, dedupEntry](maxEntries, nil)
	spans, _ := simplelru.NewLRU[spanKey, dedupEntry](maxEntries, nil)
	return &dedup{ttl: ttl, now: time.Now, deliveries: deliveries, spans: spans}
}

func stateOf(e dedupEntry, ok bool, now int64) entryState {
	switch {
	case !ok || e.expires <= now:
		return stateNew
	case e.done:
		return stateDone
	default:
		return stateInFlight
	}
}

// reserveDelivery reserves id unless it is done or in flight.
func (d *dedup) reserveDelivery(id string) entryState {
	now := d.now().UnixNano()
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.deliveries.Get(id)
	st := stateOf(e, ok, now)
	if st == stateNew {
		d.deliveries.Add(id, dedupEntry{expires: now + int64(d.ttl)})
	}
	return st
}

// finishDelivery keeps a reserved id when accepted and forgets it otherwise.
func (d *dedup) finishDelivery(id string, accepted bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if accepted {
		d.deliveries.Add(id, dedupEntry{expires: d.now().UnixNano() + int64(d.ttl), done: true})
		return
	}
	d.deliveries.Remove(id)
}

// reserveSpans removes from td the spans already accepted, and repeats of a
// span within td, and reserves the others. busy reports that another request
// holds one of them; then nothing is reserved and td is unchanged.
func (d *dedup) reserveSpans(td ptrace.Traces) (reserved []spanKey, dropped int, busy bool) {
	now := d.now().UnixNano()
	expires := now + int64(d.ttl)
	reserved = make([]spanKey, 0, td.SpanCount())
	var drop []int // positions, in walk order, of the spans to remove
	// mine indexes reserved once a span repeats within td.
	var mine map[spanKey]struct{}

	d.mu.Lock()
	pos := 0
	rss := td.ResourceSpans()
walk:
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k, pos = k+1, pos+1 {
				key := keyOf(spans.At(k))
				e, ok := d.spans.Get(key)
				switch stateOf(e, ok, now) {
				case stateNew:
					d.spans.Add(key, dedupEntry{expires: expires})
					reserved = append(reserved, key)
					if mine != nil {
						mine[key] = struct{}{}
					}
				case stateDone:
					drop = append(drop, pos)
				case stateInFlight:
					if mine == nil {
						mine = make(map[spanKey]struct{}, len(reserved))
						for _, r := range reserved {
							mine[r] = struct{}{}
						}
					}
					if _, ok := mine[key]; !ok {
						busy = true
						break walk
					}
					drop = append(drop, pos)
				}
			}
		}
	}
	if busy {
		for _, key := range reserved {
			d.spans.Remove(key)
		}
	}
	d.mu.Unlock()
	if busy {
		return nil, 0, true
	}
	if len(drop) == 0 {
		return reserved, 0, false
	}

	pos = 0
	rss.RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(ptrace.Span) bool {
				remove := dropped < len(drop) && drop[dropped] == pos
				pos++
				if remove {
					dropped++
				}
				return remove
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	return reserved, dropped, false
}

// finishSpans keeps reserved spans when accepted and forgets them otherwise.
func (d *dedup) finishSpans(keys []spanKey, accepted bool) {
	if len(keys) == 0 {
		return
	}
	expires := d.now().UnixNano() + int64(d.ttl)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, key := range keys {
		if accepted {
			d.spans.Add(key, dedupEntry{expires: expires, done: true})
		} else {
			d.spans.Remove(key)
		}
	}
}

func keyOf(s ptrace.Span) spanKey {
	var k spanKey
	tid, sid := s.TraceID(), s.SpanID()
	copy(k[:16], tid[:])
	copy(k[16:], sid[:])
	return k
}
