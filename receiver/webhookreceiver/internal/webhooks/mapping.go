package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"fmt"
	"mime"
	"net/http"
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
type part struct {
	path   []string
	header string
}

// alt is one way to build a value: its parts joined with ".", the first
// required and the others added when present.
type alt []part

func field(p string) part  { return part{path: strings.Split(p, ".")} }
func header(h string) part { return part{header: http.CanonicalHeaderKey(h)} }

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
	attrs     []attrRule
	headers   []headerRule
	special   func(h http.Header, body any) *Special
}

type attrRule struct {
	name string
	path []string
}

type headerRule struct {
	name, attr string
}

// New resolves cfg, which Validate accepted, for the route name (the
// records' service.name).
func New(name string, cfg Config) (*Mapping, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := presets[cfg.Preset]
	m := &Mapping{
		name:      name,
		raw:       cfg.Body == BodyRaw,
		split:     cfg.Split.mode(),
		eventName: p.eventName,
		id:        p.id,
		timestamp: p.timestamp,
		format:    p.format,
		special:   p.special,
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

// Reply is a 200 answer with a body.
type Reply struct {
	ContentType string
	Body        []byte
}

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
