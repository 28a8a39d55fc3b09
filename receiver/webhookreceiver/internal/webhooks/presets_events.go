package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"net/http"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/openrouterevents"
)

// Event platforms, OpenRouter's callbacks and file storage.
var eventPresets = map[string]preset{
	// https://www.standardwebhooks.com; OpenAI's platform webhooks put the
	// time in created_at, the spec's example in timestamp.
	"standard_webhooks": {
		signature: signature.Options{Scheme: signature.SchemeStandardWebhooks, Tolerance: 5 * time.Minute},
		eventName: []alt{{field("type")}},
		id:        []alt{{header(signature.HeaderWebhookID)}, {header(signature.HeaderSvixID)}},
		timestamp: []alt{{field("timestamp")}, {field("created_at")}},
		format:    FormatAuto,
	},
	// OpenRouter's signed callbacks (video generation, set with a workspace
	// signing secret): https://openrouter.ai/docs/guides/overview/multimodal/video-generation
	// and the video-generation webhooks cookbook. The event has no id of
	// its own: X-OpenRouter-Idempotency-Key is "<job id>-<status>".
	"openrouter": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: signature.HeaderOpenRouterSignature,
			SignatureKey: "v1", TimestampKey: "t",
			SignedPayload: signature.PlaceholderTimestamp + "," + signature.PlaceholderBody, Tolerance: 300 * time.Second},
		eventName: []alt{{field("type")}},
		id:        []alt{{header(openrouterevents.HeaderIdempotencyKey)}, {field("id")}},
		timestamp: []alt{{field("created_at")}},
		format:    FormatAuto,
		severity: func(el any, _ http.Header) (plog.SeverityNumber, string) {
			typ, _ := lookup(el, []string{"type"})
			s, _ := typ.(string)
			status, hasStatus := lookup(el, []string{"data", "new_status"})
			text, _ := status.(string)
			return severityOf(openrouterevents.Severity(s, text, hasStatus))
		},
	},
	// https://www.dropbox.com/developers/reference/webhooks
	"dropbox": {
		signature: signature.Options{Scheme: signature.SchemeHMAC, Header: "X-Dropbox-Signature"},
		challenge: dropboxChallenge,
	},
}
