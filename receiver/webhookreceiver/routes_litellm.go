package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"
)

// Sender names of the litellm section's two paths.
const (
	senderLiteLLM       = "litellm"
	senderLiteLLMAlerts = "litellm_alerts"
)

// addLiteLLMAlertsRoute adds the alerts path of the litellm section, with
// the authentication of the section's spans path.
func addLiteLLMAlertsRoute(cfg *Config, routes map[string]*route) {
	l := cfg.LiteLLM.Get()
	if l == nil || l.AlertsPath == "" {
		return
	}
	spans := routes[l.Path]
	routes[l.AlertsPath] = &route{path: l.AlertsPath, sender: senderLiteLLMAlerts, section: senderLiteLLM,
		signal: pipeline.SignalLogs, auth: spans.auth, decode: decodeLiteLLMAlert}
}

func decodeLiteLLM(_ *webhookReceiver, _ *route, req *request) (*batch, error) {
	c, err := litellm.Decode(req.body, req.arrival)
	if err != nil {
		return nil, err
	}
	// Each span's dedup key is its payload's id: a batch redelivered in
	// part forwards only the calls not seen before.
	return &batch{signal: pipeline.SignalTraces, traces: c.Traces, itemIDs: c.Keys}, nil
}

func decodeLiteLLMAlert(_ *webhookReceiver, _ *route, req *request) (*batch, error) {
	a, err := litellm.DecodeAlert(req.body, req.arrival)
	if err != nil {
		return nil, err
	}
	// An alert has no id: the same body within the dedup TTL is a copy.
	return &batch{signal: pipeline.SignalLogs, logs: a.Logs, deliveryID: a.Key}, nil
}
