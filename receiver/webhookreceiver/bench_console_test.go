package webhookreceiver

// BenchmarkReceiverConsole measures what the webhook console costs the
// receiver: the handler (ServeHTTP, no network) as BenchmarkReceiverInProcess
// runs it with impl=ours (required_headers, lenient decoding, dedup in
// memory), without a console (impl=ours), with one (impl=ours_console: one
// record with the redacted headers written into the console's ring per
// request), and with received::capture_bodies (impl=ours_console_bodies, the
// first 4 KiB of each body copied as well).
//
//	go test -run=NONE -bench=ReceiverConsole -benchmem -count=6 ./receiver/webhookreceiver | tee console.txt
//	benchstat -col /impl console.txt

import (
	"context"
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
	"github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

func BenchmarkReceiverConsole(b *testing.B) {
	for _, spans := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("spans=%d", spans), func(b *testing.B) {
			b.Run("impl=ours", func(b *testing.B) { benchConsole(b, spans, nil) })
			b.Run("impl=ours_console", func(b *testing.B) {
				benchConsole(b, spans, func(*webhookconsoleextension.Config) {})
			})
			b.Run("impl=ours_console_bodies", func(b *testing.B) {
				benchConsole(b, spans, func(c *webhookconsoleextension.Config) { c.Received.CaptureBodies = true })
			})
		})
	}
}

// benchConsole runs benchHandler's loop on a receiver whose host runs a
// console configured by consoleCfg, or no console when it is nil.
func benchConsole(b *testing.B, spans int, consoleCfg func(*webhookconsoleextension.Config)) {
	var host component.Host = componenttest.NewNopHost()
	if consoleCfg != nil {
		f := webhookconsoleextension.NewFactory()
		ccfg := f.CreateDefaultConfig().(*webhookconsoleextension.Config)
		ccfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
		consoleCfg(ccfg)
		ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), ccfg)
		if err != nil {
			b.Fatal(err)
		}
		h := &consoleHost{ext: map[component.ID]component.Component{component.NewID(f.Type()): ext}}
		if err := ext.Start(context.Background(), h); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = ext.Shutdown(context.Background()) })
		host = h
	}
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.RequiredHeaders = map[string]configopaque.String{benchdata.AuthHeader: benchdata.AuthValue}
	counter := new(benchCounter)
	rcv, err := NewFactory().CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, counter)
	if err != nil {
		b.Fatal(err)
	}
	if err := rcv.Start(context.Background(), host); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rcv.Shutdown(context.Background()) })
	r := rcv.(*sharedReceiver).webhookReceiver
	if (r.console.Load() != nil) != (consoleCfg != nil) {
		b.Fatal("the receiver did not find the console")
	}

	benchServe(b, r, spans, counter)
}
