package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// Payments, commerce, CRM, forms and scheduling.
var commercePresets = map[string]preset{
	// https://docs.stripe.com/webhooks#verify-events
	"stripe": {
		signature: signature.Options{Scheme: signature.SchemeStripe, Tolerance: 300 * time.Second},
		eventName: []alt{{field("type")}},
		id:        []alt{{field("id")}},
		timestamp: []alt{{field("created")}},
		format:    FormatUnixS,
	},
	// https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
	"shopify": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-Shopify-Hmac-Sha256", Encoding: signature.Base64},
		eventName: []alt{{header("X-Shopify-Topic")}},
		id:        []alt{{header("X-Shopify-Event-Id")}, {header("X-Shopify-Webhook-Id")}},
		timestamp: []alt{{header("X-Shopify-Triggered-At")}},
		format:    FormatRFC3339,
	},
	// https://developer.paddle.com/webhooks/signature-verification: five
	// seconds, as Paddle's SDKs.
	"paddle": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "Paddle-Signature",
			SignatureKey: "h1", TimestampKey: "ts", Separator: ";",
			SignedPayload: signature.PlaceholderTimestamp + ":" + signature.PlaceholderBody, Tolerance: 5 * time.Second},
		eventName: []alt{{field("event_type")}},
		id:        []alt{{field("event_id")}},
		timestamp: []alt{{field("occurred_at")}},
		format:    FormatRFC3339,
	},
	// https://developer.squareup.com/docs/webhooks/step3validate: the
	// notification URL, then the body.
	"square": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-Square-Hmacsha256-Signature", Encoding: signature.Base64,
			SignedPayload: signature.PlaceholderURL + signature.PlaceholderBody},
		eventName: []alt{{field("type")}},
		id:        []alt{{field("event_id")}},
		timestamp: []alt{{field("created_at")}},
		format:    FormatRFC3339,
	},
	// https://developers.hubspot.com/docs/api/webhooks/validating-requests;
	// a delivery is an array of up to 100 events.
	"hubspot": {
		signature: signature.Options{Scheme: signature.SchemeHubSpot, Tolerance: 5 * time.Minute},
		split:     SplitArray,
		eventName: []alt{{field("subscriptionType")}},
		id:        []alt{{field("eventId")}},
		timestamp: []alt{{field("occurredAt")}},
		format:    FormatUnixMS,
	},
	// https://www.typeform.com/developers/webhooks/secure-your-webhooks/
	"typeform": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "Typeform-Signature", Prefix: "sha256=", Encoding: signature.Base64},
		eventName: []alt{{field("event_type")}},
		id:        []alt{{field("event_id")}},
		timestamp: []alt{{field("form_response.submitted_at")}},
		format:    FormatRFC3339,
	},
	// https://developer.calendly.com/api-docs/webhook-signatures: three
	// minutes.
	"calendly": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "Calendly-Webhook-Signature",
			SignatureKey: "v1", TimestampKey: "t", Tolerance: 3 * time.Minute},
		eventName: []alt{{field("event")}},
		timestamp: []alt{{field("created_at")}},
		format:    FormatRFC3339,
	},
}
