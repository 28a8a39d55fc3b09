package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// preset is what a sender documents: how it signs, and where its event id,
// name and time are. Each list holds alternatives, the first one present
// wins; an alternative's later parts are joined with "." when present
// (GitHub's "issues" + "opened").
type preset struct {
	signature signature.Options
	eventName []alt
	id        []alt
	timestamp []alt
	format    string
	// special answers a delivery that is not forwarded.
	special func(h http.Header, body any) *Special
}

var presets = map[string]preset{
	// https://docs.github.com/en/webhooks/webhook-events-and-payloads
	"github": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-Hub-Signature-256", Prefix: "sha256="},
		eventName: []alt{{header("X-GitHub-Event"), field("action")}},
		id:        []alt{{header("X-GitHub-Delivery")}},
		special: func(h http.Header, _ any) *Special {
			if h.Get("X-GitHub-Event") == "ping" {
				return &Special{Test: true}
			}
			return nil
		},
	},
	// https://docs.stripe.com/webhooks#verify-events
	"stripe": {
		signature: signature.Options{Scheme: signature.SchemeStripe, Tolerance: 300 * time.Second},
		eventName: []alt{{field("type")}},
		id:        []alt{{field("id")}},
		timestamp: []alt{{field("created")}},
		format:    FormatUnixS,
	},
	// https://api.slack.com/apis/events-api, slash commands and
	// interactivity (form bodies with a JSON payload).
	"slack": {
		signature: signature.Options{Scheme: signature.SchemeSlack, Tolerance: 5 * time.Minute},
		eventName: []alt{{field("event.type")}, {field("type")}, {field("payload.type")}, {field("command")}},
		id:        []alt{{field("event_id")}},
		timestamp: []alt{{field("event_time")}},
		format:    FormatUnixS,
		special: func(_ http.Header, body any) *Special {
			m, ok := body.(map[string]any)
			if !ok || m["type"] != "url_verification" {
				return nil
			}
			challenge, _ := m["challenge"].(string)
			reply, _ := json.Marshal(map[string]string{"challenge": challenge})
			return &Special{Reply: &Reply{ContentType: "application/json", Body: reply}}
		},
	},
	// https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
	"shopify": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-Shopify-Hmac-Sha256", Encoding: signature.Base64},
		eventName: []alt{{header("X-Shopify-Topic")}},
		id:        []alt{{header("X-Shopify-Event-Id")}, {header("X-Shopify-Webhook-Id")}},
		timestamp: []alt{{header("X-Shopify-Triggered-At")}},
		format:    FormatRFC3339,
	},
	// https://linear.app/developers/webhooks
	"linear": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "Linear-Signature",
			TimestampField: "webhookTimestamp", Tolerance: time.Minute},
		eventName: []alt{{field("type"), field("action")}},
		id:        []alt{{header("Linear-Delivery")}},
		timestamp: []alt{{field("createdAt")}},
		format:    FormatAuto,
	},
	// https://www.standardwebhooks.com; OpenAI's platform webhooks put the
	// time in created_at, the spec's example in timestamp.
	"standard_webhooks": {
		signature: signature.Options{Scheme: signature.SchemeStandardWebhooks, Tolerance: 5 * time.Minute},
		eventName: []alt{{field("type")}},
		id:        []alt{{header(signature.HeaderWebhookID)}, {header(signature.HeaderSvixID)}},
		timestamp: []alt{{field("timestamp")}, {field("created_at")}},
		format:    FormatAuto,
	},
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SignatureDefaults are the signature options of a preset, or of a route
// without one (hmac in X-Webhook-Signature).
func SignatureDefaults(presetName string) signature.Options {
	if p, ok := presets[presetName]; ok {
		return p.signature
	}
	return signature.Options{Scheme: signature.SchemeHMAC}
}
