package dedup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// file_storage's client can walk, so expired keys are cleaned up.
func TestFileStorageClientWalks(t *testing.T) {
	_, h := fileStorage(t, t.TempDir(), 0)
	d := newEnv(t, nil).start(t, storageConfig(), h)
	_, ok := d.store.client.(storage.Walker)
	require.True(t, ok)
	require.NotNil(t, d.store.walker)
}

func TestStorageLifecycle(t *testing.T) {
	_, h := fileStorage(t, t.TempDir(), 0)
	e := newEnv(t, newClock().Now)
	d := e.start(t, storageConfig(), h)
	ctx := context.Background()
	a, b := "otlp:d:msg_a", "openrouter_events:e:evt_b"

	assert.Equal(t, []State{New, New}, reserve(t, d, a, b))
	assert.Equal(t, uint64(1), e.calls(t, "storage"), "one Batch for both keys")
	assert.Equal(t, []State{InFlight, InFlight}, reserve(t, d, a, b))
	assert.Equal(t, uint64(1), e.calls(t, "storage"), "own reservations answered in memory")

	d.Finish(ctx, K(a), true)
	assert.Equal(t, uint64(2), e.calls(t, "storage"), "accepted keys written in one Batch")
	d.Finish(ctx, K(b), false)
	assert.Equal(t, uint64(2), e.calls(t, "storage"), "a released key was only reserved in memory")
	assert.Equal(t, 1, entries(t, d), "only the accepted key is stored")

	assert.Equal(t, []State{Done, New}, reserve(t, d, a, b))
	assert.Equal(t, int64(1), e.hits(t, "local"), "a answered by the in-process cache")
	assert.Equal(t, int64(0), e.hits(t, "storage"))
	assert.Equal(t, int64(3), e.misses(t, "storage"))
	assert.Equal(t, int64(0), e.errors(t, "storage"))

	// A second Deduplicator on the same storage (as after a restart) finds
	// the accepted key in the storage and caches it.
	require.NoError(t, d.Shutdown(ctx))
	d2 := e.start(t, storageConfig(), h)
	assert.Equal(t, []State{Done}, reserve(t, d2, a))
	assert.Equal(t, int64(1), e.hits(t, "storage"))
	calls := e.calls(t, "storage")
	assert.Equal(t, []State{Done}, reserve(t, d2, a))
	assert.Equal(t, calls, e.calls(t, "storage"), "no storage call for a cached key")
}

// Accepted keys survive closing the Deduplicator and the extension;
// unfinished reservations do not, so the sender's retry is accepted.
func TestStorageSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	accepted, rejected, unfinished := spanKeys(1, 100), "otlp:d:rejected", "otlp:d:unfinished"

	ext, err := openFileStorage(dir, 0)
	require.NoError(t, err)
	e := newEnv(t, nil)
	d, err := NewDeduplicator(storageConfig(), e.set)
	require.NoError(t, err)
	require.NoError(t, d.Start(ctx, host{fileStorageID: ext}))
	reserveKeys(t, d, accepted...)
	d.Finish(ctx, accepted, true)
	reserve(t, d, rejected, unfinished)
	d.Finish(ctx, K(rejected), false)
	require.NoError(t, d.Shutdown(ctx))
	require.NoError(t, ext.Shutdown(ctx))

	_, h := fileStorage(t, dir, 0)
	d2 := e.start(t, storageConfig(), h)
	assert.Equal(t, states(100, Done), reserveKeys(t, d2, accepted...))
	assert.Equal(t, []State{New, New}, reserve(t, d2, rejected, unfinished))
}

// Accepted keys survive a SIGKILL of the process that wrote them.
func TestStorageSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	wd, err := os.Getwd() // the harness package looks for the repository from it
	require.NoError(t, err)
	p := harness.StartProcess(t, "storage writer", wd, []string{storageChildEnv + "=" + dir}, os.Args[0], "-test.run=^$")
	require.Eventually(t, func() bool {
		return p.Exited() || strings.Contains(p.Log.String(), "ready")
	}, 60*time.Second, 10*time.Millisecond)
	require.False(t, p.Exited(), "writer exited: %s", p.Log.String())
	p.Stop(syscall.SIGKILL)

	_, h := fileStorage(t, dir, 0)
	d := newEnv(t, nil).start(t, storageConfig(), h)
	keys := make([]string, childAccepted)
	for i := range keys {
		keys[i] = fmt.Sprintf("otlp:d:killed-%d", i)
	}
	assert.Equal(t, states(childAccepted, Done), reserve(t, d, keys...))
	assert.Equal(t, []State{New}, reserve(t, d, "otlp:d:in-flight"), "the killed process's reservation is forgotten")
}

func TestStorageExpiry(t *testing.T) {
	clk := newClock()
	_, h := fileStorage(t, t.TempDir(), 0)
	e := newEnv(t, clk.Now)
	cfg := storageConfig()
	cfg.TTL = time.Hour
	d := e.start(t, cfg, h)
	ctx := context.Background()

	reserve(t, d, "otlp:d:old")
	d.Finish(ctx, K("otlp:d:old"), true)
	clk.Advance(30 * time.Minute)
	reserve(t, d, "otlp:d:new")
	d.Finish(ctx, K("otlp:d:new"), true)
	clk.Advance(30 * time.Minute)

	assert.Equal(t, []State{New, Done}, reserve(t, d, "otlp:d:old", "otlp:d:new"), "expired in the cache")
	d.Finish(ctx, K("otlp:d:old"), false)
	require.NoError(t, d.Shutdown(ctx)) // the file is locked by one client at a time
	d2 := e.start(t, cfg, h)
	assert.Equal(t, []State{New, Done}, reserve(t, d2, "otlp:d:old", "otlp:d:new"), "an expired stored value is absent")
	assert.Equal(t, 2, entries(t, d2), "still in the file until the cleanup")
}

// The cleanup deletes expired and unreadable entries, in several walks
// (more than cleanupDeletes of them), and keeps the live ones.
func TestStorageCleanup(t *testing.T) {
	clk := newClock()
	_, h := fileStorage(t, t.TempDir(), 0)
	cfg := storageConfig()
	cfg.TTL = time.Hour
	d := newEnv(t, clk.Now).start(t, cfg, h)
	ctx := context.Background()

	const expired, live = 2*cleanupDeletes + 500, 300
	old := spanKeys(1, expired)
	for i := 0; i < len(old); i += 100 {
		reserveKeys(t, d, old[i:i+100]...)
		d.Finish(ctx, old[i:i+100], true)
	}
	require.NoError(t, d.store.client.Set(ctx, "otlp:d:garbage", []byte("not a value")))
	clk.Advance(2 * time.Hour)
	fresh := spanKeys(2, live)
	reserveKeys(t, d, fresh...)
	d.Finish(ctx, fresh, true)
	require.Equal(t, expired+1+live, entries(t, d))

	n, err := d.store.cleanup(ctx, clk.Now().UnixNano())
	require.NoError(t, err)
	assert.Equal(t, expired+1, n)
	assert.Equal(t, live, entries(t, d))
	assert.Equal(t, states(live, Done), reserveKeys(t, d, fresh...))
}

func TestStorageBackgroundCleanup(t *testing.T) {
	clk := newClock()
	_, h := fileStorage(t, t.TempDir(), 0)
	cfg := storageConfig()
	cfg.TTL = time.Hour
	d := newEnv(t, clk.Now).start(t, cfg, h, func(d *Deduplicator) { d.every = 10 * time.Millisecond })
	ctx := context.Background()

	keys := spanKeys(1, 50)
	reserveKeys(t, d, keys...)
	d.Finish(ctx, keys, true)
	reserve(t, d, "otlp:d:stuck") // never finished
	require.Equal(t, 50, entries(t, d))
	clk.Advance(2 * time.Hour)
	require.Eventually(t, func() bool { return entries(t, d) == 0 }, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool {
		d.local.mu.Lock()
		defer d.local.mu.Unlock()
		return len(d.local.inflight) == 0
	}, 10*time.Second, 10*time.Millisecond, "a reservation past its lease is pruned")
}

func TestCleanupInterval(t *testing.T) {
	cfg := storageConfig()
	for ttl, want := range map[time.Duration]time.Duration{
		72 * time.Hour:   time.Hour,
		5 * time.Hour:    30 * time.Minute,
		time.Minute:      time.Minute,
		10 * time.Second: time.Minute,
	} {
		cfg.TTL = ttl
		assert.Equal(t, want, cleanupInterval(cfg), ttl)
	}
}

type notStorage struct{ component.StartFunc }

func (notStorage) Shutdown(context.Context) error { return nil }

func TestStorageStartErrors(t *testing.T) {
	d, err := NewDeduplicator(storageConfig(), newEnv(t, nil).set)
	require.NoError(t, err)
	err = d.Start(context.Background(), host{})
	require.EqualError(t, err, `storage extension "file_storage/dedup" not found: add it to the service's extensions`)

	d, err = NewDeduplicator(storageConfig(), newEnv(t, nil).set)
	require.NoError(t, err)
	err = d.Start(context.Background(), host{fileStorageID: notStorage{}})
	require.EqualError(t, err, `extension "file_storage/dedup" is not a storage extension`)
	require.NoError(t, d.Shutdown(context.Background()))
	require.NoError(t, d.Shutdown(context.Background()), "twice")
}

// A storage that fails: on_error decides, errors are counted, one warning.
func TestStorageFailure(t *testing.T) {
	for _, onError := range []OnError{OnErrorAccept, OnErrorRetry} {
		t.Run(string(onError), func(t *testing.T) {
			_, h := fileStorage(t, t.TempDir(), 0)
			e := newEnv(t, newClock().Now)
			cfg := storageConfig()
			cfg.OnError = onError
			d := e.start(t, cfg, h)
			ctx := context.Background()
			reserve(t, d, "otlp:d:accepted")
			d.Finish(ctx, K("otlp:d:accepted"), true)
			require.NoError(t, d.store.client.Close(ctx)) // every call fails from now on

			st, err := d.Reserve(ctx, K("otlp:d:accepted", "otlp:d:a", "otlp:d:b"), nil)
			if onError == OnErrorRetry {
				require.ErrorIs(t, err, ErrUnavailable)
				assert.Contains(t, err.Error(), "dedup backend unavailable: storage: ")
				assert.Nil(t, st)
				st, err = d.Reserve(ctx, K("otlp:d:accepted"), nil)
				require.NoError(t, err, "a cached key needs no storage call")
				assert.Equal(t, []State{Done}, st)
			} else {
				require.NoError(t, err)
				assert.Equal(t, []State{Done, New, New}, st)
				d.Finish(ctx, K("otlp:d:a"), true)
				assert.Equal(t, []State{Done, Done, InFlight}, reserve(t, d, "otlp:d:accepted", "otlp:d:a", "otlp:d:b"),
					"accepted despite the failure: remembered in memory")
			}
			wantErrors := map[OnError]int64{OnErrorRetry: 1, OnErrorAccept: 2}[onError] // accept: Reserve and Finish
			assert.Equal(t, wantErrors, e.errors(t, "storage"))
			assert.Equal(t, 1, e.warnings(), "at most one warning a minute")
		})
	}
}

// A full storage fails the writes of Finish: counted, and the keys are still
// remembered by the process.
func TestStorageFull(t *testing.T) {
	_, h := fileStorage(t, t.TempDir(), 64<<10)
	e := newEnv(t, nil)
	d := e.start(t, storageConfig(), h)
	ctx := context.Background()
	var full []Key
	for round := 0; round < 100 && e.errors(t, "storage") == 0; round++ {
		full = spanKeys(round, 100)
		reserveKeys(t, d, full...)
		d.Finish(ctx, full, true)
	}
	require.Equal(t, int64(1), e.errors(t, "storage"), "the storage never filled")
	assert.Equal(t, states(100, Done), reserveKeys(t, d, full...))
	var logged error
	for _, l := range e.logs.FilterMessage("Dedup backend call failed").All() {
		if err, ok := l.ContextMap()["error"].(string); ok {
			logged = errors.New(err)
		}
	}
	require.Error(t, logged)
	assert.Equal(t, storage.ErrStorageFull.Error(), logged.Error())
}
