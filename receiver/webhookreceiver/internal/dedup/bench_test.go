package dedup

// Benchmarks of Reserve and Finish, as an accepted request calls them, with
// keys never seen before (the expensive case: every key is reserved and
// written). The keys are built inside the timed loop, as the receiver will
// build them, so every backend pays the same for them.
//
//	go test -run=NONE -bench=. -benchmem -count=6 ./receiver/webhookreceiver/internal/dedup | tee dedup.txt
//	benchstat -col /backend dedup.txt
//
// BenchmarkReserveFinish: one request at a time; BenchmarkReserveFinishParallel:
// GOMAXPROCS*4 requests at a time, as an HTTP server under load runs them.
// Each reports keys/s and calls/s (a call is one Reserve and its Finish);
// compare storage and redis with memory of the same run.
//
// BenchmarkDedupMemory is the receiver's BenchmarkDedup (bench_test.go one
// package up) ported to this API: one delivery id and n spans a request,
// caches full at their default size, keys built with the timer stopped as
// there. Run both in one session to compare:
//
//	go test -run=NONE -bench='Dedup$|DedupMemory' -benchmem -count=6 ./receiver/webhookreceiver ./receiver/webhookreceiver/internal/dedup

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// keyMaker builds fresh span keys in "otlp:s:", unique to this maker (a
// random run id) and to every call.
type keyMaker struct {
	run [8]byte
	seq atomic.Uint64
}

func newKeyMaker() *keyMaker {
	k := &keyMaker{}
	_, _ = rand.Read(k.run[:])
	return k
}

func (k *keyMaker) keys(dst []Key) {
	var tid [16]byte
	var sid [8]byte
	copy(tid[:8], k.run[:])
	binary.BigEndian.PutUint64(tid[8:], k.seq.Add(1))
	for i := range dst {
		binary.BigEndian.PutUint64(sid[:], uint64(i))
		dst[i] = SpanKey("otlp:s:", tid, sid)
	}
}

// benchBackend starts a Deduplicator of the named backend for b: storage on
// a real file_storage in a temporary directory, redis on a real server.
func benchBackend(b *testing.B, backend Backend) *Deduplicator {
	b.Helper()
	cfg := NewDefaultConfig()
	var h host
	switch backend {
	case BackendStorage:
		cfg = storageConfig()
		_, h = fileStorage(b, b.TempDir(), 0)
	case BackendRedis:
		cfg = redisConfig(harness.StartRedis(b))
	}
	return newEnv(b, nil).start(b, cfg, h)
}

func BenchmarkReserveFinish(b *testing.B) {
	for _, backend := range []Backend{BackendMemory, BackendStorage, BackendRedis} {
		for _, n := range []int{1, 100} {
			b.Run(fmt.Sprintf("backend=%s/keys=%d", backend, n), func(b *testing.B) {
				d := benchBackend(b, backend)
				km := newKeyMaker()
				keys := make([]Key, n)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					km.keys(keys)
					st, err := d.Reserve(ctx, keys, nil)
					if err != nil || st[0] != New || st[n-1] != New {
						b.Fatal("keys seen before", err)
					}
					d.Finish(ctx, keys, true)
				}
				report(b, n)
			})
		}
	}
}

func BenchmarkReserveFinishParallel(b *testing.B) {
	for _, backend := range []Backend{BackendMemory, BackendStorage, BackendRedis} {
		for _, n := range []int{1, 100} {
			b.Run(fmt.Sprintf("backend=%s/keys=%d", backend, n), func(b *testing.B) {
				d := benchBackend(b, backend)
				km := newKeyMaker()
				ctx := context.Background()
				b.ReportAllocs()
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					keys := make([]Key, n)
					for pb.Next() {
						km.keys(keys)
						st, err := d.Reserve(ctx, keys, nil)
						if err != nil || st[0] != New || st[n-1] != New {
							b.Error("keys seen before", err)
							return
						}
						d.Finish(ctx, keys, true)
					}
				})
				report(b, n)
			})
		}
	}
}

func report(b *testing.B, keysPerCall int) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/s, "calls/s")
	b.ReportMetric(float64(b.N*keysPerCall)/s, "keys/s")
}

// BenchmarkDedupMemory: see the file comment.
func BenchmarkDedupMemory(b *testing.B) {
	for _, spans := range []int{1, 100} {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			d := newEnv(b, nil).start(b, NewDefaultConfig(), nil)
			km := newKeyMaker()
			keys := make([]Key, spans+1)
			var seq uint64
			request := func() {
				seq++
				keys[0] = TextKey("otlp:d:", "msg_"+hex.EncodeToString(binary.BigEndian.AppendUint64(nil, seq)))
				km.keys(keys[1:])
			}
			ctx := context.Background()
			for range 2 * defaultMaxEntries / spans {
				request()
				_, _ = d.Reserve(ctx, keys, nil)
				d.Finish(ctx, keys, true)
			}
			b.ReportAllocs()
			for b.Loop() {
				// As in the original, the request is made with the timer
				// stopped (BenchmarkKeys measures building the keys).
				b.StopTimer()
				request()
				b.StartTimer()
				st, err := d.Reserve(ctx, keys, nil)
				if err != nil || st[0] != New || st[spans] != New {
					b.Fatal("seen before", err)
				}
				d.Finish(ctx, keys, true)
			}
			b.ReportMetric(float64(b.N*spans)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}

// BenchmarkKeys is the cost of building span keys (binary: no string per
// span).
func BenchmarkKeys(b *testing.B) {
	km := newKeyMaker()
	keys := make([]Key, 100)
	b.ReportAllocs()
	for b.Loop() {
		km.keys(keys)
	}
	b.ReportMetric(float64(b.N*len(keys))/b.Elapsed().Seconds(), "keys/s")
}
