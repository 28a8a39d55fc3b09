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
		a, err := newAuth(rc.RequiredHeaders, rc.Signature.Get(), rc.AllowedSources, rc.signatureBase())
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		var secrets []string
		if sig := rc.Signature.Get(); sig != nil {
			secrets = sig.keys().Secrets
		}
		m, err := webhooks.New(name, rc.Config, secrets...)
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
// url_verification challenge, Zoom's url_validation, Twitch's challenge,
// Discord's PING): verified, answered, not forwarded, and counted as a
// test connection.
func (r *webhookReceiver) writeReply(ctx context.Context, w http.ResponseWriter, rt *route, reply *webhooks.Reply) {
	r.telemetry.ReceiverWebhookTestConnections.Add(ctx, 1, senderAttr(rt))
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	h := w.Header()
	if reply.ContentType != "" {
		h.Set("Content-Type", reply.ContentType)
	}
	// A challenge echoed back must never be read as HTML.
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if status != http.StatusNoContent {
		_, _ = w.Write(reply.Body)
	}
}

// answerChallenge answers the GET a route's sender sends to check the
// endpoint (Dropbox's ?challenge=), which carries no signature; false when
// the route answers none, and the request goes on to the method check.
func (r *webhookReceiver) answerChallenge(ctx context.Context, w http.ResponseWriter, req *http.Request, rt *route) bool {
	if req.Method != http.MethodGet || rt.mapping == nil {
		return false
	}
	reply := rt.mapping.Challenge(req.URL.Query())
	if reply == nil {
		return false
	}
	r.writeReply(ctx, w, rt, reply)
	return true
}

// writeRouteCounts answers an accepted delivery: with what was accepted and
// what was a duplicate, or 204 for a sender that wants no body (Discord).
func writeRouteCounts(w http.ResponseWriter, rt *route, accepted, duplicates int) {
	if rt.mapping != nil && rt.mapping.NoContent() {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeCounts(w, accepted, duplicates)
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
