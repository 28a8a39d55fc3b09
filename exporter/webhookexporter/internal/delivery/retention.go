package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// evictLocked drops the oldest dead letters past dead_letter::max_age or
// while their bodies exceed dead_letter::max_size, each counted and logged
// by name.
func (m *Manager) evictLocked(ctx context.Context, now time.Time) {
	var evicted []*Record
	for len(m.dead) > 0 {
		oldest := m.dead[0]
		var why string
		switch {
		case m.cfg.DeadLetterMaxAge > 0 && now.Sub(oldest.DeadAt) >= m.cfg.DeadLetterMaxAge:
			why = "older than delivery::dead_letter::max_age"
		case m.cfg.DeadLetterMaxSize > 0 && m.deadBytes > m.cfg.DeadLetterMaxSize:
			why = "dead letters over delivery::dead_letter::max_size"
		default:
		}
		if why == "" {
			break
		}
		m.dead = m.dead[1:]
		m.deadBytes -= int64(oldest.Bytes)
		delete(m.records, oldest.ID)
		evicted = append(evicted, oldest)
		m.set.Logger.Error("Dead letter evicted: its data is dropped",
			zap.String("delivery", oldest.ID), zap.String("webhook_id", oldest.WebhookID),
			zap.Int("items", oldest.Items), zap.Int("bytes", oldest.Bytes),
			zap.Time("dead_at", oldest.DeadAt), zap.String("why", why), zap.String("reason", oldest.Reason))
	}
	if len(evicted) == 0 {
		return
	}
	m.set.Observer.Outcome(ctx, OutcomeEvicted, len(evicted))
	if err := m.set.Store.Remove(ctx, evicted...); err != nil {
		m.set.Logger.Error("Removing evicted dead letters from the delivery store failed", zap.Error(err))
	}
}

// nextExpiry is when the oldest dead letter passes max_age (zero: never).
func (m *Manager) nextExpiry() time.Time {
	if m.cfg.DeadLetterMaxAge <= 0 || len(m.dead) == 0 {
		return time.Time{}
	}
	return m.dead[0].DeadAt.Add(m.cfg.DeadLetterMaxAge)
}
