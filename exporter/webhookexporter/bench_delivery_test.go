package webhookexporter

// BenchmarkExporterDelivery measures what delivery mode costs on the happy
// path: the stock otlp_http exporter (impl=stock, the peer), ours without
// delivery (impl=ours) and ours with delivery on (impl=ours_delivery, the
// in-memory store; every request succeeds, so nothing is stored), all in
// one run against the same kind of loopback sink.
//
//	go test -run=NONE -bench=BenchmarkExporterDelivery -benchmem -count=6 ./exporter/webhookexporter | tee delivery.txt
//	benchstat -col /impl delivery.txt

import (
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/config/configoptional"
)

func BenchmarkExporterDelivery(b *testing.B) {
	for _, spans := range benchSpanCounts {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			b.Run("impl=stock", func(b *testing.B) {
				sink := newBenchSink(b)
				benchExport(b, spans, sink, benchStartStock(b, sink.URL+"/v1/traces"))
			})
			b.Run("impl=ours", func(b *testing.B) {
				sink := newBenchSink(b)
				benchExport(b, spans, sink, benchStartConfig(b, sink.URL+"/v1/traces", func(*Config) {}))
			})
			b.Run("impl=ours_delivery", func(b *testing.B) {
				sink := newBenchSink(b)
				benchExport(b, spans, sink, benchStartConfig(b, sink.URL+"/v1/traces", func(cfg *Config) {
					cfg.Delivery = configoptional.Some(defaultDeliveryConfig())
				}))
			})
		})
	}
}
