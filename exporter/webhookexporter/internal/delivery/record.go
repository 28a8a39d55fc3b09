package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// maxAttemptsKept bounds the attempt log of a delivery replayed many times;
// the first attempt and the latest ones are kept.
const maxAttemptsKept = 64

// Record is a delivery the Manager keeps: scheduled or dead. Its body is
// stored beside it and loaded when needed.
type Record struct {
	ID          string            `json:"id"`
	Seq         uint64            `json:"seq"`
	WebhookID   string            `json:"webhook_id"`
	ContentType string            `json:"content_type"`
	Headers     map[string]string `json:"headers,omitempty"`
	Items       int               `json:"items"`
	Bytes       int               `json:"bytes"`
	CreatedAt   time.Time         `json:"created_at"`
	State       string            `json:"state"`
	// Failed counts the failed attempts since the delivery was last
	// scheduled afresh: the next wait is Schedule[Failed-1].
	Failed        int               `json:"failed"`
	NextAttemptAt time.Time         `json:"next_attempt_at"`
	DeadAt        time.Time         `json:"dead_at"`
	Reason        string            `json:"reason,omitempty"`
	Attempts      []console.Attempt `json:"attempts"`

	// body is held in memory by the memory store only.
	body []byte
	// held is the body kept in memory while the store refuses to write
	// the record (unsaved); the next update writes both.
	held    []byte
	unsaved bool
	// index in the scheduled heap, -1 when not in it.
	index int
	// inFlight: a worker is sending it; deleted and replay: removed or
	// replayed meanwhile.
	inFlight, deleted, replay bool
	// probe: it is the circuit's probe.
	probe bool
}

// addAttempt appends to the attempt log, keeping it bounded.
func (r *Record) addAttempt(a console.Attempt) {
	if len(r.Attempts) >= maxAttemptsKept {
		// Keep the first attempt; drop the oldest of the rest.
		r.Attempts = append(r.Attempts[:1], r.Attempts[2:]...)
	}
	r.Attempts = append(r.Attempts, a)
}

// view is the record as the console shows it.
func (r *Record) view(exporter, signal string) console.Delivery {
	d := console.Delivery{
		ID:        r.ID,
		Exporter:  exporter,
		Signal:    signal,
		State:     r.State,
		WebhookID: r.WebhookID,
		Items:     r.Items,
		Bytes:     r.Bytes,
		CreatedAt: r.CreatedAt.UTC(),
		Reason:    r.Reason,
		Headers:   map[string]string{},
		Attempts:  append([]console.Attempt{}, r.Attempts...),
	}
	for k, v := range r.Headers {
		d.Headers[k] = v
	}
	if r.State == console.DeliveryScheduled {
		next := r.NextAttemptAt.UTC()
		d.NextAttemptAt = &next
	}
	return d
}

// scheduledHeap orders scheduled records by due time, then by sequence.
type scheduledHeap []*Record

func (h scheduledHeap) Len() int { return len(h) }
func (h scheduledHeap) Less(i, j int) bool {
	if !h[i].NextAttemptAt.Equal(h[j].NextAttemptAt) {
		return h[i].NextAttemptAt.Before(h[j].NextAttemptAt)
	}
	return h[i].Seq < h[j].Seq
}
func (h scheduledHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *scheduledHeap) Push(x any) {
	r := x.(*Record)
	r.index = len(*h)
	*h = append(*h, r)
}
func (h *scheduledHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	r.index = -1
	return r
}
