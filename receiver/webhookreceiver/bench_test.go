package webhookreceiver

// Benchmarks of the receiver against the raw pdata decoder and the stock otlp
// receiver, on the same Broadcast-like bodies (bench/benchdata). Every
// request has its own trace IDs and webhook-id, so dedup does real work and
// never takes its duplicate shortcut; copying, patching and signing the
// bodies happens with the timer stopped.
//
//	go test -run=NONE -bench=. -benchmem -count=6 ./receiver/webhookreceiver | tee receiver.txt
//	benchstat -col /impl receiver.txt
//
// BenchmarkReceiverInProcess: impl=floor is ptrace.JSONUnmarshaler alone;
// impl=ours is the receiver's handler (ServeHTTP, no network) as deployed
// for OpenRouter Broadcast: required_headers and the defaults, lenient
// decoding and dedup in memory; impl=ours_signed adds Standard Webhooks
// verification (every feature on); impl=ours_bare is lenient decoding only.
//
// BenchmarkReceiverHTTP: the same requests over loopback HTTP, client and
// server in this process: impl=stock is the otlp receiver's OTLP/HTTP JSON
// endpoint, the others as above. Both servers are built by confighttp with
// the same defaults.
//
// Each reports spans/s and cpu-ns/op (the process's CPU time per request,
// the client's included over HTTP); the ratios ours/floor and ours/stock are
// the figures to compare over time (BENCHMARKS.md).

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

var benchSpanCounts = []int{1, 10, 100, 1000}

// benchBatchBytes bounds the bodies prepared at once.
const benchBatchBytes = 32 << 20

// benchRequest is one request prepared with the timer stopped.
type benchRequest struct {
	body []byte
	req  *http.Request
}

// benchFeed hands out requests with distinct trace IDs and webhook-ids. It
// prepares them (copy, patch, sign, build the *http.Request) in batches with
// the timer stopped, reusing the body buffers.
type benchFeed struct {
	payload  *benchdata.Payload
	signer   *benchdata.Signer
	build    func(body []byte, h http.Header) *http.Request
	run, seq uint64
	batch    []benchRequest
	next     int
	// cpu, when set, leaves the CPU time of refills out.
	cpu *benchdata.CPU
}

func newBenchFeed(b *testing.B, spans int, build func([]byte, http.Header) *http.Request) *benchFeed {
	b.Helper()
	signer, err := benchdata.NewSigner(benchdata.Secret)
	if err != nil {
		b.Fatal(err)
	}
	p := benchdata.NewPayload(spans)
	n := max(1, min(512, benchBatchBytes/len(p.Body)))
	f := &benchFeed{payload: p, signer: signer, build: build, run: benchdata.NewRun(), batch: make([]benchRequest, n)}
	f.next = n
	return f
}

// take returns the next request, refilling the batch with the timer stopped.
func (f *benchFeed) take(b *testing.B) *benchRequest {
	if f.next == len(f.batch) {
		b.StopTimer()
		if f.cpu != nil {
			f.cpu.Exclude(f.refill)
		} else {
			f.refill()
		}
		b.StartTimer()
	}
	r := &f.batch[f.next]
	f.next++
	return r
}

func (f *benchFeed) refill() {
	now := time.Now()
	for i := range f.batch {
		f.seq++
		r := &f.batch[i]
		r.body = f.payload.Fill(r.body, f.run, f.seq)
		if f.build == nil {
			continue
		}
		h := make(http.Header, 6)
		h.Set("Content-Type", "application/json")
		h.Set(benchdata.AuthHeader, benchdata.AuthValue)
		f.signer.Sign(h, r.body, benchdata.DeliveryID(f.run, f.seq), now)
		r.req = f.build(r.body, h)
	}
	f.next = 0
}

// benchCounter is a consumer that counts spans, to check that every span
// sent went through (none was taken for a duplicate).
type benchCounter struct{ spans atomic.Int64 }

func (*benchCounter) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (c *benchCounter) ConsumeTraces(_ context.Context, td ptrace.Traces) error {
	c.spans.Add(int64(td.SpanCount()))
	return nil
}

// benchWriter is a ResponseWriter that keeps the status and drops the body.
type benchWriter struct {
	header http.Header
	status int
}

func (w *benchWriter) Header() http.Header         { return w.header }
func (w *benchWriter) WriteHeader(status int)      { w.status = status }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }

// benchSetup is a configuration of our receiver the benchmarks measure.
type benchSetup int

const (
	// benchBare: lenient decoding only, no dedup.
	benchBare benchSetup = iota
	// benchDefaults: required_headers and the defaults (lenient, dedup).
	benchDefaults
	// benchSigned: benchDefaults and a Standard Webhooks signature.
	benchSigned
)

var benchSetups = []struct {
	impl  string
	setup benchSetup
}{{"ours", benchDefaults}, {"ours_signed", benchSigned}, {"ours_bare", benchBare}}

// benchStartOurs starts the receiver on a loopback port, set up as setup.
func benchStartOurs(b *testing.B, setup benchSetup, next consumer.Traces) *webhookReceiver {
	b.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	if setup != benchBare {
		cfg.RequiredHeaders = map[string]configopaque.String{benchdata.AuthHeader: benchdata.AuthValue}
	} else {
		cfg.Dedup = configoptional.None[DedupConfig]()
	}
	if setup == benchSigned {
		cfg.Signature = configoptional.Some(SignatureConfig{
			Scheme:    signature.SchemeStandardWebhooks,
			Secrets:   []configopaque.String{benchdata.Secret},
			Tolerance: signature.DefaultTolerance,
		})
	}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	r, err := NewFactory().CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, next)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	return r.(*sharedReceiver).webhookReceiver
}

// benchStartStock starts the otlp receiver's HTTP endpoint on a loopback
// port and returns its traces URL.
func benchStartStock(b *testing.B, next consumer.Traces) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	f := otlpreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*otlpreceiver.Config)
	cfg.Protocols.HTTP.GetOrInsertDefault().ServerConfig.NetAddr.Endpoint = addr
	r, err := f.CreateTraces(context.Background(), receivertest.NewNopSettings(f.Type()), cfg, next)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	return "http://" + addr + "/v1/traces"
}

// benchReport reports spans/s and CPU time per request since cpu, and
// checks that the pipeline got every span.
func benchReport(b *testing.B, cpu *benchdata.CPU, requests, spans int, counter *benchCounter) {
	b.Helper()
	cpu.Report(b)
	if counter != nil {
		if got, want := counter.spans.Load(), int64(requests*spans); got != want {
			b.Fatalf("pipeline received %d spans, sent %d", got, want)
		}
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(requests*spans)/s, "spans/s")
	}
}

func BenchmarkReceiverInProcess(b *testing.B) {
	for _, spans := range benchSpanCounts {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			b.Run("impl=floor", func(b *testing.B) { benchFloor(b, spans) })
			for _, s := range benchSetups {
				b.Run("impl="+s.impl, func(b *testing.B) { benchHandler(b, spans, s.setup) })
			}
		})
	}
}

func BenchmarkReceiverHTTP(b *testing.B) {
	for _, spans := range benchSpanCounts {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			b.Run("impl=stock", func(b *testing.B) {
				counter := new(benchCounter)
				benchHTTP(b, spans, benchStartStock(b, counter), counter)
			})
			for _, s := range benchSetups {
				b.Run("impl="+s.impl, func(b *testing.B) {
					counter := new(benchCounter)
					r := benchStartOurs(b, s.setup, counter)
					benchHTTP(b, spans, "http://"+r.addr+defaultPath, counter)
				})
			}
		})
	}
}

// benchFloor decodes the bodies with pdata's JSON unmarshaler alone.
func benchFloor(b *testing.B, spans int) {
	feed := newBenchFeed(b, spans, nil)
	u := &ptrace.JSONUnmarshaler{}
	if td, err := u.UnmarshalTraces(feed.payload.Body); err != nil || td.SpanCount() != spans {
		b.Fatalf("decoding the template: %v", err)
	}
	b.SetBytes(int64(len(feed.payload.Body)))
	b.ReportAllocs()
	n := 0
	cpu := benchdata.StartCPU()
	feed.cpu = cpu
	for b.Loop() {
		r := feed.take(b)
		if _, err := u.UnmarshalTraces(r.body); err != nil {
			b.Fatal(err)
		}
		n++
	}
	benchReport(b, cpu, n, spans, nil)
}

// benchHandler calls the receiver's ServeHTTP directly.
func benchHandler(b *testing.B, spans int, setup benchSetup) {
	counter := new(benchCounter)
	benchServe(b, benchStartOurs(b, setup, counter), spans, counter)
}

// benchServe calls r's ServeHTTP with requests of spans spans, each a
// delivery of its own, and reports what counter received.
func benchServe(b *testing.B, r *webhookReceiver, spans int, counter *benchCounter) {
	feed := newBenchFeed(b, spans, func(body []byte, h http.Header) *http.Request {
		req := httptest.NewRequest(http.MethodPost, defaultPath, bytes.NewReader(body))
		req.Header = h
		return req
	})
	w := &benchWriter{header: make(http.Header)}
	b.SetBytes(int64(len(feed.payload.Body)))
	b.ReportAllocs()
	n := 0
	cpu := benchdata.StartCPU()
	feed.cpu = cpu
	for b.Loop() {
		req := feed.take(b).req
		clear(w.header)
		w.status = 0
		r.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
		n++
	}
	benchReport(b, cpu, n, spans, counter)
}

// benchHTTP POSTs the bodies to url one at a time over a kept-alive
// loopback connection.
func benchHTTP(b *testing.B, spans int, url string, counter *benchCounter) {
	tr := &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	feed := newBenchFeed(b, spans, func(body []byte, h http.Header) *http.Request {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header = h
		return req
	})
	b.SetBytes(int64(len(feed.payload.Body)))
	b.ReportAllocs()
	n := 0
	cpu := benchdata.StartCPU()
	feed.cpu = cpu
	for b.Loop() {
		resp, err := client.Do(feed.take(b).req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
		n++
	}
	benchReport(b, cpu, n, spans, counter)
}
