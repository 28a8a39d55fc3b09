package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"

	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
)

// noKey marks an item that has no dedup key.
const noKey = -2

// reservation is what dedup decided for one request.
type reservation struct {
	// keys are the keys this request reserved, to be finished when the
	// pipeline has answered.
	keys []string
	// duplicate: the delivery was accepted before.
	duplicate bool
	// busy, when set, is why the request must be retried: a concurrent
	// request holds one of its keys.
	busy string
	// dropped counts the items dropped as already accepted or repeated.
	dropped int
}

// reserve looks up the delivery and every item of b in one call and
// reserves the new ones. It removes from b the items accepted before and the
// repeats of an item within b.
func (r *webhookReceiver) reserve(ctx context.Context, rt *route, b *batch, deliveryID string) reservation {
	if r.dedup == nil {
		return reservation{}
	}
	items := b.itemKeys(rt.sender)
	keys := make([]string, 0, len(items)+1)
	if deliveryID != "" {
		keys = append(keys, rt.sender+":d:"+deliveryID)
	}
	first := len(keys)
	// at[i] is the position in keys of item i, -1 for a repeat of an
	// earlier item of this request, noKey for an item without an id.
	at := make([]int, len(items))
	var seen map[string]struct{}
	if len(items) > 1 {
		seen = make(map[string]struct{}, len(items))
	}
	for i, k := range items {
		if k == "" {
			at[i] = noKey
			continue
		}
		if _, ok := seen[k]; ok {
			at[i] = -1
			continue
		}
		if seen != nil {
			seen[k] = struct{}{}
		}
		at[i] = len(keys)
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return reservation{}
	}

	states, err := r.dedup.Reserve(ctx, keys)
	if err != nil {
		// on_error: retry, and the backend failed: nothing was reserved.
		return reservation{busy: "deduplication is unavailable, retry later: " + err.Error()}
	}
	var res reservation
	for i, st := range states {
		if st == dedup.New {
			res.keys = append(res.keys, keys[i])
		}
	}
	release := func(msg string) reservation {
		r.finish(ctx, res.keys, false)
		return reservation{busy: msg}
	}
	if first == 1 {
		switch states[0] {
		case dedup.Done:
			r.finish(ctx, res.keys, false)
			return reservation{duplicate: true}
		case dedup.InFlight:
			return release("delivery " + deliveryID + " is being processed by a concurrent request: retry later")
		}
	}
	var drop []int
	for i, k := range at {
		switch {
		case k == noKey:
			// Forwarded: nothing to recognise it by.
		case k < 0:
			drop = append(drop, i)
		case states[k] == dedup.Done:
			drop = append(drop, i)
		case states[k] == dedup.InFlight:
			return release(itemsNoun(b.signal) + " of this request are being processed by a concurrent request: retry later")
		}
	}
	b.remove(drop)
	res.dropped = len(drop)
	if res.dropped > 0 {
		if b.signal == pipeline.SignalTraces {
			r.telemetry.ReceiverWebhookDuplicateSpans.Add(ctx, int64(res.dropped))
		} else {
			r.telemetry.ReceiverWebhookDuplicateLogRecords.Add(ctx, int64(res.dropped), senderAttr(rt))
		}
	}
	return res
}

// finish keeps the reserved keys when the pipeline accepted the data and
// forgets them otherwise, so that a retry is not taken for a duplicate. It
// runs even when the sender has gone: the pipeline's answer stands.
func (r *webhookReceiver) finish(ctx context.Context, keys []string, accepted bool) {
	if r.dedup != nil && len(keys) > 0 {
		r.dedup.Finish(context.WithoutCancel(ctx), keys, accepted)
	}
}

func itemsNoun(signal pipeline.Signal) string {
	if signal == pipeline.SignalTraces {
		return "spans"
	}
	return "log records"
}
