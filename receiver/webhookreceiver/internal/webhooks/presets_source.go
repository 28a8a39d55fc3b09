package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// Code hosting, issue tracking and incident tools.
var sourcePresets = map[string]preset{
	// https://docs.github.com/en/webhooks/webhook-events-and-payloads
	"github": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-Hub-Signature-256", Prefix: "sha256="},
		eventName: []alt{{header("X-GitHub-Event"), field("action")}},
		id:        []alt{{header("X-GitHub-Delivery")}},
		special:   headerIsTest("X-GitHub-Event", "ping"),
	},
	// https://docs.gitlab.com/user/project/integrations/webhooks/: the
	// secret token in X-Gitlab-Token, or a signing token (Standard
	// Webhooks headers; webhook-id is the Idempotency-Key).
	"gitlab": {
		signature: signature.Options{Scheme: signature.SchemeGitLab, Tolerance: 5 * time.Minute},
		eventName: []alt{{header("X-Gitlab-Event")}},
		id:        []alt{{header("Idempotency-Key")}, {header("X-Gitlab-Event-UUID")}},
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
	// https://docs.sentry.io/organization/integrations/integration-platform/webhooks/;
	// older integrations sign in Sentry-App-Signature, which Sentry's example
	// app reads too.
	"sentry": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "Sentry-Hook-Signature", LegacyHeader: "Sentry-App-Signature"},
		eventName: []alt{{header("Sentry-Hook-Resource"), field("action")}},
		id:        []alt{{header("Request-ID")}},
		timestamp: []alt{{header("Sentry-Hook-Timestamp")}},
		format:    FormatAuto,
	},
	// https://developer.pagerduty.com/docs/webhooks/v3-overview/
	"pagerduty": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-PagerDuty-Signature", SignatureKey: "v1"},
		eventName: []alt{{field("event.event_type")}},
		id:        []alt{{header("X-Webhook-Id")}},
		timestamp: []alt{{field("event.occurred_at")}},
		format:    FormatAuto,
		special:   fieldIsTest("event.event_type", "pagey.ping"),
	},
}
