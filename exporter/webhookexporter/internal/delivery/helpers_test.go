package delivery

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// scriptedSender answers the n-th attempt with results[n], the last one
// afterwards, and records what it was sent.
type scriptedSender struct {
	mu      sync.Mutex
	results []Result
	base    int
	bodies  []string
	ids     []string
}

func (s *scriptedSender) Send(_ context.Context, body []byte, webhookID string) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, string(body))
	s.ids = append(s.ids, webhookID)
	return s.results[min(len(s.bodies)-1-s.base, len(s.results)-1)]
}

func (s *scriptedSender) sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func (s *scriptedSender) set(results ...Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = results
	s.base = len(s.bodies)
}

// countingObserver counts outcomes and attempts.
type countingObserver struct {
	mu       sync.Mutex
	outcomes map[string]int
	attempts map[int]int
}

func (o *countingObserver) Outcome(_ context.Context, outcome string, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.outcomes[outcome] += n
}

func (o *countingObserver) Attempt(_ context.Context, status int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.attempts[status]++
}

func (o *countingObserver) outcome(name string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.outcomes[name]
}

type fixture struct {
	m      *Manager
	clock  *FakeClock
	sender *scriptedSender
	obs    *countingObserver
	logs   *observer.ObservedLogs
	store  Store
}

func status(code int) Result { return Result{Status: code} }

// newFixture starts a Manager with a fake clock, no jitter (Rand 0.5) and
// the sender answering results.
func newFixture(t *testing.T, cfg Config, store Store, results ...Result) *fixture {
	t.Helper()
	if store == nil {
		store = NewMemoryStore()
	}
	core, logs := observer.New(zap.InfoLevel)
	f := &fixture{
		clock:  NewFakeClock(t0),
		sender: &scriptedSender{results: results},
		obs:    &countingObserver{outcomes: map[string]int{}, attempts: map[int]int{}},
		logs:   logs,
		store:  store,
	}
	if cfg.Schedule == nil {
		cfg.Schedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute}
	}
	f.m = NewManager(cfg, Settings{
		Exporter: "webhook", Signal: "traces",
		Store: store, Sender: f.sender, Clock: f.clock, Observer: f.obs,
		Logger: zap.New(core), Rand: func() float64 { return 0.5 },
	})
	require.NoError(t, f.m.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, f.m.Shutdown(context.Background())) })
	return f
}

// deliver hands body to the manager with a first attempt answered by res.
func (f *fixture) deliver(t *testing.T, body string, res Result) {
	t.Helper()
	req := Request{Body: []byte(body), ContentType: "application/json", WebhookID: "msg_" + body, Items: 1}
	f.m.Deliver(context.Background(), func() Request { return req }, func(context.Context) Result { return res })
}

// advance waits for the dispatcher to wait on its timer, then moves the
// clock by d.
func (f *fixture) advance(t *testing.T, d time.Duration) {
	t.Helper()
	require.Eventually(t, func() bool { return f.clock.Timers() > 0 }, 5*time.Second, time.Millisecond, "no timer is waiting")
	f.clock.Advance(d)
}

// waitSent waits until the sender got n attempts.
func (f *fixture) waitSent(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return f.sender.sent() >= n }, 5*time.Second, time.Millisecond, "want %d attempts", n)
}

// waitCounts waits until the manager holds scheduled and dead deliveries.
func (f *fixture) waitCounts(t *testing.T, scheduled, dead int) {
	t.Helper()
	require.Eventually(t, func() bool {
		s := f.m.Status()
		return s.Scheduled == scheduled && s.Dead == dead
	}, 5*time.Second, time.Millisecond, "want %d scheduled and %d dead, have %+v", scheduled, dead, f.m.Status())
}
