package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"go.opentelemetry.io/collector/pdata/plog"
)

// Attribute names of the records.
const (
	AttrEventID = "webhook.event.id"
	// attrHeaderPrefix is the semantic-conventions name of a request header.
	attrHeaderPrefix = "http.request.header."
	// ScopeName is the instrumentation scope of the records.
	ScopeName = "webhooks"
)

// part is one source of a value: a path into the element or a header.
// names, when set, turns the value into a name (Discord's interaction type
// 2 into APPLICATION_COMMAND); a value it does not list is kept.
type part struct {
	path   []string
	header string
	names  map[string]string
}

// alt is one way to build a value: its parts joined with ".", the first
// required and the others added when present.
type alt []part

func field(p string) part  { return part{path: strings.Split(p, ".")} }
func header(h string) part { return part{header: http.CanonicalHeaderKey(h)} }

// named reads a field whose value names maps to a name.
func named(p string, names map[string]string) part {
	return part{path: strings.Split(p, "."), names: names}
}

func (p part) String() string {
	if p.header != "" {
		return "header " + p.header
	}
	return "field " + strings.Join(p.path, ".")
}

// Mapping is a route's Config resolved against its preset, ready to decode.
type Mapping struct {
	name      string
	raw       bool
	split     string
	splitPath []string
	eventName []alt
	id        []alt
	timestamp []alt
	format    string
	severity  *severityRule
	// presetSeverity is the preset's severity when the route sets none.
	presetSeverity func(el any, h http.Header) (plog.SeverityNumber, string)
	attrs          []attrRule
	headers        []headerRule
	special        func(in specialInput) *Special
	challenge      func(query url.Values) *Reply
	noContent      bool
	// secrets are the route's signature secrets, for the handshakes that
	// answer with a value derived from one (Zoom's encryptedToken).
	secrets [][]byte
}

type attrRule struct {
	name string
	path []string
}

type headerRule struct {
	name, attr string
}

// New resolves cfg, which Validate accepted, for the route name (the
// records' service.name); secrets are the route's signature secrets.
func New(name string, cfg Config, secrets ...string) (*Mapping, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := presets[cfg.Preset]
	m := &Mapping{
		name:           name,
		raw:            cfg.Body == BodyRaw,
		split:          cfg.Split.mode(),
		eventName:      p.eventName,
		id:             p.id,
		timestamp:      p.timestamp,
		format:         p.format,
		presetSeverity: p.severity,
		special:        p.special,
		challenge:      p.challenge,
		noContent:      p.noContent,
	}
	if m.split == SplitNone && cfg.Split.Mode == "" && p.split != "" {
		m.split = p.split
	}
	for _, s := range secrets {
		m.secrets = append(m.secrets, []byte(s))
	}
	if m.split == SplitField {
		m.splitPath = strings.Split(cfg.Split.Field, ".")
	}
	if s := cfg.EventName; s != nil {
		m.eventName = []alt{{s.part()}}
	}
	if s := cfg.ID; s != nil {
		m.id = []alt{{s.part()}}
	}
	if t := cfg.Timestamp; t != nil {
		m.timestamp = []alt{{(&Source{Field: t.Field, Header: t.Header}).part()}}
		m.format = t.Format
	}
	if m.format == "" {
		m.format = FormatAuto
	}
	if cfg.Severity != nil {
		m.severity = newSeverityRule(*cfg.Severity)
	}
	for _, n := range sortedKeys(cfg.Attributes) {
		m.attrs = append(m.attrs, attrRule{name: n, path: strings.Split(cfg.Attributes[n], ".")})
	}
	for _, h := range cfg.Headers {
		m.headers = append(m.headers, headerRule{name: http.CanonicalHeaderKey(h), attr: attrHeaderPrefix + strings.ToLower(h)})
	}
	return m, nil
}

func (s *Source) part() part {
	if s.Header != "" {
		return header(s.Header)
	}
	return field(s.Field)
}

// Request is what the mapping reads of a delivery.
type Request struct {
	Body        []byte
	Header      http.Header
	ContentType string
}

// Result is what one delivery decoded into.
type Result struct {
	// Logs holds one record per event.
	Logs plog.Logs
	// IDs are the ids of the records in Logs, in order; "" for a record
	// without one.
	IDs []string
	// Special, when set, is answered instead of forwarding anything.
	Special *Special
}

// Special is a delivery answered and not forwarded.
type Special struct {
	// Test: a test delivery (GitHub's ping), counted as a test connection.
	Test bool
	// Reply, when set, is the answer the sender waits for (Slack's
	// url_verification challenge).
	Reply *Reply
}

// Reply is the answer to a handshake: 200 (or Status) with a body.
type Reply struct {
	// Status is 200 when 0.
	Status      int
	ContentType string
	Body        []byte
}

// Challenge answers a GET the preset's sender sends to check the endpoint
// (Dropbox's ?challenge=), or returns nil when the route answers none.
func (m *Mapping) Challenge(query url.Values) *Reply {
	if m.challenge == nil {
		return nil
	}
	return m.challenge(query)
}

// NoContent reports whether the sender wants an accepted delivery answered
// 204 with no body (Discord's webhook events).
func (m *Mapping) NoContent() bool { return m.noContent }

const formType = "application/x-www-form-urlencoded"

// Accepts reports whether the route reads bodies of contentType, and if not
// what to send instead.
func (m *Mapping) Accepts(contentType string) (bool, string) {
	if m.raw {
		return true, ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil {
		switch {
		case mt == "application/json", mt == "text/json", strings.HasSuffix(mt, "+json"), mt == formType:
			return true, ""
		case m.split == SplitNDJSON && (mt == "application/x-ndjson" || mt == "application/ndjson" ||
			mt == "application/jsonl" || mt == "application/x-jsonlines" || mt == "text/plain"):
			return true, ""
		}
	}
	want := "application/json or application/x-www-form-urlencoded"
	if m.split == SplitNDJSON {
		want = "application/x-ndjson, application/json or application/x-www-form-urlencoded"
	}
	return false, fmt.Sprintf("unsupported Content-Type %q: use %s, or set body: raw to take any body as text", contentType, want)
}
