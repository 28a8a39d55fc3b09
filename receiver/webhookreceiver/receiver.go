package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

// defaultMaxRequestBodySize is confighttp's default, which ToServer applies
// to its own copy of the settings.
const defaultMaxRequestBodySize = 20 << 20

// requiredHeader keeps the SHA-256 of the expected value: comparing digests
// of equal length, in constant time, reveals neither the value nor its length.
type requiredHeader struct {
	name string
	sum  [sha256.Size]byte
}

type webhookReceiver struct {
	cfg       *Config
	settings  receiver.Settings
	next      consumer.Traces
	obsrecv   *receiverhelper.ObsReport
	telemetry *metadata.TelemetryBuilder

	verifier        *signature.Verifier
	requiredHeaders []requiredHeader
	responseHeaders configopaque.MapList
	dedup           *dedup
	maxBodySize     int64

	mu       sync.Mutex
	server   *http.Server
	serveErr chan struct{}
	// addr is the address the server listens on, once started.
	addr string
}

func newReceiver(cfg *Config, set receiver.Settings, next consumer.Traces) (*webhookReceiver, error) {
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
		next:            next,
		obsrecv:         obsrecv,
		responseHeaders: cfg.ServerConfig.ResponseHeaders,
		maxBodySize:     cfg.ServerConfig.MaxRequestBodySize,
	}
	if r.maxBodySize <= 0 {
		r.maxBodySize = defaultMaxRequestBodySize
	}
	for name, value := range cfg.RequiredHeaders {
		r.requiredHeaders = append(r.requiredHeaders, requiredHeader{
			name: http.CanonicalHeaderKey(name),
			sum:  sha256.Sum256([]byte(value)),
		})
	}
	if sig := cfg.Signature.Get(); sig != nil {
		if r.verifier, err = sig.verifier(); err != nil {
			return nil, err
		}
	}
	if d := cfg.Dedup.Get(); d != nil {
		r.dedup = newDedup(d.TTL, d.MaxEntries)
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

	serverCfg := r.cfg.ServerConfig
	// confighttp's response-header wrapper answers every request itself
	// without calling the handler, which would accept and drop data; the
	// handler sets the headers instead.
	serverCfg.ResponseHeaders = nil
	ln, err := serverCfg.ToListener(ctx)
	if err != nil {
		tb.Shutdown()
		return err
	}
	srv, err := serverCfg.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, r,
		confighttp.WithErrorHandler(r.writeTransportError))
	if err != nil {
		tb.Shutdown()
		_ = ln.Close()
		return err
	}
	r.telemetry = tb
	r.server = srv
	r.serveErr = make(chan struct{})
	r.addr = ln.Addr().String()
	r.settings.Logger.Info("Webhook receiver listening",
		zap.String("endpoint", ln.Addr().String()), zap.String("path", r.cfg.Path))

	go func(done chan struct{}) {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}(r.serveErr)
	return nil
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
	r.telemetry.Shutdown()
	r.server = nil
	return err
}

func (r *webhookReceiver) checkRequiredHeaders(h http.Header) (string, bool) {
	for _, rh := range r.requiredHeaders {
		got := sha256.Sum256([]byte(h.Get(rh.name)))
		if subtle.ConstantTimeCompare(got[:], rh.sum[:]) != 1 {
			return rh.name, false
		}
	}
	return "", true
}
