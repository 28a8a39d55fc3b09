package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// storageName names the receiver's client of the storage extension.
const storageName = "dedup"

// valueVersion is the first byte of a stored value; the 8 bytes after it are
// the key's expiry, big-endian Unix nanoseconds.
const (
	valueVersion = 1
	valueLen     = 9
)

var errNotStarted = errors.New("not started")

func encodeValue(expires int64) []byte {
	b := make([]byte, valueLen)
	b[0] = valueVersion
	binary.BigEndian.PutUint64(b[1:], uint64(expires))
	return b
}

// decodeValue returns the expiry of a stored value; ok is false for a value
// this version cannot read, which is then treated as absent.
func decodeValue(b []byte) (expires int64, ok bool) {
	if len(b) != valueLen || b[0] != valueVersion {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(b[1:])), true
}

// storageBackend keeps accepted keys in a storage extension, with their
// expiry, since the storage API has no TTL. Reservations stay in memory
// (local): the extension's file belongs to this process alone, and a crash
// must forget them so that the sender's retry is accepted.
type storageBackend struct {
	client storage.Client
	walker storage.Walker // nil when the client cannot walk: no cleanup
	tel    *telemetry
}

// connectStorage finds the storage extension named id and opens the
// receiver's client of it.
func connectStorage(ctx context.Context, host component.Host, id, owner component.ID) (storage.Client, error) {
	ext, ok := host.GetExtensions()[id]
	if !ok {
		return nil, fmt.Errorf("storage extension %q not found: add it to the service's extensions", id)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("extension %q is not a storage extension", id)
	}
	client, err := se.GetClient(ctx, component.KindReceiver, owner, storageName)
	if err != nil {
		return nil, fmt.Errorf("storage extension %q: %w", id, err)
	}
	return client, nil
}

// get reads the keys at pending in one Batch and returns their expiries
// (0 for absent or unreadable values).
func (s *storageBackend) get(ctx context.Context, keys []Key, pending []int) ([]int64, error) {
	if s.client == nil {
		return nil, errNotStarted
	}
	ops := make([]storage.Operation, len(pending))
	ptrs := make([]*storage.Operation, len(pending))
	for j, i := range pending {
		ops[j] = storage.Operation{Key: keys[i].String(), Type: storage.Get}
		ptrs[j] = &ops[j]
	}
	if err := s.call(ctx, ptrs); err != nil {
		return nil, err
	}
	out := make([]int64, len(pending))
	for j := range ops {
		if ops[j].Value != nil {
			out[j], _ = decodeValue(ops[j].Value)
		}
	}
	return out, nil
}

// put writes the accepted keys with their expiry in one Batch.
func (s *storageBackend) put(ctx context.Context, keys []Key, expires int64) error {
	if s.client == nil {
		return errNotStarted
	}
	value := encodeValue(expires)
	ops := make([]storage.Operation, len(keys))
	ptrs := make([]*storage.Operation, len(keys))
	for i, key := range keys {
		// The client does not keep value past the call, so one serves all.
		ops[i] = storage.Operation{Key: key.String(), Value: value, Type: storage.Set}
		ptrs[i] = &ops[i]
	}
	return s.call(ctx, ptrs)
}

// call runs one Batch and records its latency. The storage API does not
// promise to honour ctx, so a ctx that can end bounds the wait: the caller
// gets ctx's error and the Batch finishes on its own.
func (s *storageBackend) call(ctx context.Context, ops []*storage.Operation) error {
	start := time.Now()
	defer s.tel.latency(ctx, srcStorage, start)
	if ctx.Done() == nil {
		return s.client.Batch(ctx, ops...)
	}
	done := make(chan error, 1)
	go func() { done <- s.client.Batch(ctx, ops...) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserveStorage answers keys from the local state and, for the others, from
// the storage in one Batch. l.mu is held across the Batch: this process is
// the storage's only writer, so that makes the reservation atomic.
func (d *Deduplicator) reserveStorage(ctx context.Context, keys []Key, states []State, now int64) error {
	l := d.local
	l.mu.Lock()
	defer l.mu.Unlock()
	hits, pending := l.screen(keys, states, now)
	d.tel.hits(ctx, srcLocal, hits)
	if len(pending) == 0 {
		return nil
	}
	lease := reservation{expires: now + int64(d.cfg.Lease)}
	found, err := d.store.get(ctx, keys, pending)
	if err != nil {
		if err := d.reserveFailed(ctx, err); err != nil {
			return err
		}
		for _, i := range pending {
			states[i] = New
			l.inflight[keys[i]] = lease
		}
		return nil
	}
	hits, misses := 0, 0
	for j, i := range pending {
		if found[j] > now {
			states[i] = Done
			l.done.add(keys[i], entry{expires: found[j], done: true})
			hits++
			continue
		}
		states[i] = New
		l.inflight[keys[i]] = lease
		misses++
	}
	d.tel.hits(ctx, srcStorage, hits)
	d.tel.misses(ctx, srcStorage, misses)
	return nil
}

// finishStorage writes accepted keys; a rejected key was only reserved in
// memory, so it costs no storage call.
func (d *Deduplicator) finishStorage(ctx context.Context, keys []Key, accepted bool, now int64) {
	expires := now + int64(d.cfg.TTL)
	if accepted {
		if err := d.store.put(context.WithoutCancel(ctx), keys, expires); err != nil {
			d.finishFailed(ctx, err)
		}
	}
	d.local.finish(keys, accepted, expires)
}
