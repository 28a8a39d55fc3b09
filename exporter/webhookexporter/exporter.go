package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadata"
	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

const (
	headerContentType    = "Content-Type"
	headerUserAgent      = "User-Agent"
	headerRetryAfter     = "Retry-After"
	headerTestConnection = "X-Test-Connection"

	// maxErrorExcerpt bounds the part of a response body quoted in errors.
	maxErrorExcerpt = 512
	// maxDrain bounds how much of a response body is read and discarded so
	// that the connection can be reused.
	maxDrain = 64 << 10

	attrStatusClass = "status_class"
	attrEncoding    = "encoding"
	attrOutcome     = "outcome"
	attrState       = "state"
)

type webhookExporter struct {
	cfg         *Config
	settings    component.TelemetrySettings
	logger      *zap.Logger
	telemetry   *metadata.TelemetryBuilder
	userAgent   string
	endpoint    string
	safeURL     string
	method      string
	encoding    Encoding
	retryable   map[int]bool
	signer      *signature.Signer
	scheme      signature.Scheme
	maxBody     int
	encoder     encoding.Encoder
	contentType string

	// id and signal name this exporter in the console and the store.
	id     component.ID
	signal string
	// clock drives delivery mode; nil is the wall clock (tests set it).
	clock delivery.Clock
	// delivery is set at start in delivery mode.
	delivery   *delivery.Manager
	unregister func()

	mu     sync.Mutex
	client *http.Client
}

func newWebhookExporter(cfg *Config, set exporter.Settings) (*webhookExporter, error) {
	if err := validateEndpoint(cfg.ClientConfig.Endpoint); err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.ClientConfig.Endpoint)
	e := &webhookExporter{
		cfg:       cfg,
		settings:  set.TelemetrySettings,
		logger:    set.Logger,
		endpoint:  cfg.ClientConfig.Endpoint,
		safeURL:   redactURL(u),
		method:    string(cfg.Method.normalized()),
		encoding:  cfg.Encoding.normalized(),
		retryable: make(map[int]bool, len(cfg.RetryableStatuses)),
		maxBody:   cfg.MaxRequestBodySize,
		userAgent: userAgent(set.BuildInfo),
		id:        set.ID,
	}
	for _, s := range cfg.RetryableStatuses {
		e.retryable[s] = true
	}
	enc, err := newEncoder(cfg)
	if err != nil {
		return nil, err
	}
	e.encoder = enc
	e.contentType = enc.ContentType()
	if sig := cfg.Signature.Get(); sig != nil {
		signer, err := signature.NewSigner(sig.Scheme, sig.Header, sig.Prefix, string(sig.Secret))
		if err != nil {
			return nil, fmt.Errorf("\"signature\": %w", err)
		}
		e.signer = signer
		e.scheme = sig.Scheme
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	e.telemetry = tb
	return e, nil
}

func userAgent(info component.BuildInfo) string {
	version := info.Version
	if version == "" {
		version = "unknown"
	}
	ua := "otelcol-webhook-exporter/" + version
	if info.Command != "" {
		ua += " (" + info.Command + ")"
	}
	return ua
}

// start creates the HTTP client, which needs the host's extensions for auth
// and middlewares, and runs the connection test if configured.
func (e *webhookExporter) start(ctx context.Context, host component.Host) error {
	client, err := e.cfg.ClientConfig.ToClient(ctx, host.GetExtensions(), e.settings)
	if err != nil {
		return err
	}
	// Redirects are not followed: a 301, 302 or 303 would turn the delivery
	// into a GET without a body, and a redirect to another host would carry
	// the configured headers there. A 3xx is reported as an error instead.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	e.mu.Lock()
	e.client = client
	e.mu.Unlock()
	if tc := e.cfg.TestConnection.Get(); tc != nil {
		if err := e.testConnection(ctx); err != nil {
			if tc.FailOnError {
				return err
			}
			e.logger.Warn("Webhook test connection failed; starting anyway because test_connection::fail_on_error is false",
				zap.Error(err))
		}
	}
	if e.cfg.Delivery.HasValue() {
		if err := e.startDelivery(ctx, host); err != nil {
			return err
		}
	}
	if c := console.Find(host); c != nil {
		e.unregister = c.RegisterExporter(consoleExporter{e})
	}
	return nil
}

func (e *webhookExporter) shutdown(ctx context.Context) error {
	if e.unregister != nil {
		e.unregister()
	}
	var err error
	if e.delivery != nil {
		err = e.delivery.Shutdown(ctx)
	}
	e.mu.Lock()
	client := e.client
	e.client = nil
	e.mu.Unlock()
	if client != nil {
		client.CloseIdleConnections()
	}
	e.telemetry.Shutdown()
	return err
}

func (e *webhookExporter) httpClient() *http.Client {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.client
}

// testConnection sends the encoding's empty payload marked with
// X-Test-Connection. A 2xx
// or a 400 (an endpoint refusing an empty payload is still reachable and
// authenticated) passes.
func (e *webhookExporter) testConnection(ctx context.Context) error {
	resp, err := e.do(ctx, e.encoder.TestBody(), true, nil)
	if err != nil {
		return fmt.Errorf("test connection to %s failed: %w", e.safeURL, err)
	}
	excerpt := readExcerpt(resp)
	closeBody(resp)
	if isSuccess(resp.StatusCode) || resp.StatusCode == http.StatusBadRequest {
		return nil
	}
	return fmt.Errorf("test connection to %s failed: HTTP %s%s", e.safeURL, statusText(resp.StatusCode), formatExcerpt(excerpt))
}

// send delivers one body and classifies the outcome: nil for 2xx, a
// permanent error for statuses that are not retryable, a retryable error
// (throttled by Retry-After when present) otherwise. recycle, if not nil,
// takes the body back once nothing reads it.
func (e *webhookExporter) send(ctx context.Context, body []byte, recycle func([]byte)) error {
	resp, err := e.do(ctx, body, false, recycle)
	if err != nil {
		// Network errors and timeouts are retryable.
		return fmt.Errorf("sending to %s failed: %w", e.safeURL, err)
	}
	if isSuccess(resp.StatusCode) {
		closeBody(resp)
		return nil
	}
	excerpt := readExcerpt(resp)
	closeBody(resp)
	msg := fmt.Errorf("webhook %s responded with HTTP %s%s%s", e.safeURL, statusText(resp.StatusCode), redirectHint(resp), formatExcerpt(excerpt))
	httpErr := consumererror.NewOTLPHTTPError(msg, resp.StatusCode)
	if !e.retryable[resp.StatusCode] {
		return consumererror.NewPermanent(httpErr)
	}
	if delay, ok := retryAfter(resp.Header, time.Now()); ok {
		return exporterhelper.NewThrottleRetry(httpErr, delay)
	}
	return httpErr
}

// do builds, signs and sends one request. The signature covers body as
// given; confighttp compresses it afterwards. recycle, if not nil, takes
// the body back once nothing reads it (see sharedBody).
func (e *webhookExporter) do(ctx context.Context, body []byte, testConnection bool, recycle func([]byte)) (*http.Response, error) {
	shared := newSharedBody(body, recycle)
	defer shared.release()
	return e.doShared(ctx, shared, testConnection)
}

// doShared is do for a body the caller holds a reference to.
func (e *webhookExporter) doShared(ctx context.Context, shared *sharedBody, testConnection bool) (*http.Response, error) {
	body := shared.body
	client := e.httpClient()
	if client == nil {
		return nil, errors.New("exporter is not started")
	}
	req, err := http.NewRequestWithContext(ctx, e.method, e.endpoint, http.NoBody)
	if err != nil {
		// The error would quote the URL, which may hold credentials.
		return nil, consumererror.NewPermanent(fmt.Errorf("building the %s request to %s failed", e.method, e.safeURL))
	}
	shared.attach(req)
	req.Header.Set(headerContentType, e.contentType)
	req.Header.Set(headerUserAgent, e.userAgent)
	if testConnection {
		req.Header.Set(headerTestConnection, "true")
	}
	if e.signer != nil {
		var id string
		if e.scheme == signature.SchemeStandardWebhooks {
			// Derived from the body: every attempt of a delivery, also
			// after a restart with a persistent queue, has the same id.
			id = signature.DeliveryID(body)
		}
		e.signer.Sign(req.Header, body, id, time.Now())
	}
	resp, err := client.Do(req)
	if err != nil {
		e.recordResponse(ctx, "error")
		if urlErr, ok := errors.AsType[*url.Error](err); ok {
			urlErr.URL = e.safeURL
		}
		return nil, err
	}
	e.recordResponse(ctx, statusClass(resp.StatusCode))
	return resp, nil
}

func (e *webhookExporter) recordResponse(ctx context.Context, class string) {
	e.telemetry.ExporterWebhookResponses.Add(ctx, 1, statusClassOptions[class]...)
}

// statusClassOptions are the attributes of each status class, made once:
// every request records one.
var statusClassOptions = func() map[string][]metric.AddOption {
	m := map[string][]metric.AddOption{}
	for _, class := range statusClasses {
		m[class] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String(attrStatusClass, class)))}
	}
	return m
}()

func (e *webhookExporter) recordEncodingFailure(ctx context.Context) {
	e.telemetry.ExporterWebhookEncodingFailures.Add(ctx, 1, metric.WithAttributes(attribute.String(attrEncoding, string(e.encoding))))
}
