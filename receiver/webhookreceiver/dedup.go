package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
)

// noKey marks an item that has no dedup key.
const noKey = -2

// reservation is what dedup decided for one request.
type reservation struct {
	// keys are the keys this request reserved, to be finished when the
	// pipeline has answered.
	keys *reserved
	// duplicate: the delivery was accepted before.
	duplicate bool
	// busy, when set, is why the request must be retried: a concurrent
	// request holds one of its keys.
	busy string
	// dropped counts the items dropped as already accepted or repeated.
	dropped int
}

// reserved is the keys of one request and the buffers that computed them,
// pooled: a request allocates none of them once the receiver is warm.
type reserved struct {
	keys   []dedup.Key // all the request's keys, then those it reserved
	items  []dedup.Key
	at     []int
	drop   []int
	states []dedup.State
	seen   map[dedup.Key]struct{}
}

var reservedPool = sync.Pool{New: func() any { return &reserved{seen: map[dedup.Key]struct{}{}} }}

// maxPooledKeys keeps a huge request from pinning its buffers.
const maxPooledKeys = 1 << 14

func (rs *reserved) release() {
	if rs == nil || cap(rs.keys) > maxPooledKeys {
		return
	}
	clear(rs.seen)
	rs.keys, rs.items, rs.at, rs.drop, rs.states = rs.keys[:0], rs.items[:0], rs.at[:0], rs.drop[:0], rs.states[:0]
	reservedPool.Put(rs)
}

// reserve looks up the delivery and every item of b in one call and
// reserves the new ones. It removes from b the items accepted before and the
// repeats of an item within b.
func (r *webhookReceiver) reserve(ctx context.Context, rt *route, b *batch, deliveryID string) reservation {
	if r.dedup == nil {
		b.Release()
		return reservation{}
	}
	rs := reservedPool.Get().(*reserved)
	sp := spacesOf(rt.sender)
	rs.items = b.itemKeys(rs.items[:0], sp)
	b.Release()
	items := rs.items
	keys := rs.keys[:0]
	if deliveryID != "" {
		keys = append(keys, dedup.TextKey(sp.delivery, deliveryID))
	}
	first := len(keys)
	// at[i] is the position in keys of item i, -1 for a repeat of an
	// earlier item of this request, noKey for an item without an id.
	at := rs.at[:0]
	for _, k := range items {
		if k == (dedup.Key{}) {
			at = append(at, noKey)
			continue
		}
		if _, ok := rs.seen[k]; ok {
			at = append(at, -1)
			continue
		}
		if len(items) > 1 {
			rs.seen[k] = struct{}{}
		}
		at = append(at, len(keys))
		keys = append(keys, k)
	}
	rs.keys, rs.at = keys, at
	if len(keys) == 0 {
		rs.release()
		return reservation{}
	}

	states, err := r.dedup.Reserve(ctx, keys, rs.states)
	rs.states = states
	if err != nil {
		// on_error: retry, and the backend failed: nothing was reserved.
		rs.release()
		return reservation{busy: "deduplication is unavailable, retry later: " + err.Error()}
	}
	busy := func(msg string) reservation {
		r.finishKeys(ctx, newKeysOf(keys, states), false)
		rs.release()
		return reservation{busy: msg}
	}
	if first == 1 {
		switch states[0] {
		case dedup.Done:
			r.finishKeys(ctx, newKeysOf(keys, states), false)
			rs.release()
			return reservation{duplicate: true}
		case dedup.InFlight:
			return busy("delivery " + deliveryID + " is being processed by a concurrent request: retry later")
		}
	}
	drop := rs.drop[:0]
	for i, k := range at {
		switch {
		case k == noKey:
			// Forwarded: nothing to recognise it by.
		case k < 0:
			drop = append(drop, i)
		case states[k] == dedup.Done:
			drop = append(drop, i)
		case states[k] == dedup.InFlight:
			return busy(itemsNoun(b.signal) + " of this request are being processed by a concurrent request: retry later")
		}
	}
	rs.drop = drop
	b.remove(drop)
	var res reservation
	res.dropped = len(drop)
	if res.dropped > 0 {
		if b.signal == pipeline.SignalTraces {
			r.telemetry.ReceiverWebhookDuplicateSpans.Add(ctx, int64(res.dropped))
		} else {
			r.telemetry.ReceiverWebhookDuplicateLogRecords.Add(ctx, int64(res.dropped), senderAttr(rt))
		}
	}
	// Keep only the keys reserved (New), in place.
	n := 0
	for i, st := range states {
		if st == dedup.New {
			keys[n] = keys[i]
			n++
		}
	}
	rs.keys = keys[:n]
	res.keys = rs
	return res
}

// newKeysOf is the keys that states answered New, in a new slice.
func newKeysOf(keys []dedup.Key, states []dedup.State) []dedup.Key {
	var out []dedup.Key
	for i, st := range states {
		if st == dedup.New {
			out = append(out, keys[i])
		}
	}
	return out
}

// finish keeps the reserved keys when the pipeline accepted the data and
// forgets them otherwise, so that a retry is not taken for a duplicate. It
// runs even when the sender has gone: the pipeline's answer stands.
func (r *webhookReceiver) finish(ctx context.Context, rs *reserved, accepted bool) {
	if rs == nil {
		return
	}
	r.finishKeys(ctx, rs.keys, accepted)
	rs.release()
}

func (r *webhookReceiver) finishKeys(ctx context.Context, keys []dedup.Key, accepted bool) {
	if r.dedup != nil && len(keys) > 0 {
		r.dedup.Finish(context.WithoutCancel(ctx), keys, accepted)
	}
}

// keySpaces are the dedup namespaces of a sender: delivery ids, spans and
// event ids.
type keySpaces struct{ delivery, span, event string }

var spaceCache sync.Map // sender name → *keySpaces

// spacesOf returns the namespaces of sender, built once.
func spacesOf(sender string) *keySpaces {
	if sp, ok := spaceCache.Load(sender); ok {
		return sp.(*keySpaces)
	}
	sp, _ := spaceCache.LoadOrStore(sender, &keySpaces{delivery: sender + ":d:", span: sender + ":s:", event: sender + ":e:"})
	return sp.(*keySpaces)
}

func itemsNoun(signal pipeline.Signal) string {
	if signal == pipeline.SignalTraces {
		return "spans"
	}
	return "log records"
}
