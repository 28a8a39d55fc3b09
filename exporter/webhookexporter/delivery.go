package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"
	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// redacted stands for a header value the console must not show.
const redacted = "[redacted]"

// startDelivery opens the delivery store (the storage extension's, when
// delivery::storage is set) and starts the Manager.
func (e *webhookExporter) startDelivery(ctx context.Context, host component.Host) error {
	d := e.cfg.Delivery.Get()
	store := delivery.NewMemoryStore()
	if d.Storage != nil {
		client, err := storageClient(ctx, host, *d.Storage, e.id, e.signal)
		if err != nil {
			return err
		}
		store = delivery.NewStorageStore(client)
	}
	cfg := delivery.Config{
		Schedule:          d.Schedule,
		Jitter:            deliveryJitter,
		Concurrency:       d.Concurrency,
		RetryableStatuses: e.retryable,
		DeadLetterMaxAge:  d.DeadLetter.MaxAge,
		DeadLetterMaxSize: d.DeadLetter.MaxSize,
		CircuitFailures:   d.CircuitBreaker.Failures,
		CircuitOpenFor:    d.CircuitBreaker.OpenFor,
		CircuitMaxOpenFor: circuitMaxOpen,
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 1
		if q := e.cfg.QueueConfig.Get(); q != nil {
			cfg.Concurrency = q.NumConsumers
		}
	}
	if rl := d.RateLimit.Get(); rl != nil {
		cfg.RateLimit, cfg.Burst = rl.RequestsPerSecond, rl.Burst
	}
	clock := e.clock
	if clock == nil {
		clock = delivery.SystemClock{}
	}
	m := delivery.NewManager(cfg, delivery.Settings{
		Exporter: e.id.String(),
		Signal:   e.signal,
		Store:    store,
		Sender:   delivery.SenderFunc(e.resend),
		Clock:    clock,
		Observer: newDeliveryObserver(e),
		Logger:   e.logger,
	})
	if err := m.Start(ctx); err != nil {
		_ = store.Close(ctx)
		return fmt.Errorf("\"delivery::storage\": %w", err)
	}
	e.delivery = m
	return e.registerDeliveryGauges()
}

// storageClient returns the client of the storage extension id for the
// deliveries of one signal of this exporter; its name keeps it apart from
// the sending queue's client.
func storageClient(ctx context.Context, host component.Host, id, exporterID component.ID, signal string) (storage.Client, error) {
	ext, ok := host.GetExtensions()[id]
	if !ok {
		return nil, fmt.Errorf("\"delivery::storage\": extension %q is not configured", id)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("\"delivery::storage\": extension %q is not a storage extension", id)
	}
	client, err := se.GetClient(ctx, component.KindExporter, exporterID, "delivery_"+signal)
	if err != nil {
		return nil, fmt.Errorf("\"delivery::storage\": opening %q failed: %w", id, err)
	}
	return client, nil
}

// deliver sends body through the Manager, which keeps it when the first
// attempt fails. The body is lent: recycle takes it back once neither the
// Manager nor the transport reads it. It has no error: a delivery is
// delivered or kept, never handed back to the queue.
func (e *webhookExporter) deliver(ctx context.Context, body []byte, recycle func([]byte), items int) {
	shared := newSharedBody(body, recycle)
	defer shared.release()
	req := func() delivery.Request {
		id := signature.DeliveryID(body)
		return delivery.Request{Body: body, ContentType: e.contentType, WebhookID: id, Items: items, Headers: e.requestHeaders(id)}
	}
	e.delivery.Deliver(ctx, req, func(ctx context.Context) delivery.Result {
		return e.attempt(ctx, shared)
	})
}

// resend is the Manager's Sender: a later attempt of a kept body, signed
// anew.
func (e *webhookExporter) resend(ctx context.Context, body []byte, _ string) delivery.Result {
	shared := newSharedBody(body, nil)
	defer shared.release()
	return e.attempt(ctx, shared)
}

// attempt sends one request and reads what the Manager needs of the
// response.
func (e *webhookExporter) attempt(ctx context.Context, shared *sharedBody) delivery.Result {
	resp, err := e.doShared(ctx, shared, false)
	if err != nil {
		return delivery.Result{Err: err}
	}
	res := delivery.Result{Status: resp.StatusCode}
	if !isSuccess(resp.StatusCode) {
		res.Response = readExcerpt(resp)
		res.RetryAfter, res.HasRetryAfter = retryAfter(resp.Header, time.Now())
	}
	closeBody(resp)
	return res
}

// requestHeaders are the headers a delivery is sent with, as the console
// shows them: configured values and signatures redacted.
func (e *webhookExporter) requestHeaders(webhookID string) map[string]string {
	h := map[string]string{
		http.CanonicalHeaderKey(headerContentType): e.contentType,
		http.CanonicalHeaderKey(headerUserAgent):   e.userAgent,
	}
	for name := range e.cfg.ClientConfig.Headers.Iter {
		h[http.CanonicalHeaderKey(name)] = redacted
	}
	if c := e.cfg.ClientConfig.Compression; c != "" && c != compressionNone {
		h["Content-Encoding"] = string(c)
	}
	if sig := e.cfg.Signature.Get(); sig != nil {
		switch sig.Scheme {
		case signature.SchemeStandardWebhooks:
			h["Webhook-Id"] = webhookID
			h["Webhook-Timestamp"] = "(the time of each attempt)"
			h["Webhook-Signature"] = redacted
		default:
			name := sig.Header
			if name == "" {
				name = signature.DefaultHMACHeader
			}
			h[http.CanonicalHeaderKey(name)] = redacted
		}
	}
	return h
}

// deliveryObserver turns what the Manager counts into telemetry, with the
// attribute sets, and the option lists passed to Add, made once: the happy
// path adds to two counters per request and allocates nothing for it.
type deliveryObserver struct {
	e        *webhookExporter
	outcomes map[string][]metric.AddOption
}

func newDeliveryObserver(e *webhookExporter) deliveryObserver {
	o := deliveryObserver{e: e, outcomes: map[string][]metric.AddOption{}}
	for _, outcome := range []string{delivery.OutcomeDelivered, delivery.OutcomeScheduled, delivery.OutcomeDeadLettered, delivery.OutcomeReplayed, delivery.OutcomeEvicted} {
		o.outcomes[outcome] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String(attrOutcome, outcome)))}
	}
	return o
}

func (o deliveryObserver) Outcome(ctx context.Context, outcome string, n int) {
	o.e.telemetry.ExporterWebhookDeliveries.Add(ctx, int64(n), o.outcomes[outcome]...)
}

func (o deliveryObserver) Attempt(ctx context.Context, status int) {
	o.e.telemetry.ExporterWebhookDeliveryAttempts.Add(ctx, 1, statusClassOptions[statusClass(status)]...)
}

// registerDeliveryGauges reports the counts and the endpoint state.
func (e *webhookExporter) registerDeliveryGauges() error {
	m := e.delivery
	return errors.Join(
		e.telemetry.RegisterExporterWebhookDeliveriesScheduledCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(m.Status().Scheduled))
			return nil
		}),
		e.telemetry.RegisterExporterWebhookDeadLettersCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(m.Status().Dead))
			return nil
		}),
		e.telemetry.RegisterExporterWebhookEndpointStateCallback(func(_ context.Context, o metric.Int64Observer) error {
			current := m.Status().State
			for _, s := range []string{console.StateActive, console.StateCircuitOpen, console.StateDisabled} {
				v := int64(0)
				if s == current {
					v = 1
				}
				o.Observe(v, metric.WithAttributes(attribute.String(attrState, s)))
			}
			return nil
		}),
	)
}
