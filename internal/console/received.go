package console // import "github.com/otelcol-webhook/otelcol-webhook/internal/console"

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
)

// ReceivedConsole is what the webhook_console extension implements for the
// receivers: each webhook receiver registers at start and reports to the
// log it gets back every request it answered.
type ReceivedConsole interface {
	// RegisterReceiver returns the log of r's answered requests, kept until
	// the returned function is called (at the receiver's shutdown).
	RegisterReceiver(r ReceiverInfo) (log ReceivedLog, unregister func())
}

// FindReceived returns the console among the host's extensions, or nil when
// none is configured. As with Find, the one whose ID sorts first is used,
// so that receivers and exporters register with the same console.
func FindReceived(host component.Host) ReceivedConsole {
	if host == nil {
		return nil
	}
	var found ReceivedConsole
	var foundID string
	for id, ext := range host.GetExtensions() {
		if c, ok := ext.(ReceivedConsole); ok && (found == nil || id.String() < foundID) {
			found, foundID = c, id.String()
		}
	}
	return found
}

// ReceiverInfo describes a receiver as the console shows it.
type ReceiverInfo struct {
	// ID is the component ID, for example "webhook/github".
	ID     string
	Routes []RouteInfo
}

// RouteInfo is one path of a receiver.
type RouteInfo struct {
	// Name is the sender or route name: otlp, openrouter_events, helicone,
	// litellm, litellm_alerts or a webhooks route name.
	Name   string `json:"route"`
	Path   string `json:"path"`
	Signal string `json:"signal"`
	// Served is false when no pipeline of the signal uses the receiver:
	// the path answers 404.
	Served bool `json:"served"`
}

// ReceivedLog keeps a receiver's recent requests. Add is on the receiver's
// hot path: it is one bounded write, safe for concurrent use.
type ReceivedLog interface {
	// Add keeps r, dropping the oldest request past the configured count.
	Add(r Received)
	// BodyBytes is how many bytes of each body to keep; 0 keeps none.
	BodyBytes() int
}

// Outcomes of a received request.
const (
	OutcomeAccepted     = "accepted"
	OutcomeDuplicate    = "duplicate"
	OutcomeTest         = "test"
	OutcomeRefused      = "refused"
	OutcomeUnauthorized = "unauthorized"
	OutcomeForbidden    = "forbidden"
	OutcomeTooLarge     = "too_large"
	OutcomeUnavailable  = "unavailable"
)

// Outcomes lists every outcome, in the order the page offers them.
var Outcomes = []string{OutcomeAccepted, OutcomeDuplicate, OutcomeTest, OutcomeRefused,
	OutcomeUnauthorized, OutcomeForbidden, OutcomeTooLarge, OutcomeUnavailable}

// Redacted replaces a header value that may carry a credential.
const Redacted = "[redacted]"

// Received is one request a receiver answered, as the API shows it. Header
// values that may carry a credential are Redacted before it is added.
type Received struct {
	At       time.Time `json:"at"`
	Receiver string    `json:"receiver"`
	// Route is the sender or route name; empty for a path no route serves.
	Route  string `json:"route"`
	Method string `json:"method"`
	Path   string `json:"path"`
	// Source is the client's address as the receiver saw it, after
	// trusted_proxies.
	Source string `json:"source"`
	Status int    `json:"status"`
	// Outcome is one of the Outcome constants.
	Outcome string `json:"outcome"`
	// Message is the error text the sender got, for refusals.
	Message string `json:"message"`
	// Items are the spans, log records or points accepted.
	Items      int     `json:"items"`
	Duplicates int     `json:"duplicates"`
	DurationMS float64 `json:"duration_ms"`
	Headers    Headers `json:"headers"`
	// Body is the start of the body as received (redacted where the route
	// redacts content), only when bodies are captured; empty when
	// BodyOmitted says why.
	Body *string `json:"body,omitempty"`
	// BodySize is the size of the whole body received, when captured.
	BodySize int `json:"body_size,omitempty"`
	// BodyTruncated is true when Body is only the start of the body.
	BodyTruncated bool `json:"body_truncated,omitempty"`
	// BodyOmitted says why Body is empty although a body came: it is not
	// text, or the route redacts content and could not redact it.
	BodyOmitted string `json:"body_omitted,omitempty"`
}

// Header is one request header; repeated values are joined with ", ".
type Header struct {
	Name, Value string
}

// Headers are a request's headers sorted by name, written in JSON as an
// object.
type Headers []Header

// Get returns the value of the header name, ignoring case, or "".
func (h Headers) Get(name string) string {
	for _, kv := range h {
		if strings.EqualFold(kv.Name, name) {
			return kv.Value
		}
	}
	return ""
}

// MarshalJSON writes {"name": "value", ...} in the headers' order.
func (h Headers) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range h {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(&b, kv.Name)
		b.WriteByte(':')
		writeString(&b, kv.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of string values, keeping its order.
func (h *Headers) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("headers must be a JSON object")
	}
	*h = Headers{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		kv := Header{Name: t.(string)}
		if err := dec.Decode(&kv.Value); err != nil {
			return err
		}
		*h = append(*h, kv)
	}
	_, err := dec.Token()
	return err
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}
