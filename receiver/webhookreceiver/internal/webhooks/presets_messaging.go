package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"net/http"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// Chat, messaging, e-mail and video.
var messagingPresets = map[string]preset{
	// https://api.slack.com/apis/events-api, slash commands and
	// interactivity (form bodies with a JSON payload).
	"slack": {
		signature: signature.Options{Scheme: signature.SchemeSlack, Tolerance: 5 * time.Minute},
		eventName: []alt{{field("event.type")}, {field("type")}, {field("payload.type")}, {field("command")}},
		id:        []alt{{field("event_id")}},
		timestamp: []alt{{field("event_time")}},
		format:    FormatUnixS,
		special:   slackChallenge,
	},
	// https://discord.com/developers/docs/interactions/overview and
	// .../events/webhook-events: Ed25519 with the application's public key,
	// no window in Discord's libraries (discord-interactions-js).
	"discord": {
		signature: signature.Options{Scheme: signature.SchemeEd25519, Header: "X-Signature-Ed25519",
			TimestampHeader: "X-Signature-Timestamp", SignedPayload: signature.PlaceholderTimestamp + signature.PlaceholderBody,
			NoReplayWindow: true},
		eventName: []alt{{field("event.type")}, {named("type", discordInteractionTypes), field("data.name")}},
		id:        []alt{{field("id")}},
		timestamp: []alt{{field("event.timestamp")}},
		format:    formatRFC3339OrUTC,
		special:   discordPing,
		noContent: true,
	},
	// https://www.twilio.com/docs/usage/webhooks/webhooks-security; status
	// callbacks are forms, Event Streams JSON CloudEvents.
	"twilio": {
		signature: signature.Options{Scheme: signature.SchemeTwilio},
		eventName: []alt{{field("MessageStatus")}, {field("SmsStatus")}, {field("CallStatus")}, {field("type")}},
		id:        []alt{{header("I-Twilio-Idempotency-Token")}, {field("id")}},
		timestamp: []alt{{field("time")}},
		format:    FormatRFC3339,
	},
	// https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features:
	// ECDSA P-256, no window in SendGrid's libraries; an array of events.
	"sendgrid": {
		signature: signature.Options{Scheme: signature.SchemeECDSAP256, Header: "X-Twilio-Email-Event-Webhook-Signature",
			TimestampHeader: "X-Twilio-Email-Event-Webhook-Timestamp",
			SignedPayload:   signature.PlaceholderTimestamp + signature.PlaceholderBody, NoReplayWindow: true},
		split:     SplitArray,
		eventName: []alt{{field("event")}},
		id:        []alt{{field("sg_event_id")}},
		timestamp: []alt{{field("timestamp")}},
		format:    FormatUnixS,
	},
	// https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
	"mailgun": {
		signature: signature.Options{Scheme: signature.SchemeMailgun, Tolerance: 5 * time.Minute},
		eventName: []alt{{field("event-data.event")}, {field("event")}},
		id:        []alt{{field("event-data.id")}},
		timestamp: []alt{{field("event-data.timestamp")}},
		format:    FormatUnixS,
	},
	// https://developers.zoom.us/docs/api/webhooks/
	"zoom": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-Zm-Signature", Prefix: "v0=",
			TimestampHeader: "X-Zm-Request-Timestamp",
			SignedPayload:   "v0:" + signature.PlaceholderTimestamp + ":" + signature.PlaceholderBody, Tolerance: 5 * time.Minute},
		eventName: []alt{{field("event")}},
		timestamp: []alt{{field("event_ts")}},
		format:    FormatUnixMS,
		special:   zoomValidation,
	},
	// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/: ten
	// minutes.
	"twitch": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: headerTwitchSignature, Prefix: "sha256=",
			TimestampHeader: headerTwitchTimestamp, TimestampFormat: signature.RFC3339,
			SignedPayload: "{header:" + headerTwitchID + "}" + signature.PlaceholderTimestamp + signature.PlaceholderBody,
			Tolerance:     10 * time.Minute},
		eventName: []alt{{field("subscription.type")}},
		id:        []alt{{header(headerTwitchID)}},
		timestamp: []alt{{header(headerTwitchTimestamp)}},
		format:    FormatRFC3339,
		severity: func(_ any, h http.Header) (plog.SeverityNumber, string) {
			if h.Get(headerTwitchType) == "revocation" {
				return severityOf(plog.SeverityNumberWarn)
			}
			return severityOf(plog.SeverityNumberInfo)
		},
		special: twitchChallenge,
	},
}

// Twitch EventSub's headers.
const (
	headerTwitchID        = "Twitch-Eventsub-Message-Id"
	headerTwitchTimestamp = "Twitch-Eventsub-Message-Timestamp"
	headerTwitchSignature = "Twitch-Eventsub-Message-Signature"
	headerTwitchType      = "Twitch-Eventsub-Message-Type"
)

// discordInteractionTypes name Discord's interaction types.
var discordInteractionTypes = map[string]string{
	"1": "PING", "2": "APPLICATION_COMMAND", "3": "MESSAGE_COMPONENT",
	"4": "APPLICATION_COMMAND_AUTOCOMPLETE", "5": "MODAL_SUBMIT",
}
