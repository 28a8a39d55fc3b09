package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// webhookConsole is the extension: an HTTP server over the registry of
// the components that registered with it.
type webhookConsole struct {
	cfg      *Config
	settings component.TelemetrySettings
	logger   *zap.Logger
	registry *registry
	// received holds the logs of the receivers (received.go).
	received receivedLogs
	// flashes holds the results of the page's actions (actions.go).
	flashes flashes

	mu       sync.Mutex
	started  bool
	server   *http.Server
	listener net.Listener
	done     chan struct{}
}

var (
	_ extension.Extension = (*webhookConsole)(nil)
	_ console.Console     = (*webhookConsole)(nil)
)

func newConsole(cfg *Config, set extension.Settings) *webhookConsole {
	return &webhookConsole{
		cfg:      cfg,
		settings: set.TelemetrySettings,
		logger:   set.Logger,
		registry: newRegistry(),
	}
}

// RegisterExporter implements console.Console.
func (c *webhookConsole) RegisterExporter(e console.Exporter) func() {
	return c.registry.addExporter(e)
}

// Start listens and serves in a goroutine; a second Start does nothing.
func (c *webhookConsole) Start(ctx context.Context, host component.Host) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return nil
	}
	ln, err := c.cfg.ServerConfig.ToListener(ctx)
	if err != nil {
		return err
	}
	handler := c.routes()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		handler = loopbackHosts(handler, c.cfg.ServerConfig.NetAddr.Endpoint)
	}
	server, err := c.cfg.ServerConfig.ToServer(ctx, host.GetExtensions(), c.settings, handler)
	if err != nil {
		_ = ln.Close()
		return err
	}
	c.started, c.server, c.listener, c.done = true, server, ln, make(chan struct{})
	c.logger.Info("Webhook console listening", zap.String("endpoint", ln.Addr().String()))
	c.warnIfExposed(ln.Addr())
	go func() {
		defer close(c.done)
		if err := server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}()
	return nil
}

// Shutdown stops the server gracefully within ctx; it is safe before Start
// and when called twice.
func (c *webhookConsole) Shutdown(ctx context.Context) error {
	c.mu.Lock()
	server, done := c.server, c.done
	c.server = nil
	c.mu.Unlock()
	if server == nil {
		return nil
	}
	err := server.Shutdown(ctx)
	<-done
	return err
}

// addr is the address the console listens on, for tests.
func (c *webhookConsole) addr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.listener == nil {
		return ""
	}
	return c.listener.Addr().String()
}
