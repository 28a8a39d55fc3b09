package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

// defaultMaxRequestBodySize is confighttp's default, which ToServer applies
// to its own copy of the settings.
const defaultMaxRequestBodySize = 20 << 20

// webhookReceiver serves every sender on one HTTP server: OTLP traces and
// logs, and each sender section on its own path with its own authentication.
type webhookReceiver struct {
	cfg       *Config
	settings  receiver.Settings
	obsrecv   *receiverhelper.ObsReport
	telemetry *metadata.TelemetryBuilder

	// The consumers of the pipelines that use this receiver, set when the
	// pipelines are built, before Start.
	nextTraces consumer.Traces
	nextLogs   consumer.Logs

	routes          map[string]*route
	trustedProxies  prefixList
	responseHeaders configopaque.MapList
	dedup           *dedup.Deduplicator
	maxBodySize     int64
	// console is the registration with the webhook console, nil without
	// one (console.go).
	console atomic.Pointer[consoleLog]

	mu       sync.Mutex
	server   *http.Server
	serveErr chan struct{}
	// addr is the address the server listens on, once started.
	addr string
}

func newReceiver(cfg *Config, set receiver.Settings) (*webhookReceiver, error) {
	obsrecv, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              "http",
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	r := &webhookReceiver{
		cfg:             cfg,
		settings:        set,
		obsrecv:         obsrecv,
		responseHeaders: cfg.ServerConfig.ResponseHeaders,
		maxBodySize:     cfg.ServerConfig.MaxRequestBodySize,
	}
	if r.maxBodySize <= 0 {
		r.maxBodySize = defaultMaxRequestBodySize
	}
	if r.routes, err = buildRoutes(cfg); err != nil {
		return nil, err
	}
	if r.trustedProxies, err = parsePrefixes("trusted_proxies", cfg.TrustedProxies); err != nil {
		return nil, err
	}
	return r, nil
}

// Start opens the listener and serves in the background. Calling it again
// while started does nothing.
func (r *webhookReceiver) Start(ctx context.Context, host component.Host) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.server != nil {
		return nil
	}
	tb, err := metadata.NewTelemetryBuilder(r.settings.TelemetrySettings)
	if err != nil {
		return err
	}
	if err := r.startDedup(ctx, host, tb); err != nil {
		tb.Shutdown()
		return err
	}

	serverCfg := r.cfg.ServerConfig
	// confighttp's response-header wrapper answers every request itself
	// without calling the handler, which would accept and drop data; the
	// handler sets the headers instead.
	serverCfg.ResponseHeaders = nil
	ln, err := serverCfg.ToListener(ctx)
	if err != nil {
		r.stopDedup(ctx)
		tb.Shutdown()
		return err
	}
	srv, err := serverCfg.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, r,
		confighttp.WithErrorHandler(r.writeTransportError))
	if err != nil {
		r.stopDedup(ctx)
		tb.Shutdown()
		_ = ln.Close()
		return err
	}
	r.telemetry = tb
	r.server = srv
	r.serveErr = make(chan struct{})
	r.addr = ln.Addr().String()
	r.logRoutes(ln.Addr().String())
	r.startConsole(host)

	go func(done chan struct{}) {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}(r.serveErr)
	return nil
}

// logRoutes says what each path serves, and warns about a sender section
// that no pipeline consumes or that anyone could post to.
func (r *webhookReceiver) logRoutes(addr string) {
	log := r.settings.Logger
	for _, rt := range r.sortedRoutes() {
		if !r.consumes(rt.signal) {
			if rt.section != "" {
				log.Warn("The "+rt.section+" section is configured but no "+rt.signal.String()+
					" pipeline uses this receiver: its deliveries are answered 404",
					zap.String("path", rt.path), zap.String("missing_pipeline", rt.signal.String()))
			}
			continue
		}
		if rt.section != "" && rt.auth.open() {
			log.Warn("The " + rt.section + " section has neither a signature nor required_headers: anyone who can reach " +
				rt.path + " can post to it")
		}
		log.Info("Webhook receiver listening", zap.String("endpoint", addr), zap.String("path", rt.path),
			zap.String("sender", rt.sender), zap.String("signal", rt.signal.String()))
	}
}

// consumes reports whether a pipeline of signal uses this receiver.
func (r *webhookReceiver) consumes(signal pipeline.Signal) bool {
	switch signal {
	case pipeline.SignalTraces:
		return r.nextTraces != nil
	case pipeline.SignalLogs:
		return r.nextLogs != nil
	}
	return false
}

// Shutdown stops accepting requests and waits, bounded by ctx, for those in
// flight to finish. It is safe before Start and when called twice.
func (r *webhookReceiver) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.server == nil {
		return nil
	}
	err := r.server.Shutdown(ctx)
	if err != nil {
		// In-flight requests did not finish in time: cut them off.
		err = errors.Join(err, r.server.Close())
	}
	<-r.serveErr
	r.stopConsole()
	// No request is in flight any more: their keys are finished.
	if derr := r.stopDedup(ctx); derr != nil {
		err = errors.Join(err, derr)
	}
	r.telemetry.Shutdown()
	r.server = nil
	return err
}

// startDedup connects the dedup backend, before the first request.
func (r *webhookReceiver) startDedup(ctx context.Context, host component.Host, tb *metadata.TelemetryBuilder) error {
	cfg := r.cfg.Dedup.Get()
	if cfg == nil {
		return nil
	}
	d, err := dedup.NewDeduplicator(*cfg, dedup.Settings{
		ID:        r.settings.ID,
		Telemetry: r.settings.TelemetrySettings,
		Metrics:   tb,
	})
	if err != nil {
		return fmt.Errorf("dedup: %w", err)
	}
	if err := d.Start(ctx, host); err != nil {
		return fmt.Errorf("dedup: %w", err)
	}
	r.dedup = d
	return nil
}

func (r *webhookReceiver) stopDedup(ctx context.Context) error {
	if r.dedup == nil {
		return nil
	}
	err := r.dedup.Shutdown(ctx)
	r.dedup = nil
	return err
}
