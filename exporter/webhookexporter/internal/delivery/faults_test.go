package delivery

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

var errDiskFull = errors.New("disk full")

// faultyClient is a real file_storage client whose writes fail while
// failWrites is set, as on a full disk.
type faultyClient struct {
	storage.Client
	failWrites atomic.Bool
}

func (c *faultyClient) Set(ctx context.Context, key string, value []byte) error {
	if c.failWrites.Load() {
		return errDiskFull
	}
	return c.Client.Set(ctx, key, value)
}

func (c *faultyClient) Batch(ctx context.Context, ops ...*storage.Operation) error {
	if c.failWrites.Load() {
		return errDiskFull
	}
	return c.Client.Batch(ctx, ops...)
}

func (c *faultyClient) Walk(ctx context.Context, fn storage.WalkFunc) error {
	return c.Client.(storage.Walker).Walk(ctx, fn)
}

// faultyFileStore is fileStore with writes that fail on demand.
func faultyFileStore(t *testing.T, dir string) (Store, *faultyClient, func()) {
	t.Helper()
	store, stop := fileStore(t, dir)
	client := &faultyClient{Client: store.(*storageStore).client}
	return NewStorageStore(client), client, stop
}

// A delivery the store cannot write is not lost: it is kept in memory,
// said so, sent on its schedule, and written once the store takes writes
// again.
func TestStoreWriteFailureKeepsInMemory(t *testing.T) {
	dir := t.TempDir()
	store, client, stop := faultyFileStore(t, dir)
	f := newFixture(t, Config{}, store, status(503))
	client.failWrites.Store(true)
	f.deliver(t, "a", status(503))
	f.waitCounts(t, 1, 0)
	assert.Equal(t, 1, f.logs.FilterMessageSnippet("could not be written to the delivery store").Len(), f.logs.All())
	body, _, err := f.m.Body(context.Background(), f.m.List(console.Filter{})[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "a", string(body))

	// The retry is sent from memory; it fails, and the store, writable
	// again, now keeps the delivery.
	f.advance(t, 5*time.Second)
	f.waitSent(t, 1)
	assert.Equal(t, "a", f.sender.bodies[0])
	client.failWrites.Store(false)
	f.advance(t, 5*time.Minute)
	f.waitSent(t, 2)
	f.waitCounts(t, 1, 0)
	require.NoError(t, f.m.Shutdown(context.Background()))
	stop()

	store2, stop2 := fileStore(t, dir)
	defer stop2()
	g := newFixture(t, Config{}, store2, status(200))
	g.waitCounts(t, 1, 0)
	d := g.m.List(console.Filter{})[0]
	assert.Len(t, d.Attempts, 3, "its attempt log came along")
	body, _, err = g.m.Body(context.Background(), d.ID)
	require.NoError(t, err)
	assert.Equal(t, "a", string(body))
}
