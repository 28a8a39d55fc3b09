package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"container/heap"
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// dispatch hands due deliveries to idle workers. It waits on one timer,
// set to the earliest due time (or the circuit's reopening, or the next
// dead letter to expire), and on wake-ups when that may have changed.
func (m *Manager) dispatch() {
	defer m.running.Done()
	for {
		select {
		case <-m.idle:
		case <-m.stop:
			return
		}
		if !m.dispatchOne() {
			return
		}
	}
}

// dispatchOne waits until a delivery is due and hands it to the idle
// worker; it returns false at shutdown.
func (m *Manager) dispatchOne() bool {
	for {
		m.mu.Lock()
		now := m.set.Clock.Now()
		m.evictLocked(m.runCtx, now)
		r, next := m.takeDue(now)
		if expiry := m.nextExpiry(); !expiry.IsZero() && (next.IsZero() || expiry.Before(next)) {
			next = expiry
		}
		m.mu.Unlock()
		if r != nil {
			select {
			case m.work <- r:
				return true
			case <-m.stop:
				m.putBack(r)
				return false
			}
		}
		var timer Timer
		var fired <-chan time.Time
		if !next.IsZero() {
			timer = m.set.Clock.NewTimer(next.Sub(m.set.Clock.Now()))
			fired = timer.C()
		}
		select {
		case <-fired:
		case <-m.wake:
		case <-m.stop:
			if timer != nil {
				timer.Stop()
			}
			return false
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// takeDue pops the first due delivery that may be sent now, or returns
// when to look again (zero: when woken). While the endpoint is disabled,
// due deliveries become dead letters without an attempt.
func (m *Manager) takeDue(now time.Time) (*Record, time.Time) {
	for m.scheduled.Len() > 0 {
		r := m.scheduled[0]
		if m.disabled.Load() {
			heap.Pop(&m.scheduled)
			m.kill(r, reasonDisabled)
			m.update(m.runCtx, r)
			m.place(r)
			m.countPlaced(m.runCtx, r)
			continue
		}
		if r.NextAttemptAt.After(now) {
			return nil, r.NextAttemptAt
		}
		if ok, until := m.breaker.allow(now); !ok {
			return nil, until
		}
		heap.Pop(&m.scheduled)
		r.inFlight = true
		r.probe = m.breaker.state.Load() == circuitProbing
		return r, time.Time{}
	}
	return nil, time.Time{}
}

// putBack returns an abandoned delivery to the schedule, unchanged.
func (m *Manager) putBack(r *Record) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.releaseIfProbe(r)
	r.inFlight = false
	if !r.deleted {
		heap.Push(&m.scheduled, r)
	}
}

func (m *Manager) worker() {
	defer m.running.Done()
	for {
		select {
		case m.idle <- struct{}{}:
		case <-m.stop:
			return
		}
		select {
		case r := <-m.work:
			m.attempt(m.runCtx, r)
		case <-m.stop:
			return
		}
	}
}

// attempt sends a stored delivery once and records the outcome.
func (m *Manager) attempt(ctx context.Context, r *Record) {
	m.mu.Lock()
	body, err := m.body(ctx, r)
	m.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			m.putBack(r)
			return
		}
		m.mu.Lock()
		m.releaseIfProbe(r)
		r.inFlight = false
		if !r.deleted {
			m.kill(r, "the body could not be read from the delivery store: "+err.Error())
			m.update(ctx, r)
			m.place(r)
			m.countPlaced(ctx, r)
		}
		m.mu.Unlock()
		m.signal()
		return
	}
	if err := m.limiter.wait(ctx); err != nil {
		m.putBack(r)
		return
	}
	at := m.set.Clock.Now()
	res := m.set.Sender.Send(ctx, body, r.WebhookID)
	took := m.set.Clock.Now().Sub(at)
	if ctx.Err() != nil {
		// Shutdown cut the attempt short: it does not count.
		m.putBack(r)
		return
	}
	m.mu.Lock()
	defer m.signal()
	defer m.mu.Unlock()
	r.inFlight = false
	r.probe = false
	replayed := r.replay
	r.replay = false
	v := m.record(ctx, r, res, at, took)
	if r.deleted {
		if v == delivered {
			m.set.Observer.Outcome(ctx, OutcomeDelivered, 1)
		}
		return
	}
	if v == delivered {
		m.remove(ctx, r)
		m.set.Observer.Outcome(ctx, OutcomeDelivered, 1)
		return
	}
	if replayed {
		// Replayed while in flight: a fresh schedule from this failure on.
		m.reschedule(r, m.set.Clock.Now())
	}
	m.update(ctx, r)
	m.place(r)
	m.countPlaced(ctx, r)
}

// releaseIfProbe gives the probe back when r held it and was not sent.
func (m *Manager) releaseIfProbe(r *Record) {
	if r.probe {
		m.breaker.release()
		r.probe = false
	}
}

// update writes a changed record; a failure is logged, the record stays in
// memory. A record the store has not taken yet is written whole.
func (m *Manager) update(ctx context.Context, r *Record) {
	if r.unsaved {
		if err := m.set.Store.Add(ctx, r, r.held); err != nil {
			m.set.Logger.Error("Writing a delivery to the delivery store failed again; it is kept in memory",
				zap.String("delivery", r.ID), zap.Error(err))
			return
		}
		r.held, r.unsaved = nil, false
		return
	}
	if err := m.set.Store.Update(ctx, r); err != nil {
		m.set.Logger.Error("Updating a delivery in the delivery store failed; it is kept in memory",
			zap.String("delivery", r.ID), zap.Error(err))
	}
}

// body returns a record's body, from memory while the store has not taken
// it.
func (m *Manager) body(ctx context.Context, r *Record) ([]byte, error) {
	if r.unsaved {
		return r.held, nil
	}
	return m.set.Store.Body(ctx, r)
}

// saveUnsaved makes a last attempt, at shutdown, to write the records the
// store refused; what it still refuses is lost, counted and logged.
func (m *Manager) saveUnsaved(ctx context.Context) {
	lost := 0
	for _, r := range m.records {
		if !r.unsaved {
			continue
		}
		if m.update(ctx, r); r.unsaved {
			lost++
			m.set.Logger.Error("A delivery the delivery store never took is lost at shutdown",
				zap.String("delivery", r.ID), zap.String("webhook_id", r.WebhookID), zap.Int("items", r.Items))
		}
	}
	if lost > 0 {
		m.set.Observer.Outcome(ctx, OutcomeEvicted, lost)
	}
}

// remove forgets a record that is neither scheduled nor dead any more.
func (m *Manager) remove(ctx context.Context, r *Record) {
	delete(m.records, r.ID)
	r.held = nil
	if err := m.set.Store.Remove(ctx, r); err != nil {
		m.set.Logger.Error("Removing a delivery from the delivery store failed; it may be sent again after a restart",
			zap.String("delivery", r.ID), zap.Error(err))
	}
}

// unplace takes a record out of the heap or the dead letters.
func (m *Manager) unplace(r *Record) {
	if r.State == console.DeliveryScheduled {
		if r.index >= 0 {
			heap.Remove(&m.scheduled, r.index)
		}
		return
	}
	for i, d := range m.dead {
		if d == r {
			m.dead = append(m.dead[:i], m.dead[i+1:]...)
			m.deadBytes -= int64(r.Bytes)
			return
		}
	}
}
