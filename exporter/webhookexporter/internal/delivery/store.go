package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"context"
	"errors"
)

// Store keeps records and their bodies. The Manager holds every record's
// metadata in memory and calls the store under its lock.
type Store interface {
	// Load returns every stored record (bodies not loaded) and the next
	// sequence number to use.
	Load(ctx context.Context) ([]*Record, uint64, error)
	// Add stores a new record with its body.
	Add(ctx context.Context, r *Record, body []byte) error
	// Update stores a changed record; its body does not change.
	Update(ctx context.Context, r *Record) error
	// Body returns a record's body.
	Body(ctx context.Context, r *Record) ([]byte, error)
	// Remove deletes records and their bodies.
	Remove(ctx context.Context, rs ...*Record) error
	// Disabled and SetDisabled keep whether a 410 disabled the endpoint.
	Disabled(ctx context.Context) (bool, error)
	SetDisabled(ctx context.Context, disabled bool) error
	// Persistent reports whether records survive a restart.
	Persistent() bool
	Close(ctx context.Context) error
}

// memoryStore keeps bodies in the records themselves: everything is lost at
// shutdown.
type memoryStore struct{ disabled bool }

// NewMemoryStore returns the store used without delivery::storage.
func NewMemoryStore() Store { return &memoryStore{} }

// The Manager calls these under its lock.
func (s *memoryStore) Disabled(context.Context) (bool, error) { return s.disabled, nil }
func (s *memoryStore) SetDisabled(_ context.Context, d bool) error {
	s.disabled = d
	return nil
}

func (*memoryStore) Load(context.Context) ([]*Record, uint64, error) { return nil, 0, nil }
func (*memoryStore) Add(_ context.Context, r *Record, body []byte) error {
	r.body = body
	return nil
}
func (*memoryStore) Update(context.Context, *Record) error { return nil }
func (*memoryStore) Body(_ context.Context, r *Record) ([]byte, error) {
	if r.body == nil && r.Bytes > 0 {
		return nil, errors.New("the body is not held")
	}
	return r.body, nil
}
func (*memoryStore) Remove(_ context.Context, rs ...*Record) error {
	for _, r := range rs {
		r.body = nil
	}
	return nil
}
func (*memoryStore) Persistent() bool            { return false }
func (*memoryStore) Close(context.Context) error { return nil }
