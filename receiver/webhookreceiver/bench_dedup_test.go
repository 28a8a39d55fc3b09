package webhookreceiver

// BenchmarkDedupBackends measures the receiver's handler (ServeHTTP, no
// network) with lenient decoding and dedup on, the dedup state in each
// backend: memory, storage (a real file_storage extension on a temporary
// directory) and redis (a real redis-server on loopback). Every request has
// new trace IDs and a new webhook-id, so every key goes to the backend.
//
//	go test -run=NONE -bench=DedupBackends -benchmem -count=6 ./receiver/webhookreceiver | tee dedup.txt
//	benchstat -col /backend dedup.txt

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// benchHost offers extensions to the receiver.
type benchHost map[component.ID]component.Component

func (h benchHost) GetExtensions() map[component.ID]component.Component { return h }

func BenchmarkDedupBackends(b *testing.B) {
	for _, clients := range []int{1, 16} {
		for _, spans := range []int{1, 100} {
			b.Run(fmt.Sprintf("clients=%d/spans=%d", clients, spans), func(b *testing.B) {
				for _, backend := range []dedup.Backend{dedup.BackendMemory, dedup.BackendStorage, dedup.BackendRedis} {
					b.Run("backend="+string(backend), func(b *testing.B) { benchDedupBackend(b, clients, spans, backend) })
				}
			})
		}
	}
}

// benchDedupBackend sends requests from clients goroutines at once: one
// client shows the latency a backend adds, several the throughput when
// requests wait for the backend side by side, as on a busy server.
func benchDedupBackend(b *testing.B, clients, spans int, backend dedup.Backend) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	d := cfg.Dedup.Get()
	d.Backend = backend
	host := benchHost{}
	switch backend {
	case dedup.BackendStorage:
		id := component.MustNewIDWithName("file_storage", "dedup")
		f := filestorage.NewFactory()
		fcfg := f.CreateDefaultConfig().(*filestorage.Config)
		fcfg.Directory, fcfg.Compaction.Directory = b.TempDir(), b.TempDir()
		ext, err := f.Create(context.Background(), extension.Settings{
			ID: id, TelemetrySettings: componenttest.NewNopTelemetrySettings(), BuildInfo: component.NewDefaultBuildInfo(),
		}, fcfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := ext.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = ext.Shutdown(context.Background()) })
		host[id] = ext
		d.Storage = id
	case dedup.BackendRedis:
		d.Redis.Endpoint = harness.StartRedis(b).Addr
	}
	counter := new(benchCounter)
	r, err := NewFactory().CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, counter)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Start(context.Background(), host); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	rcv := r.(*sharedReceiver).webhookReceiver

	build := func(body []byte, h http.Header) *http.Request {
		req := httptest.NewRequest(http.MethodPost, defaultPath, bytes.NewReader(body))
		req.Header = h
		return req
	}
	b.SetBytes(int64(len(benchdata.NewPayload(spans).Body)))
	b.ReportAllocs()
	var n atomic.Int64
	var failed atomic.Int32
	b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
	cpu := benchdata.StartCPU()
	b.RunParallel(func(pb *testing.PB) {
		// Each client prepares its requests itself, timer running: the same
		// work for every backend, so it does not change their ratio.
		feed := newBenchFeed(b, spans, build)
		w := &benchWriter{header: make(http.Header)}
		for pb.Next() {
			if feed.next == len(feed.batch) {
				feed.refill()
			}
			req := feed.batch[feed.next].req
			feed.next++
			clear(w.header)
			w.status = 0
			rcv.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				failed.Store(int32(w.status))
			}
			n.Add(1)
		}
	})
	if st := failed.Load(); st != 0 {
		b.Fatalf("status %d", st)
	}
	benchReport(b, cpu, int(n.Load()), spans, counter)
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n.Load())/s, "requests/s")
	}
}
