package delivery

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// fileStore opens a store on a real file_storage in dir; close stops the
// extension.
func fileStore(t *testing.T, dir string) (Store, func()) {
	t.Helper()
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	client, err := ext.(storage.Extension).GetClient(context.Background(), component.KindExporter, component.MustNewID("webhook"), "delivery_traces")
	require.NoError(t, err)
	return NewStorageStore(client), func() { require.NoError(t, ext.Shutdown(context.Background())) }
}

// Dead letters reloaded from file_storage (which lists keys in byte order:
// 10 before 2) keep the order they died in, so retention still drops the
// oldest first; bodies and attempt logs come back as they were.
func TestStorageStoreReloadsInOrder(t *testing.T) {
	dir := t.TempDir()
	store, stop := fileStore(t, dir)
	f := newFixture(t, Config{}, store, status(200))
	for i := range 12 {
		f.deliver(t, fmt.Sprintf("body-%02d", i), Result{Status: 400, Response: fmt.Sprintf("no %d", i)})
		f.clock.Advance(time.Second)
	}
	f.waitCounts(t, 0, 12)
	require.NoError(t, f.m.Shutdown(context.Background()))
	stop()

	store2, stop2 := fileStore(t, dir)
	defer stop2()
	g := newFixture(t, Config{DeadLetterMaxSize: int64(len("body-00") * 9)}, store2, status(200))
	g.waitCounts(t, 0, 9)
	list := g.m.List(console.Filter{})
	require.Len(t, list, 9)
	assert.Equal(t, "msg_body-11", list[0].WebhookID)
	assert.Equal(t, "msg_body-03", list[8].WebhookID, "the three oldest were evicted")
	assert.Equal(t, "no 3", list[8].Attempts[0].Response)
	body, _, err := g.m.Body(context.Background(), list[8].ID)
	require.NoError(t, err)
	assert.Equal(t, "body-03", string(body))
}
