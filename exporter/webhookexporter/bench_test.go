package webhookexporter

// Benchmarks of the exporter against the stock otlp_http exporter with
// encoding: json, both sending the same Broadcast-like traces
// (bench/benchdata) to the same loopback sink, an httptest server that
// drains the body and answers 200 {}.
//
//	go test -run=NONE -bench=. -benchmem -count=6 ./exporter/webhookexporter | tee exporter.txt
//	benchstat -col /impl exporter.txt
//
// Both run without a sending queue, so ConsumeTraces returns after the
// request, and without retries or compression (otlp_http compresses with
// gzip by default; the webhook exporter does not). impl=ours is the default
// configuration; impl=ours_signed adds Standard Webhooks signing, which
// hashes the body twice (webhook-id and signature). Each reports spans/s.
//
// BenchmarkExporterEncodings compares the encodings of our exporter with
// its own OTLP JSON (impl=json, the first, which the ratios of
// bench/gobench.sh are taken against): impl=ndjson (flatten_attributes on,
// as for a data store) and impl=template (a small per-request template: a
// JSON array of name, model and tokens). BenchmarkEncode measures the same
// three without HTTP: only what differs between them, turning a batch into
// a body. BenchmarkEncodeOTLPJSON compares our OTLP JSON encoder
// (impl=ours: internal/encoding/otlp/otlpjson into a pooled buffer, handed
// back after each body as the exporter does once a request is sent) with
// pdata's JSON marshaler (impl=pdata, the peer: what the stock otlp_http
// exporter encodes with, and what our encoder was before).

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadata"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

var benchSpanCounts = []int{1, 10, 100, 1000}

// benchSink is a loopback server that drains every request and answers
// 200 with an empty OTLP JSON response.
type benchSink struct {
	*httptest.Server
	requests atomic.Int64
}

func newBenchSink(b *testing.B) *benchSink {
	b.Helper()
	s := &benchSink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	b.Cleanup(s.Close)
	return s
}

func benchStartOurs(b *testing.B, url string, signed bool) exporter.Traces {
	b.Helper()
	return benchStartConfig(b, url, func(cfg *Config) {
		if signed {
			cfg.Signature = configoptional.Some(SignatureConfig{
				Scheme: signature.SchemeStandardWebhooks,
				Secret: configopaque.String(benchdata.Secret),
			})
		}
	})
}

// benchStartConfig starts our exporter without queue or retry, with the
// changes of configure.
func benchStartConfig(b *testing.B, url string, configure func(*Config)) exporter.Traces {
	b.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = url
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	configure(cfg)
	exp, err := NewFactory().CreateTraces(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	if err != nil {
		b.Fatal(err)
	}
	benchStart(b, exp)
	return exp
}

func benchStartStock(b *testing.B, url string) exporter.Traces {
	b.Helper()
	f := otlphttpexporter.NewFactory()
	cfg := f.CreateDefaultConfig().(*otlphttpexporter.Config)
	cfg.TracesEndpoint = url
	cfg.Encoding = otlphttpexporter.EncodingJSON
	cfg.ClientConfig.Compression = configcompression.Type("none")
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	exp, err := f.CreateTraces(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		b.Fatal(err)
	}
	benchStart(b, exp)
	return exp
}

func benchStart(b *testing.B, exp exporter.Traces) {
	b.Helper()
	if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = exp.Shutdown(context.Background()) })
}

func BenchmarkExporter(b *testing.B) {
	for _, spans := range benchSpanCounts {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			b.Run("impl=stock", func(b *testing.B) {
				sink := newBenchSink(b)
				benchExport(b, spans, sink, benchStartStock(b, sink.URL+"/v1/traces"))
			})
			b.Run("impl=ours", func(b *testing.B) {
				sink := newBenchSink(b)
				benchExport(b, spans, sink, benchStartOurs(b, sink.URL+"/v1/traces", false))
			})
			b.Run("impl=ours_signed", func(b *testing.B) {
				sink := newBenchSink(b)
				benchExport(b, spans, sink, benchStartOurs(b, sink.URL+"/v1/traces", true))
			})
		})
	}
}

// benchTemplate is a small per-request template: what a chat or automation
// hook that takes a list would get.
const benchTemplate = `[{{range $i, $s := .}}{{if $i}},{{end}}{"name": {{json $s.Name}}, "model": {{json (attr "gen_ai.request.model" $s)}}, "tokens": {{json (attr "gen_ai.usage.total_tokens" $s)}}}{{end}}]`

// benchEncodings are the encodings the benchmarks compare, the first
// being the peer.
var benchEncodings = []struct {
	impl      string
	configure func(*Config)
}{
	{"json", func(*Config) {}},
	{"ndjson", func(cfg *Config) {
		cfg.Encoding = EncodingNDJSON
		cfg.NDJSON = configoptional.Some(NDJSONConfig{FlattenAttributes: true})
	}},
	{"template", func(cfg *Config) {
		cfg.Encoding = EncodingTemplate
		cfg.Template = configoptional.Some(TemplateConfig{Body: benchTemplate, Per: "request", ContentType: "application/json"})
	}},
}

func BenchmarkExporterEncodings(b *testing.B) {
	for _, spans := range benchSpanCounts {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			for _, enc := range benchEncodings {
				b.Run("impl="+enc.impl, func(b *testing.B) {
					sink := newBenchSink(b)
					benchExport(b, spans, sink, benchStartConfig(b, sink.URL+"/ingest", enc.configure))
				})
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, spans := range benchSpanCounts {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			for _, enc := range benchEncodings {
				b.Run("impl="+enc.impl, func(b *testing.B) {
					cfg := testConfig("http://127.0.0.1:1/hook")
					enc.configure(cfg)
					encoder, err := newEncoder(cfg)
					if err != nil {
						b.Fatal(err)
					}
					td := benchdata.Traces(spans)
					b.SetBytes(int64(len(benchdata.NewPayload(spans).Body)))
					b.ReportAllocs()
					n := 0
					for b.Loop() {
						items := encoding.NewTraces(td)
						if _, err := encoder.Traces(items).Encode(0, items.Len()); err != nil {
							b.Fatal(err)
						}
						n++
					}
					if s := b.Elapsed().Seconds(); s > 0 {
						b.ReportMetric(float64(n*spans)/s, "spans/s")
					}
				})
			}
		})
	}
}

// benchExport sends the same traces over and over: the exporters do not
// change them and the sink does not deduplicate.
func benchExport(b *testing.B, spans int, sink *benchSink, exp exporter.Traces) {
	td := benchdata.Traces(spans)
	ctx := context.Background()
	b.SetBytes(int64(len(benchdata.NewPayload(spans).Body)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := exp.ConsumeTraces(ctx, td); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if got := sink.requests.Load(); got != int64(n) {
		b.Fatalf("sink received %d requests, sent %d", got, n)
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n*spans)/s, "spans/s")
	}
}

func BenchmarkEncodeOTLPJSON(b *testing.B) {
	for _, spans := range benchSpanCounts {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			td := benchdata.Traces(spans)
			b.Run("impl=pdata", func(b *testing.B) {
				m := &ptrace.JSONMarshaler{}
				benchEncodeLoop(b, spans, func() {
					if _, err := m.MarshalTraces(td); err != nil {
						b.Fatal(err)
					}
				})
			})
			b.Run("impl=ours", func(b *testing.B) {
				encoder, err := newEncoder(testConfig("http://127.0.0.1:1/hook"))
				if err != nil {
					b.Fatal(err)
				}
				benchEncodeLoop(b, spans, func() {
					items := encoding.NewTraces(td)
					batch := encoder.Traces(items)
					body, err := batch.Encode(0, items.Len())
					if err != nil {
						b.Fatal(err)
					}
					recycleBody(batch, body)
				})
			})
		})
	}
}

// benchEncodeLoop runs encode until the benchmark ends and reports spans/s.
func benchEncodeLoop(b *testing.B, spans int, encode func()) {
	b.SetBytes(int64(len(benchdata.NewPayload(spans).Body)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		encode()
		n++
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n*spans)/s, "spans/s")
	}
}
