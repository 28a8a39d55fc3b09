package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"cmp"
	"fmt"
	"slices"
	"sync"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

const (
	defaultReceivedKeep = 500
	maxReceivedKeep     = 100_000
	defaultMaxBodyBytes = 4 << 10
	maxMaxBodyBytes     = 1 << 20
)

// ReceivedConfig is what the console keeps of the requests the webhook
// receivers answered.
type ReceivedConfig struct {
	// Keep is how many of the latest requests are kept per receiver.
	Keep int `mapstructure:"keep"`
	// CaptureBodies keeps the start of each body. Off by default: bodies
	// may hold prompts and personal data.
	CaptureBodies bool `mapstructure:"capture_bodies"`
	// MaxBodyBytes is how much of each body is kept with capture_bodies.
	MaxBodyBytes int `mapstructure:"max_body_bytes"`

	// prevent unkeyed literal initialization
	_ struct{}
}

func defaultReceivedConfig() ReceivedConfig {
	return ReceivedConfig{Keep: defaultReceivedKeep, MaxBodyBytes: defaultMaxBodyBytes}
}

func (rc ReceivedConfig) validate() error {
	if rc.Keep < 1 || rc.Keep > maxReceivedKeep {
		return fmt.Errorf(`"received::keep" must be from 1 to %d, got %d`, maxReceivedKeep, rc.Keep)
	}
	if rc.MaxBodyBytes < 1 || rc.MaxBodyBytes > maxMaxBodyBytes {
		return fmt.Errorf(`"received::max_body_bytes" must be from 1 to %d, got %d`, maxMaxBodyBytes, rc.MaxBodyBytes)
	}
	return nil
}

// receivedRing is the log of one receiver: the latest requests in a ring
// allocated at registration, so that Add never allocates.
type receivedRing struct {
	info      console.ReceiverInfo
	bodyBytes int

	mu   sync.Mutex
	buf  []console.Received
	next int
	n    int
}

var (
	_ console.ReceivedLog     = (*receivedRing)(nil)
	_ console.ReceivedConsole = (*webhookConsole)(nil)
)

// Add implements console.ReceivedLog.
func (r *receivedRing) Add(rec console.Received) {
	r.mu.Lock()
	r.buf[r.next] = rec
	r.next++
	if r.next == len(r.buf) {
		r.next = 0
	}
	if r.n < len(r.buf) {
		r.n++
	}
	r.mu.Unlock()
}

// BodyBytes implements console.ReceivedLog.
func (r *receivedRing) BodyBytes() int { return r.bodyBytes }

// newest returns up to limit requests that match, newest first.
func (r *receivedRing) newest(match func(*console.Received) bool, limit int) []console.Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []console.Received
	for i := 1; i <= r.n && len(out) < limit; i++ {
		rec := &r.buf[(r.next-i+len(r.buf))%len(r.buf)]
		if match(rec) {
			out = append(out, *rec)
		}
	}
	return out
}

// len is how many requests the ring holds.
func (r *receivedRing) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// receivedLogs are the logs of the registered receivers, by receiver ID.
type receivedLogs struct {
	mu    sync.RWMutex
	rings map[string]*receivedRing
}

// RegisterReceiver implements console.ReceivedConsole. A receiver that
// registers again under the same ID starts a new log.
func (c *webhookConsole) RegisterReceiver(info console.ReceiverInfo) (console.ReceivedLog, func()) {
	cfg := c.cfg.Received
	ring := &receivedRing{info: info, buf: make([]console.Received, cfg.Keep)}
	if cfg.CaptureBodies {
		ring.bodyBytes = cfg.MaxBodyBytes
	}
	l := &c.received
	l.mu.Lock()
	if l.rings == nil {
		l.rings = map[string]*receivedRing{}
	}
	l.rings[info.ID] = ring
	l.mu.Unlock()
	return ring, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.rings[info.ID] == ring {
			delete(l.rings, info.ID)
		}
	}
}

// all returns the logs sorted by receiver ID.
func (l *receivedLogs) all() []*receivedRing {
	l.mu.RLock()
	list := make([]*receivedRing, 0, len(l.rings))
	for _, r := range l.rings {
		list = append(list, r)
	}
	l.mu.RUnlock()
	slices.SortFunc(list, func(a, b *receivedRing) int { return cmp.Compare(a.info.ID, b.info.ID) })
	return list
}

// receivedFilter selects received requests; empty fields select all.
type receivedFilter struct {
	receiver, route, outcome string
	limit                    int
}

// check reports a filter that names a receiver or route no registered
// receiver has.
func (l *receivedLogs) check(f receivedFilter) error {
	rings := l.pick(f.receiver)
	if f.receiver != "" && len(rings) == 0 {
		return fmt.Errorf("no receiver %q is registered", f.receiver)
	}
	if f.route != "" && !slices.ContainsFunc(rings, func(r *receivedRing) bool { return r.hasRoute(f.route) }) {
		if f.receiver != "" {
			return fmt.Errorf("receiver %q has no route %q", f.receiver, f.route)
		}
		return fmt.Errorf("no registered receiver has a route %q", f.route)
	}
	return nil
}

// pick returns the log of receiver, or every log when it is empty.
func (l *receivedLogs) pick(receiver string) []*receivedRing {
	return slices.DeleteFunc(l.all(), func(r *receivedRing) bool { return receiver != "" && r.info.ID != receiver })
}

func (r *receivedRing) hasRoute(name string) bool {
	return slices.ContainsFunc(r.info.Routes, func(rt console.RouteInfo) bool { return rt.Name == name })
}

// matching returns up to f.limit requests of r that match f's route and
// outcome, newest first.
func (r *receivedRing) matching(f receivedFilter) []console.Received {
	return r.newest(func(rec *console.Received) bool {
		return (f.route == "" || rec.Route == f.route) && (f.outcome == "" || rec.Outcome == f.outcome)
	}, f.limit)
}

// query returns the requests that match f, newest first, or an error
// naming the receiver or route that is not registered.
func (l *receivedLogs) query(f receivedFilter) ([]console.Received, error) {
	if err := l.check(f); err != nil {
		return nil, err
	}
	var out []console.Received
	for _, r := range l.pick(f.receiver) {
		out = append(out, r.matching(f)...)
	}
	slices.SortStableFunc(out, func(a, b console.Received) int { return b.At.Compare(a.At) })
	if len(out) > f.limit {
		out = out[:f.limit]
	}
	return out, nil
}
