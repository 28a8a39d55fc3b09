package webhookexporter

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// memStorage is a storage extension that keeps its data in memory, which
// outlives the exporters that use it like a file would outlive a process.
type memStorage struct {
	component.StartFunc
	component.ShutdownFunc
	mu   sync.Mutex
	data map[string][]byte
}

var _ storage.Extension = (*memStorage)(nil)

func (m *memStorage) GetClient(context.Context, component.Kind, component.ID, string) (storage.Client, error) {
	return &memClient{s: m}, nil
}

type memClient struct{ s *memStorage }

func (c *memClient) Get(_ context.Context, key string) ([]byte, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return append([]byte(nil), c.s.data[key]...), nil
}

func (c *memClient) Set(_ context.Context, key string, value []byte) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.data[key] = append([]byte(nil), value...)
	return nil
}

func (c *memClient) Delete(_ context.Context, key string) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	delete(c.s.data, key)
	return nil
}

func (c *memClient) Batch(_ context.Context, ops ...*storage.Operation) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			if v, ok := c.s.data[op.Key]; ok {
				op.Value = append([]byte(nil), v...)
			} else {
				op.Value = nil
			}
		case storage.Set:
			c.s.data[op.Key] = append([]byte(nil), op.Value...)
		case storage.Delete:
			delete(c.s.data, op.Key)
		}
	}
	return nil
}

func (c *memClient) Close(context.Context) error { return nil }

// A delivery interrupted by a shutdown stays in the persistent queue and is
// sent again by the next exporter with the same body and webhook-id, so the
// receiver can drop it if the first attempt had arrived.
func TestPersistentQueueRedeliversWithSameID(t *testing.T) {
	allSignals(t, testPersistentQueueRedeliversWithSameID, testPersistentQueueRedeliversWithSameID, testPersistentQueueRedeliversWithSameID)
}

func testPersistentQueueRedeliversWithSameID[D any](t *testing.T, s signal[D]) {
	var accept atomic.Bool
	srv := newTestServer(t, func(_ int, _ recordedRequest, w http.ResponseWriter) {
		if accept.Load() {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	storageID := component.MustNewID("memory_storage")
	host := &testHost{extensions: map[component.ID]component.Component{
		storageID: &memStorage{data: map[string][]byte{}},
	}}
	cfg := testConfig(srv.URL)
	queue := exporterhelper.NewDefaultQueueConfig()
	queue.StorageID = &storageID
	cfg.QueueConfig = configoptional.Some(queue)
	cfg.RetryConfig.InitialInterval = 50 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 50 * time.Millisecond
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})

	data := s.data(1, 1, 3)
	input := s.clone(data)

	require.NoError(t, confmap.Validate(cfg))
	first, err := s.create(t.Context(), nopSettings(), cfg)
	require.NoError(t, err)
	require.NoError(t, first.Start(t.Context(), host))
	require.NoError(t, first.consume(t.Context(), data))
	require.Eventually(t, func() bool { return srv.count() >= 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, first.Shutdown(t.Context()), "shutting down drops the retry but keeps the item")
	refused := srv.count()

	accept.Store(true)
	second, err := s.create(t.Context(), nopSettings(), cfg)
	require.NoError(t, err)
	require.NoError(t, second.Start(t.Context(), host))
	t.Cleanup(func() { assert.NoError(t, second.Shutdown(context.Background())) })
	require.Eventually(t, func() bool { return srv.count() > refused }, 10*time.Second, 5*time.Millisecond)

	reqs := srv.requests()
	firstID := reqs[0].Header.Get(signature.HeaderWebhookID)
	require.NotEmpty(t, firstID)
	last := reqs[len(reqs)-1]
	assert.Equal(t, firstID, last.Header.Get(signature.HeaderWebhookID), "redelivered after the restart with the same webhook-id")
	assert.Equal(t, reqs[0].Body, last.Body)
	requireSameItems(t, s, input, decodeBodies(t, s, EncodingJSON, []recordedRequest{last})...)
}
