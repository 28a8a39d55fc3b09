package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"context"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// What the console asks of a Manager: see console.Exporter.

// Status returns the endpoint state and the counts.
func (m *Manager) Status() console.Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := console.Status{State: console.StateActive, Scheduled: m.scheduled.Len(), Dead: len(m.dead)}
	for _, r := range m.records {
		if r.inFlight {
			s.Scheduled++
		}
	}
	switch {
	case m.disabled.Load():
		s.State = console.StateDisabled
	case !m.breaker.closed():
		s.State = console.StateCircuitOpen
	}
	return s
}

// Counts returns the numbers of scheduled deliveries and dead letters.
func (m *Manager) Counts() (scheduled, dead int) {
	s := m.Status()
	return s.Scheduled, s.Dead
}

// List returns the deliveries matching f, newest first.
func (m *Manager) List(f console.Filter) []console.Delivery {
	m.mu.Lock()
	defer m.mu.Unlock()
	list := make([]*Record, 0, len(m.records))
	for _, r := range m.records {
		if f.State == "" || f.State == r.State {
			list = append(list, r)
		}
	}
	slices.SortFunc(list, func(a, b *Record) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return int(int64(b.Seq) - int64(a.Seq))
	})
	if f.Limit > 0 && len(list) > f.Limit {
		list = list[:f.Limit]
	}
	out := make([]console.Delivery, len(list))
	for i, r := range list {
		out[i] = r.view(m.set.Exporter, m.set.Signal)
	}
	return out
}

// Get returns one delivery.
func (m *Manager) Get(id string) (console.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[id]
	if !ok {
		return console.Delivery{}, console.ErrNotFound
	}
	return r.view(m.set.Exporter, m.set.Signal), nil
}

// Body returns a delivery's body and content type.
func (m *Manager) Body(ctx context.Context, id string) ([]byte, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[id]
	if !ok {
		return nil, "", console.ErrNotFound
	}
	body, err := m.body(ctx, r)
	return body, r.ContentType, err
}

// Replay schedules one delivery for now with a fresh schedule.
func (m *Manager) Replay(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.signal()
	defer m.mu.Unlock()
	r, ok := m.records[id]
	if !ok {
		return console.ErrNotFound
	}
	m.replayLocked(ctx, r)
	m.set.Observer.Outcome(ctx, OutcomeReplayed, 1)
	return nil
}

// ReplayDead schedules every dead letter that died at or after since.
func (m *Manager) ReplayDead(ctx context.Context, since time.Time) int {
	m.mu.Lock()
	defer m.signal()
	defer m.mu.Unlock()
	kept := make([]*Record, 0, len(m.dead))
	var picked []*Record
	for _, r := range m.dead {
		if since.IsZero() || !r.DeadAt.Before(since) {
			picked = append(picked, r)
			m.deadBytes -= int64(r.Bytes)
			continue
		}
		kept = append(kept, r)
	}
	m.dead = kept
	now := m.set.Clock.Now()
	for _, r := range picked {
		m.reschedule(r, now)
		m.update(ctx, r)
		m.place(r)
	}
	if len(picked) > 0 {
		m.set.Observer.Outcome(ctx, OutcomeReplayed, len(picked))
		m.set.Logger.Info("Replaying dead letters", zap.Int("deliveries", len(picked)), zap.Time("since", since))
	}
	return len(picked)
}

func (m *Manager) replayLocked(ctx context.Context, r *Record) {
	if r.inFlight {
		r.replay = true
		return
	}
	m.unplace(r)
	m.reschedule(r, m.set.Clock.Now())
	m.update(ctx, r)
	m.place(r)
}

// Delete forgets one delivery.
func (m *Manager) Delete(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[id]
	if !ok {
		return console.ErrNotFound
	}
	if r.inFlight {
		r.deleted = true
	} else {
		m.unplace(r)
	}
	m.remove(ctx, r)
	m.set.Logger.Info("Delivery deleted through the console", zap.String("delivery", r.ID), zap.Int("items", r.Items))
	return nil
}

// Enable re-enables an endpoint disabled by a 410 Gone.
func (m *Manager) Enable(ctx context.Context) error {
	m.mu.Lock()
	defer m.signal()
	defer m.mu.Unlock()
	if !m.disabled.Load() {
		return nil
	}
	if err := m.set.Store.SetDisabled(ctx, false); err != nil {
		return err
	}
	m.disabled.Store(false)
	m.set.Logger.Info("The webhook endpoint is enabled again through the console")
	return nil
}
