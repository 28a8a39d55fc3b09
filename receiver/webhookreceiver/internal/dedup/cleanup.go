package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"
)

const (
	// cleanupMin and cleanupMax bound the interval of the storage cleanup,
	// which is ttl/10: expired entries then stay in the file at most about
	// a tenth of the TTL longer, at a cost of one walk of the file.
	cleanupMin = time.Minute
	cleanupMax = time.Hour

	// cleanupDeletes and cleanupVisits bound one walk. A walk holds the
	// storage's write transaction (file_storage), during which Reserve and
	// Finish wait, so a cleanup is many short walks instead of one long one.
	cleanupDeletes = 1000
	cleanupVisits  = 20_000
)

// cleanupInterval is how often the background work runs: the storage cleanup
// (ttl/10 within [1m, 1h]), or for redis the pruning of local reservations
// whose lease ended (the lease, at least a second).
func cleanupInterval(cfg Config) time.Duration {
	if cfg.Backend == BackendStorage {
		return min(max(cfg.TTL/10, cleanupMin), cleanupMax)
	}
	return max(cfg.Lease, time.Second)
}

// cleanup deletes the expired and unreadable entries of the storage, in
// walks of at most cleanupVisits entries and cleanupDeletes deletions. Walks
// resume after the last key visited; a storage that walks in no particular
// order may then skip some entries, which a later cleanup finds. It returns
// how many entries it deleted.
func (s *storageBackend) cleanup(ctx context.Context, now int64) (int, error) {
	if s.walker == nil {
		return 0, nil
	}
	deleted := 0
	after, started := "", false
	for {
		visits, dels := 0, 0
		last := after
		more := false
		err := s.walker.Walk(ctx, func(key string, value []byte) ([]*storage.Operation, error) {
			if started && key <= after {
				return nil, nil
			}
			last = key
			visits++
			var ops []*storage.Operation
			if expires, ok := decodeValue(value); !ok || expires <= now {
				ops = []*storage.Operation{storage.DeleteOperation(key)}
				dels++
			}
			if visits >= cleanupVisits || dels >= cleanupDeletes {
				more = true
				return ops, storage.SkipAll
			}
			return ops, nil
		})
		if err != nil {
			return deleted, err
		}
		deleted += dels
		if !more {
			return deleted, nil
		}
		after, started = last, true
		if err := ctx.Err(); err != nil {
			return deleted, err
		}
	}
}

// runCleanup is one round of the background work.
func (d *Deduplicator) runCleanup(ctx context.Context) {
	now := d.now().UnixNano()
	d.local.prune(now)
	if d.store == nil {
		return
	}
	// Not in the latency histogram: that describes the calls requests wait for.
	n, err := d.store.cleanup(ctx, now)
	switch {
	case err != nil && !errors.Is(err, context.Canceled):
		d.tel.failed(ctx, srcStorage)
		d.warnFailed("cleanup", err)
	case n > 0:
		d.log.Debug("dedup storage cleanup", zap.Int("deleted", n))
	}
}
