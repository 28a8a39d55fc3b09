package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"fmt"
	"net/http"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"
)

// addWebhookRoutes adds a route for each entry of `webhooks`: log records,
// its name as the sender.
func addWebhookRoutes(cfg *Config, routes map[string]*route) error {
	for _, name := range cfg.routeNames() {
		rc := cfg.Webhooks[name]
		key := "webhooks::" + name
		a, err := newAuth(rc.RequiredHeaders, rc.Signature.Get(), rc.AllowedSources, webhooks.SignatureDefaults(rc.Preset))
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		m, err := webhooks.New(name, rc.Config)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		routes[rc.Path] = &route{path: rc.Path, sender: name, section: key, signal: pipeline.SignalLogs,
			auth: a, mapping: m, decode: decodeWebhook}
	}
	return nil
}

func decodeWebhook(_ *webhookReceiver, rt *route, req *request) (*batch, error) {
	res, err := rt.mapping.Decode(webhooks.Request{Body: req.body, Header: req.header, ContentType: req.contentType}, req.arrival)
	if err != nil {
		return nil, err
	}
	if s := res.Special; s != nil {
		b := &batch{signal: pipeline.SignalLogs, logs: plog.NewLogs(), reply: s.Reply}
		if s.Test {
			b.tests = 1
		}
		return b, nil
	}
	return &batch{signal: pipeline.SignalLogs, logs: res.Logs, itemIDs: res.IDs}, nil
}

// writeReply answers a delivery that asks for an answer of its own (Slack's
// url_verification challenge): verified, answered, not forwarded, and
// counted as a test connection.
func (r *webhookReceiver) writeReply(ctx context.Context, w http.ResponseWriter, rt *route, reply *webhooks.Reply) {
	r.telemetry.ReceiverWebhookTestConnections.Add(ctx, 1, senderAttr(rt))
	w.Header().Set("Content-Type", reply.ContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(reply.Body)
}

// countWithoutID counts the forwarded records that had no id: dedup cannot
// tell a redelivery of them.
func (r *webhookReceiver) countWithoutID(ctx context.Context, rt *route, b *batch) {
	if rt.mapping == nil {
		return
	}
	n := 0
	for _, id := range b.itemIDs {
		if id == "" {
			n++
		}
	}
	if n > 0 {
		r.telemetry.ReceiverWebhookRecordsWithoutID.Add(ctx, int64(n), senderAttr(rt))
	}
}
