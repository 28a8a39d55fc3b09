package dedup

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

var fileStorageID = component.MustNewIDWithName("file_storage", "dedup")

// openFileStorage creates and starts a real file_storage extension on dir.
// maxSize > 0 bounds its file.
func openFileStorage(dir string, maxSize int64) (extension.Extension, error) {
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	cfg.Compaction.Directory = dir
	cfg.MaxSize = maxSize
	set := extension.Settings{
		ID:                fileStorageID,
		TelemetrySettings: componenttest.NewNopTelemetrySettings(),
		BuildInfo:         component.NewDefaultBuildInfo(),
	}
	ext, err := f.Create(context.Background(), set, cfg)
	if err != nil {
		return nil, err
	}
	if err := ext.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		return nil, err
	}
	return ext, nil
}

// fileStorage is openFileStorage for a test, shut down when it ends, and a
// host that holds it.
func fileStorage(t testing.TB, dir string, maxSize int64) (extension.Extension, host) {
	t.Helper()
	ext, err := openFileStorage(dir, maxSize)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(context.Background())) })
	return ext, host{fileStorageID: ext}
}

func storageConfig() Config {
	cfg := NewDefaultConfig()
	cfg.Backend = BackendStorage
	cfg.Storage = fileStorageID
	return cfg
}

// entries counts what the Deduplicator's storage client holds.
func entries(t testing.TB, d *Deduplicator) int {
	t.Helper()
	n := 0
	require.NoError(t, d.store.walker.Walk(context.Background(), func(string, []byte) ([]*storage.Operation, error) {
		n++
		return nil, nil
	}))
	return n
}

// storageChildEnv makes the test binary a process that accepts keys into a
// file storage and then waits to be killed (TestStorageSurvivesSIGKILL).
const storageChildEnv = "DEDUP_TEST_STORAGE_CHILD"

const childAccepted = 50

func storageChild(dir string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ext, err := openFileStorage(dir, 0)
	if err != nil {
		return fail(err)
	}
	d, err := NewDeduplicator(storageConfig(), Settings{ID: receiverID, Telemetry: componenttest.NewNopTelemetrySettings()})
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	if err := d.Start(ctx, host{fileStorageID: ext}); err != nil {
		return fail(err)
	}
	for i := range childAccepted {
		key := fmt.Sprintf("otlp:d:killed-%d", i)
		if _, err := d.Reserve(ctx, K(key), nil); err != nil {
			return fail(err)
		}
		d.Finish(ctx, K(key), true)
	}
	if _, err := d.Reserve(ctx, K("otlp:d:in-flight"), nil); err != nil {
		return fail(err)
	}
	fmt.Println("ready")
	time.Sleep(time.Hour) // until SIGKILL
	return 0
}
