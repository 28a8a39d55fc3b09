package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/otel/metric/noop"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

// State is what the dedup backend knows of a key.
type State uint8

const (
	// New: not seen, or expired. The caller now holds a reservation and
	// must Finish it.
	New State = iota
	// InFlight: reserved by another request, of this replica or another,
	// that has not finished.
	InFlight
	// Done: accepted within the TTL.
	Done
)

func (s State) String() string {
	switch s {
	case New:
		return "new"
	case InFlight:
		return "in_flight"
	case Done:
		return "done"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// ErrUnavailable is returned by Reserve, with on_error: retry, when the
// backend failed or timed out; it wraps the cause. Nothing is reserved then.
var ErrUnavailable = errors.New("dedup backend unavailable")

// Settings are what the receiver hands to NewDeduplicator.
type Settings struct {
	// ID is the receiver's ID; it names its storage client.
	ID component.ID
	// Telemetry provides the logger.
	Telemetry component.TelemetrySettings
	// Metrics is the receiver's telemetry builder; nil records nothing.
	Metrics *metadata.TelemetryBuilder
	// Now is the clock of expiries; nil is time.Now.
	Now func() time.Time
}

// Deduplicator remembers keys (delivery ids, spans, event ids) that the
// pipeline accepted, for the TTL, in the configured backend. A request
// reserves its keys with Reserve, and ends the reservations it got (New)
// with Finish once the pipeline answered.
type Deduplicator struct {
	cfg  Config
	id   component.ID
	log  *zap.Logger
	now  func() time.Time
	tel  *telemetry
	warn *warner
	src  source

	mem   *memory         // backend memory
	local *local          // backends storage and redis
	store *storageBackend // backend storage
	redis *redisBackend   // backend redis

	// Tests shorten the background interval and adjust go-redis's options.
	every       time.Duration
	adjustRedis func(*redis.Options)

	mu      sync.Mutex // lifecycle
	started bool
	stopped bool
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// NewDeduplicator builds a Deduplicator; it runs Check first. (It is not
// named New: that is the State.)
func NewDeduplicator(cfg Config, set Settings) (*Deduplicator, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	tb := set.Metrics
	if tb == nil {
		var err error
		tb, err = metadata.NewTelemetryBuilder(component.TelemetrySettings{MeterProvider: noop.NewMeterProvider()})
		if err != nil {
			return nil, err
		}
	}
	d := &Deduplicator{
		cfg:   cfg,
		id:    set.ID,
		log:   set.Telemetry.Logger,
		now:   set.Now,
		tel:   newTelemetry(tb),
		src:   sourceOf(cfg.Backend),
		every: cleanupInterval(cfg),
	}
	if d.log == nil {
		d.log = zap.NewNop()
	}
	if d.now == nil {
		d.now = time.Now
	}
	d.warn = &warner{log: d.log, now: d.now}
	switch cfg.Backend {
	case BackendMemory:
		d.mem = newMemory(cfg)
	case BackendStorage:
		d.local = newLocal(cfg.MaxEntries)
		d.store = &storageBackend{tel: d.tel}
	case BackendRedis:
		d.local = newLocal(cfg.MaxEntries)
		d.redis = newRedisBackend(cfg, d.tel)
	}
	return d, nil
}

// Start connects the backend: it opens the storage extension's client, or
// builds the Redis client (a Redis that is down does not fail the start),
// and starts the background cleanup. A second Start does nothing.
func (d *Deduplicator) Start(ctx context.Context, host component.Host) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return errors.New("dedup: Start after Shutdown")
	}
	if d.started {
		return nil
	}
	switch d.cfg.Backend {
	case BackendMemory:
		d.started = true
		return nil
	case BackendStorage:
		client, err := connectStorage(ctx, host, d.cfg.Storage, d.id)
		if err != nil {
			return err
		}
		d.store.client = client
		if w, ok := client.(storage.Walker); ok {
			d.store.walker = w
		} else {
			d.log.Warn("The storage extension cannot walk its entries: expired dedup keys are never removed from it",
				zap.Stringer("storage", d.cfg.Storage))
		}
	case BackendRedis:
		if err := d.connectRedis(ctx); err != nil {
			return err
		}
	}
	bg, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	d.wg.Go(func() { d.background(bg) })
	d.started = true
	return nil
}

func (d *Deduplicator) background(ctx context.Context) {
	t := time.NewTicker(d.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.runCleanup(ctx)
		}
	}
}

// Shutdown stops the cleanup and closes the backend's client. It is safe
// before Start and more than once.
func (d *Deduplicator) Shutdown(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return nil
	}
	d.stopped = true
	var errs []error
	if d.stop != nil {
		d.stop()
		waited := make(chan struct{})
		go func() { d.wg.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-ctx.Done():
			// The cleanup stops at its next entry; closing waits for it.
			errs = append(errs, ctx.Err())
		}
	}
	if d.store != nil && d.store.client != nil {
		errs = append(errs, d.store.client.Close(ctx))
	}
	if d.redis != nil && d.redis.client != nil {
		errs = append(errs, d.redis.client.Close())
	}
	return errors.Join(errs...)
}

// Reserve looks up every key in one backend round trip and reserves the new
// ones; states[i] is the state of keys[i], in buf when it is large enough. Keys must be unique within a call
// and namespaced by the caller (SpanKey, TextKey). No keys, or only
// keys this process knows accepted, make no backend call.
//
// Whether a request with some keys InFlight goes on is the caller's
// decision; if it does not, it releases the keys it got as New with
// Finish(ctx, keys, false).
func (d *Deduplicator) Reserve(ctx context.Context, keys []Key, buf []State) ([]State, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	states := slices.Grow(buf[:0], len(keys))[:len(keys)]
	clear(states)
	now := d.now().UnixNano()
	var err error
	switch d.cfg.Backend {
	case BackendMemory:
		// No latency: there is no backend call to time, and the clock
		// and histogram would cost more than the lookup of one key.
		hits, misses := d.mem.reserve(keys, states, now)
		d.tel.hits(ctx, srcMemory, hits)
		d.tel.misses(ctx, srcMemory, misses)
	case BackendStorage:
		err = d.reserveStorage(ctx, keys, states, now)
	case BackendRedis:
		err = d.reserveRedis(ctx, keys, states, now)
	}
	if err != nil {
		return nil, err
	}
	return states, nil
}

// Finish ends the reservations Reserve returned as New: accepted keys are
// remembered for the TTL, the others released so that a retry is accepted.
// Backend errors are counted and logged, not returned: the data is already
// accepted or refused.
func (d *Deduplicator) Finish(ctx context.Context, keys []Key, accepted bool) {
	if len(keys) == 0 {
		return
	}
	now := d.now().UnixNano()
	switch d.cfg.Backend {
	case BackendMemory:
		d.mem.finish(keys, accepted, now)
	case BackendStorage:
		d.finishStorage(ctx, keys, accepted, now)
	case BackendRedis:
		d.finishRedis(ctx, keys, accepted, now)
	}
}

// reserveFailed counts a failed Reserve call and applies on_error: nil to
// answer the keys as new, or ErrUnavailable.
func (d *Deduplicator) reserveFailed(ctx context.Context, err error) error {
	d.tel.failed(ctx, d.src)
	if d.cfg.OnError == OnErrorRetry {
		d.warnFailed("reserve", err, zap.String("outcome", "the sender is asked to retry (503)"))
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, d.cfg.Backend, err)
	}
	d.warnFailed("reserve", err, zap.String("outcome", "forwarded without dedup; a duplicate is possible"))
	return nil
}

// finishFailed counts a failed Finish call.
func (d *Deduplicator) finishFailed(ctx context.Context, err error) {
	d.tel.failed(ctx, d.src)
	d.warnFailed("finish", err, zap.String("outcome", "remembered by this process only; a retry after a restart, or on another replica, may be forwarded again"))
}

func (d *Deduplicator) warnFailed(call string, err error, fields ...zap.Field) {
	d.warn.warn("Dedup backend call failed", append(fields,
		zap.String("backend", d.cfg.Backend.String()),
		zap.String("call", call),
		zap.Error(err))...)
}
