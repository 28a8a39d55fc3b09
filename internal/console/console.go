// Package console is the contract between the webhook components and the
// webhook_console extension: the extension implements Console, and each
// webhook exporter finds it among the host's extensions at start and
// registers itself as an Exporter. Nothing here imports a component, so the
// receiver, the exporter and the extension can all import it.
package console // import "github.com/otelcol-webhook/otelcol-webhook/internal/console"

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Console is what the webhook_console extension implements.
type Console interface {
	// RegisterExporter makes e visible in the console's API until the
	// returned function is called (at the exporter's shutdown).
	RegisterExporter(e Exporter) (unregister func())
}

// Find returns the console among the host's extensions, or nil when none is
// configured. Components need no setting of their own to be found. With
// several consoles configured, the one whose ID sorts first is used, so
// that every component registers with the same one.
func Find(host component.Host) Console {
	if host == nil {
		return nil
	}
	var found Console
	var foundID string
	for id, ext := range host.GetExtensions() {
		if c, ok := ext.(Console); ok && (found == nil || id.String() < foundID) {
			found, foundID = c, id.String()
		}
	}
	return found
}

// ErrNotFound is what an Exporter returns for an id it does not hold; the
// console answers it with 404. An exporter without delivery mode holds no
// deliveries: it lists none and finds none.
var ErrNotFound = errors.New("no delivery with that id")

// Endpoint states.
const (
	StateActive      = "active"
	StateCircuitOpen = "circuit_open"
	StateDisabled    = "disabled"
)

// Delivery states.
const (
	DeliveryScheduled = "scheduled"
	DeliveryDead      = "dead"
)

// Exporter is what a webhook exporter (one signal of it) registers with the
// console. Every method is safe for concurrent use.
type Exporter interface {
	// ID is the component ID, for example "webhook/alerts".
	ID() string
	// Signal is traces, logs or metrics.
	Signal() string
	// Endpoint is the URL deliveries go to, credentials and query redacted.
	Endpoint() string
	// Status returns the endpoint state and the counts of deliveries.
	Status(ctx context.Context) Status
	// List returns the deliveries that match f, newest first.
	List(ctx context.Context, f Filter) ([]Delivery, error)
	// Get returns one delivery, or ErrNotFound.
	Get(ctx context.Context, id string) (Delivery, error)
	// Body returns the body of a delivery as sent (before compression) and
	// its content type, or ErrNotFound.
	Body(ctx context.Context, id string) (body []byte, contentType string, err error)
	// Replay schedules one delivery for now with a fresh schedule, or
	// returns ErrNotFound.
	Replay(ctx context.Context, id string) error
	// ReplayDead schedules every dead letter created at or after since (all
	// when since is zero) and returns how many.
	ReplayDead(ctx context.Context, since time.Time) (int, error)
	// Delete removes one delivery, or returns ErrNotFound.
	Delete(ctx context.Context, id string) error
	// Enable re-enables an endpoint disabled by a 410 Gone.
	Enable(ctx context.Context) error
	// TestConnection sends a test-connection request to the endpoint and
	// returns what came back.
	TestConnection(ctx context.Context) TestResult
}

// Status is the state of an exporter's endpoint and its delivery counts.
type Status struct {
	State     string `json:"state"`
	Scheduled int    `json:"scheduled"`
	Dead      int    `json:"dead"`
}

// Filter selects deliveries; zero values select everything.
type Filter struct {
	// State is DeliveryScheduled, DeliveryDead or empty for both.
	State string
	// Limit bounds the number returned; 0 means no limit.
	Limit int
}

// Delivery is one delivery as the API shows it. It never holds a secret, a
// signature or a configured header value.
type Delivery struct {
	ID            string     `json:"id"`
	Exporter      string     `json:"exporter"`
	Signal        string     `json:"signal"`
	State         string     `json:"state"`
	WebhookID     string     `json:"webhook_id"`
	Items         int        `json:"items"`
	Bytes         int        `json:"bytes"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	Reason        string     `json:"reason"`
	// Headers are the request headers it is sent with, secret-bearing
	// values redacted.
	Headers  map[string]string `json:"headers"`
	Attempts []Attempt         `json:"attempts"`
}

// Attempt is one request of a delivery.
type Attempt struct {
	At         time.Time `json:"at"`
	DurationMS int64     `json:"duration_ms"`
	// Status is the HTTP status, 0 when no response came.
	Status int    `json:"status"`
	Error  string `json:"error"`
	// Response is the first 512 bytes of the response body.
	Response string `json:"response"`
}

// TestResult is the outcome of a test-connection request.
type TestResult struct {
	OK         bool   `json:"ok"`
	Status     int    `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error"`
	Response   string `json:"response"`
}
