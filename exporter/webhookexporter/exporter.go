package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadata"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

const (
	headerContentType    = "Content-Type"
	headerUserAgent      = "User-Agent"
	headerRetryAfter     = "Retry-After"
	headerTestConnection = "X-Test-Connection"

	contentTypeJSON  = "application/json"
	contentTypeProto = "application/x-protobuf"

	// maxErrorExcerpt bounds the part of a response body quoted in errors.
	maxErrorExcerpt = 512
	// maxDrain bounds how much of a response body is read and discarded so
	// that the connection can be reused.
	maxDrain = 64 << 10

	attrStatusClass = "status_class"
)

// emptyJSONPayload is the test-connection body for the json encoding: an
// OTLP JSON request without spans.
var emptyJSONPayload = []byte("{}")

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
	marshaler   ptrace.Marshaler
	contentType string

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
	}
	for _, s := range cfg.RetryableStatuses {
		e.retryable[s] = true
	}
	switch e.encoding {
	case EncodingProto:
		e.marshaler = &ptrace.ProtoMarshaler{}
		e.contentType = contentTypeProto
	case EncodingJSON:
		e.marshaler = &ptrace.JSONMarshaler{}
		e.contentType = contentTypeJSON
	default:
		return nil, fmt.Errorf("\"encoding\" must be json or proto, got %q", string(cfg.Encoding))
	}
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
	return nil
}

func (e *webhookExporter) shutdown(context.Context) error {
	e.mu.Lock()
	client := e.client
	e.client = nil
	e.mu.Unlock()
	if client != nil {
		client.CloseIdleConnections()
	}
	e.telemetry.Shutdown()
	return nil
}

func (e *webhookExporter) httpClient() *http.Client {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.client
}

// testConnection sends an empty payload marked with X-Test-Connection. A 2xx
// or a 400 (an endpoint refusing an empty payload is still reachable and
// authenticated) passes.
func (e *webhookExporter) testConnection(ctx context.Context) error {
	var body []byte
	if e.encoding == EncodingJSON {
		body = emptyJSONPayload
	}
	resp, err := e.do(ctx, body, true)
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

// pushTraces sends td as one request, or, when its body exceeds
// max_request_body_size, as several.
func (e *webhookExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	body, err := e.marshaler.MarshalTraces(td)
	if err != nil {
		return consumererror.NewPermanent(fmt.Errorf("encoding traces as %s: %w", e.encoding, err))
	}
	if e.maxBody <= 0 || len(body) <= e.maxBody {
		return e.send(ctx, body)
	}
	return e.pushSplit(ctx, td)
}

// pushSplit sends td in chunks no larger than max_request_body_size. Chunks
// are the longest runs of spans that fit, so the chunk boundaries depend only
// on the spans from a chunk's first span on: when a chunk fails with a
// retryable error, the chunk and everything after it are handed back for
// retry, and the retry encodes the same chunk to the same bytes, with the
// same webhook-id. A permanent failure of one chunk, or a span too large to
// be sent alone, does not stop the others.
func (e *webhookExporter) pushSplit(ctx context.Context, td ptrace.Traces) error {
	s := newSplitter(td, e.marshaler, e.maxBody)
	var dropped []error
	for !s.done() {
		c, err := s.next()
		if err != nil {
			if errors.Is(err, errSpanTooLarge) {
				dropped = append(dropped, err)
				continue
			}
			return consumererror.NewPermanent(err)
		}
		if err := e.send(ctx, c.body); err != nil {
			if consumererror.IsPermanent(err) {
				dropped = append(dropped, err)
				continue
			}
			if len(dropped) > 0 {
				// The dropped parts cannot be reported through the error
				// handed back for retry, which must not be permanent.
				e.logger.Error("Dropped part of a batch permanently while retrying the rest",
					zap.Error(errors.Join(dropped...)))
			}
			return consumererror.NewTraces(err, s.remainingFrom(c))
		}
	}
	if len(dropped) > 0 {
		return consumererror.NewPermanent(errors.Join(dropped...))
	}
	return nil
}

// send delivers one body and classifies the outcome: nil for 2xx, a
// permanent error for statuses that are not retryable, a retryable error
// (throttled by Retry-After when present) otherwise.
func (e *webhookExporter) send(ctx context.Context, body []byte) error {
	resp, err := e.do(ctx, body, false)
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
// given; confighttp compresses it afterwards.
func (e *webhookExporter) do(ctx context.Context, body []byte, testConnection bool) (*http.Response, error) {
	client := e.httpClient()
	if client == nil {
		return nil, errors.New("exporter is not started")
	}
	req, err := http.NewRequestWithContext(ctx, e.method, e.endpoint, bytes.NewReader(body))
	if err != nil {
		// The error would quote the URL, which may hold credentials.
		return nil, consumererror.NewPermanent(fmt.Errorf("building the %s request to %s failed", e.method, e.safeURL))
	}
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
	e.telemetry.ExporterWebhookResponses.Add(ctx, 1, metric.WithAttributes(attribute.String(attrStatusClass, class)))
}

func isSuccess(code int) bool { return code >= 200 && code <= 299 }

func statusClass(code int) string {
	switch {
	case code >= 200 && code <= 299:
		return "2xx"
	case code >= 300 && code <= 399:
		return "3xx"
	case code >= 400 && code <= 499:
		return "4xx"
	case code >= 500 && code <= 599:
		return "5xx"
	default:
		return "error"
	}
}

func statusText(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}

// retryAfter reads Retry-After as delay-seconds or an HTTP-date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get(headerRetryAfter))
	if v == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(v, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(seconds) * time.Second, true
	}
	if date, err := http.ParseTime(v); err == nil {
		return max(date.Sub(now), 0), true
	}
	return 0, false
}

// readExcerpt reads at most maxErrorExcerpt bytes of the response body and
// makes them printable on one line.
func readExcerpt(resp *http.Response) string {
	buf, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorExcerpt))
	// Invalid UTF-8 and control characters are replaced by one byte each,
	// so the excerpt never grows past maxErrorExcerpt.
	s := strings.ToValidUTF8(string(buf), "?")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// redirectHint names the target of a redirect, which is not followed.
func redirectHint(resp *http.Response) string {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return ""
	}
	loc, err := resp.Location()
	if err != nil {
		return " (redirects are not followed)"
	}
	return " (redirects are not followed; set endpoint to " + redactURL(loc) + ")"
}

func formatExcerpt(excerpt string) string {
	if excerpt == "" {
		return ""
	}
	return ": " + excerpt
}

// closeBody drains a bounded part of the body, so the connection can be
// reused, and closes it.
func closeBody(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	_ = resp.Body.Close()
}
