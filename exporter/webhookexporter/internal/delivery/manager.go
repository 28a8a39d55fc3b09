package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// Settings are what a Manager is made with besides its Config.
type Settings struct {
	// Exporter and Signal name the deliveries in the console and in logs.
	Exporter, Signal string
	Store            Store
	Sender           Sender
	Clock            Clock
	Observer         Observer
	Logger           *zap.Logger
	// Rand returns a number in [0, 1) for the jitter; nil uses math/rand.
	Rand func() float64
}

// Manager runs the delivery mode of one exporter signal.
type Manager struct {
	cfg     Config
	set     Settings
	breaker *breaker
	limiter *limiter
	// disabled is set by a 410 Gone and cleared through the console.
	disabled atomic.Bool

	mu        sync.Mutex
	records   map[string]*Record
	scheduled scheduledHeap
	dead      []*Record // in the order they died
	deadBytes int64
	nextSeq   uint64
	started   bool

	wake    chan struct{}
	idle    chan struct{}
	work    chan *Record
	stop    chan struct{}
	runCtx  context.Context
	cancel  context.CancelFunc
	running sync.WaitGroup
}

// NewManager returns a Manager; Start loads its store and starts its workers.
func NewManager(cfg Config, set Settings) *Manager {
	if set.Clock == nil {
		set.Clock = SystemClock{}
	}
	if set.Rand == nil {
		set.Rand = rand.Float64
	}
	if set.Logger == nil {
		set.Logger = zap.NewNop()
	}
	cfg.Concurrency = max(cfg.Concurrency, 1)
	return &Manager{
		cfg:     cfg,
		set:     set,
		breaker: newBreaker(cfg.CircuitFailures, cfg.CircuitOpenFor, max(cfg.CircuitMaxOpenFor, cfg.CircuitOpenFor)),
		limiter: newLimiter(set.Clock, cfg.RateLimit, cfg.Burst),
		records: map[string]*Record{},
		wake:    make(chan struct{}, 1),
		idle:    make(chan struct{}),
		work:    make(chan *Record),
		stop:    make(chan struct{}),
	}
}

// Start loads what the store kept, in its place in the schedule, and starts
// the dispatcher and the workers.
func (m *Manager) Start(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return nil
	}
	records, next, err := m.set.Store.Load(ctx)
	if err != nil {
		return err
	}
	disabled, err := m.set.Store.Disabled(ctx)
	if err != nil {
		return err
	}
	m.disabled.Store(disabled)
	m.nextSeq = next
	// A store lists its records in any order; dead letters are kept in
	// the order they died, which retention relies on.
	slices.SortFunc(records, func(a, b *Record) int {
		if c := a.DeadAt.Compare(b.DeadAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	for _, r := range records {
		r.index = -1
		m.records[r.ID] = r
		m.place(r)
	}
	m.evictLocked(ctx, m.set.Clock.Now())
	if len(records) > 0 {
		m.set.Logger.Info("Loaded kept deliveries",
			zap.Int("scheduled", m.scheduled.Len()), zap.Int("dead_letters", len(m.dead)))
	}
	m.started = true
	m.runCtx, m.cancel = context.WithCancel(context.Background())
	m.running.Add(1 + m.cfg.Concurrency)
	go m.dispatch()
	for range m.cfg.Concurrency {
		go m.worker()
	}
	return nil
}

// Shutdown stops the workers, abandoning attempts in flight (they stay
// scheduled), and closes the store. What a memory store held is lost, and
// said so.
func (m *Manager) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	started := m.started
	m.started = false
	m.mu.Unlock()
	if !started {
		return nil
	}
	close(m.stop)
	m.cancel()
	m.running.Wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.set.Store.Persistent() && len(m.records) > 0 {
		m.set.Logger.Error("Deliveries held in memory are lost at shutdown; set delivery::storage to keep them across restarts",
			zap.Int("scheduled", m.scheduled.Len()), zap.Int("dead_letters", len(m.dead)))
		m.set.Observer.Outcome(ctx, OutcomeEvicted, len(m.records))
	}
	m.saveUnsaved(ctx)
	return m.set.Store.Close(ctx)
}

// Deliver makes the first attempt of a delivery with send; req, called
// only when the delivery is kept, describes it, its Body being what send
// sent. It returns once the delivery is delivered or kept (stored before
// Deliver returns, or held in memory while the store refuses writes): it
// never hands a delivery back to the sending queue, so it has no error. A
// disabled endpoint turns req into a dead letter without an attempt; an
// open circuit schedules it without one.
func (m *Manager) Deliver(ctx context.Context, req func() Request, send func(context.Context) Result) {
	if m.disabled.Load() {
		m.keep(ctx, req, func(r *Record, _ time.Time) { m.kill(r, reasonDisabled) })
		return
	}
	probe := false
	if !m.breaker.closed() {
		m.mu.Lock()
		ok, _ := m.breaker.allow(m.set.Clock.Now())
		probe = ok && m.breaker.state.Load() == circuitProbing
		m.mu.Unlock()
		if !ok {
			m.keep(ctx, req, func(r *Record, now time.Time) { m.reschedule(r, now) })
			return
		}
	}
	if err := m.limiter.wait(ctx); err != nil {
		if probe {
			m.releaseProbe()
		}
		// The queue consumer's context ended (a shutdown) while the rate
		// limit held the delivery back: it is kept, due now, not handed
		// back to a queue that would drop it.
		m.keep(context.WithoutCancel(ctx), req, func(r *Record, now time.Time) { m.reschedule(r, now) })
		return
	}
	at := m.set.Clock.Now()
	res := send(ctx)
	took := m.set.Clock.Now().Sub(at)
	if classify(res, m.cfg.RetryableStatuses) == delivered {
		m.set.Observer.Attempt(ctx, res.Status)
		if !m.breaker.closed() || m.breaker.failures.Load() != 0 {
			m.mu.Lock()
			m.breaker.success()
			m.mu.Unlock()
			m.signal()
		}
		m.set.Observer.Outcome(ctx, OutcomeDelivered, 1)
		return
	}
	// An attempt cut short by the end of ctx is kept all the same.
	m.keep(context.WithoutCancel(ctx), req, func(r *Record, _ time.Time) { m.record(ctx, r, res, at, took) })
}

// keep makes a record of the request, lets decide set its state, stores it
// (or holds it in memory when the store refuses it) and places it.
func (m *Manager) keep(ctx context.Context, describe func() Request, decide func(r *Record, now time.Time)) {
	req := describe()
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.set.Clock.Now()
	r := &Record{
		ID:          newID(),
		Seq:         m.nextSeq,
		WebhookID:   req.WebhookID,
		ContentType: req.ContentType,
		Headers:     req.Headers,
		Items:       req.Items,
		Bytes:       len(req.Body),
		CreatedAt:   now,
		index:       -1,
	}
	decide(r, now)
	body := bytes.Clone(req.Body)
	if err := m.set.Store.Add(ctx, r, body); err != nil {
		// Handed back, it would be dropped by the sending queue (retries
		// are off): it is kept in memory and written at its next update.
		r.held, r.unsaved = body, true
		m.set.Logger.Error("A failed delivery could not be written to the delivery store; it is kept in memory until a write succeeds and is lost if the collector stops before",
			zap.String("delivery", r.ID), zap.Int("items", r.Items), zap.Error(err))
	}
	m.nextSeq++
	m.records[r.ID] = r
	m.place(r)
	m.countPlaced(ctx, r)
	m.evictLocked(ctx, now)
	m.signal()
}

func (m *Manager) releaseProbe() {
	m.mu.Lock()
	m.breaker.release()
	m.mu.Unlock()
	m.signal()
}

// place puts a record where its state says.
func (m *Manager) place(r *Record) {
	switch r.State {
	case console.DeliveryScheduled:
		heap.Push(&m.scheduled, r)
	default:
		m.dead = append(m.dead, r)
		m.deadBytes += int64(r.Bytes)
	}
}

func (m *Manager) countPlaced(ctx context.Context, r *Record) {
	if r.State == console.DeliveryScheduled {
		m.set.Observer.Outcome(ctx, OutcomeScheduled, 1)
	} else {
		m.set.Observer.Outcome(ctx, OutcomeDeadLettered, 1)
		m.set.Logger.Warn("Delivery became a dead letter",
			zap.String("delivery", r.ID), zap.String("webhook_id", r.WebhookID),
			zap.Int("items", r.Items), zap.String("reason", r.Reason))
	}
}

// signal wakes the dispatcher.
func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Reasons of dead letters that are not an attempt's.
const reasonDisabled = "not sent: the endpoint is disabled since it answered 410 Gone; enable it through the console and replay"

// kill makes r a dead letter for reason.
func (m *Manager) kill(r *Record, reason string) {
	r.State = console.DeliveryDead
	r.Reason = reason
	r.DeadAt = m.set.Clock.Now()
	r.NextAttemptAt = time.Time{}
}

// reschedule makes r due at now with a fresh schedule.
func (m *Manager) reschedule(r *Record, now time.Time) {
	r.State = console.DeliveryScheduled
	r.Failed = 0
	r.NextAttemptAt = now
	r.DeadAt = time.Time{}
	r.Reason = ""
}

// record logs an attempt of r and sets what follows from it; it returns
// the verdict.
func (m *Manager) record(ctx context.Context, r *Record, res Result, at time.Time, took time.Duration) verdict {
	a := console.Attempt{At: at.UTC(), DurationMS: took.Milliseconds(), Status: res.Status, Response: res.Response}
	if res.Status == 0 {
		a.Error = describe(res)
	}
	r.addAttempt(a)
	m.set.Observer.Attempt(ctx, res.Status)
	now := m.set.Clock.Now()
	v := classify(res, m.cfg.RetryableStatuses)
	switch v {
	case delivered:
		m.breaker.success()
	case gone:
		m.breaker.success()
		if !m.disabled.Swap(true) {
			m.set.Logger.Error("The webhook endpoint answered 410 Gone: it is disabled, and every delivery becomes a dead letter until it is enabled through the console",
				zap.String("delivery", r.ID))
			if err := m.set.Store.SetDisabled(ctx, true); err != nil {
				m.set.Logger.Error("Saving the disabled state failed", zap.Error(err))
			}
		}
		m.kill(r, describe(res)+": the endpoint is disabled")
	case refused:
		m.breaker.success()
		m.kill(r, describe(res)+": not retried (3xx and 4xx other than 408 and 429 are final)")
	case retry:
		if m.breaker.failure(now) {
			m.set.Logger.Warn("Circuit opened: no request goes to the webhook endpoint until the probe succeeds",
				zap.Duration("open_for", m.breaker.openFor), zap.String("last_error", describe(res)))
		}
		r.Failed++
		if r.Failed > len(m.cfg.Schedule) {
			m.kill(r, fmt.Sprintf("gave up after %d attempts; last: %s", r.Failed, describe(res)))
			break
		}
		w := clampRetryAfter(wait(m.cfg.Schedule, r.Failed-1, m.cfg.Jitter, m.set.Rand()), res)
		r.State = console.DeliveryScheduled
		r.NextAttemptAt = now.Add(w)
		r.Reason = describe(res)
	}
	return v
}

func newID() string {
	var b [10]byte
	_, _ = crand.Read(b[:])
	return hex.EncodeToString(b[:])
}
