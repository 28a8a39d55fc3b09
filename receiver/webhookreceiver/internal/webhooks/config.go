// Package webhooks reads a delivery from any webhook sender into log
// records: the generic mapping behind the receiver's `webhooks` routes.
//
// The way in is Mapping.Decode: the body, headers and content type of one
// delivery in; one log record per event, each event's id, and what to answer
// instead of forwarding (Slack's url_verification challenge, GitHub's ping)
// out. A route is a Config: a preset (presets.go) says how its sender signs
// and where it keeps the event's id, name and time, and answers its
// handshakes (handshakes.go); the route's own keys override it.
package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/confmap"
	"golang.org/x/net/http/httpguts"
)

// Body modes.
const (
	BodyJSON = "json"
	BodyRaw  = "raw"
)

// Split modes.
const (
	SplitNone   = "none"
	SplitArray  = "array"
	SplitNDJSON = "ndjson"
	SplitField  = "field"
)

// Timestamp formats.
const (
	FormatAuto    = "auto"
	FormatRFC3339 = "rfc3339"
	FormatUnixS   = "unix_s"
	FormatUnixMS  = "unix_ms"
	FormatUnixNS  = "unix_ns"
	// formatRFC3339OrUTC reads RFC 3339, and an ISO 8601 time without an
	// offset as UTC (Discord's webhook events); presets only.
	formatRFC3339OrUTC = "rfc3339_or_utc"
)

// Config is the mapping part of a route, as the user writes it.
type Config struct {
	// Preset is the sender whose signature, id, name and time this route
	// reads (PresetNames).
	Preset string `mapstructure:"preset"`
	// Body is json (default: parsed into the record's Body) or raw (the
	// body as a string).
	Body string `mapstructure:"body"`
	// Split turns one delivery into several records: none (default), array,
	// ndjson, or {field: <dotted path>}.
	Split Split `mapstructure:"split"`
	// EventName, ID and Timestamp say where each record's event name, id
	// and time are: a field of the element or a request header.
	EventName *Source    `mapstructure:"event_name"`
	ID        *Source    `mapstructure:"id"`
	Timestamp *Timestamp `mapstructure:"timestamp"`
	// Severity is fixed, or read from a field; default INFO.
	Severity *Severity `mapstructure:"severity"`
	// Attributes lifts fields out of the element: attribute name to dotted
	// path.
	Attributes map[string]string `mapstructure:"attributes"`
	// Headers are copied as http.request.header.<lowercase name>.
	Headers []string `mapstructure:"headers"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Split is `split: none|array|ndjson` or `split: {field: <dotted path>}`.
type Split struct {
	Mode  string `mapstructure:"-"`
	Field string `mapstructure:"field"`
}

// Unmarshal reads the map form of split, refusing any key but field.
func (s *Split) Unmarshal(conf *confmap.Conf) error {
	var p struct {
		Field string `mapstructure:"field"`
	}
	if err := conf.Unmarshal(&p); err != nil {
		return err
	}
	s.Field = p.Field
	return nil
}

// UnmarshalText reads the word form of split.
func (s *Split) UnmarshalText(text []byte) error {
	s.Mode = string(text)
	return nil
}

func (s Split) mode() string {
	switch {
	case s.Field != "":
		return SplitField
	case s.Mode == "":
		return SplitNone
	}
	return s.Mode
}

// Source is where a value is: a dotted path into the element, or a header.
type Source struct {
	Field  string `mapstructure:"field"`
	Header string `mapstructure:"header"`
}

// Timestamp is a Source and the format of its value.
type Timestamp struct {
	Field  string `mapstructure:"field"`
	Header string `mapstructure:"header"`
	// Format is rfc3339, unix_s, unix_ms, unix_ns or auto (default: RFC
	// 3339 strings and Unix seconds numbers).
	Format string `mapstructure:"format"`
}

// Severity is a fixed severity (text, and number) or a field whose values
// map to severities.
type Severity struct {
	Text   string            `mapstructure:"text"`
	Number int32             `mapstructure:"number"`
	Field  string            `mapstructure:"field"`
	Map    map[string]string `mapstructure:"map"`
}

// Validate reports every problem of c, each naming its key.
func (c *Config) Validate() error {
	var errs []error
	if c.Preset != "" {
		if _, ok := presets[c.Preset]; !ok {
			errs = append(errs, fmt.Errorf("\"preset\": unknown %q: one of %s", c.Preset, strings.Join(PresetNames(), ", ")))
		}
	}
	switch c.Body {
	case "", BodyJSON, BodyRaw:
	default:
		errs = append(errs, fmt.Errorf("\"body\": unknown %q: one of json, raw", c.Body))
	}
	switch m := c.Split.mode(); m {
	case SplitNone, SplitNDJSON:
	case SplitArray, SplitField:
		if c.Body == BodyRaw {
			errs = append(errs, fmt.Errorf("\"split\": %s needs body json: a raw body has no JSON to split", m))
		}
		if m == SplitField && c.Split.Mode != "" {
			errs = append(errs, errors.New(`"split": either a mode or {field: <path>}, not both`))
		}
		if m == SplitField {
			errs = append(errs, checkPath("split::field", c.Split.Field)...)
		}
	default:
		errs = append(errs, fmt.Errorf("\"split\": unknown %q: one of none, array, ndjson, or {field: <dotted path>}", c.Split.Mode))
	}
	for _, s := range []struct {
		key string
		src *Source
	}{{"event_name", c.EventName}, {"id", c.ID}} {
		if s.src != nil {
			errs = append(errs, s.src.check(s.key)...)
		}
	}
	if t := c.Timestamp; t != nil {
		errs = append(errs, (&Source{Field: t.Field, Header: t.Header}).check("timestamp")...)
		switch t.Format {
		case "", FormatAuto, FormatRFC3339, FormatUnixS, FormatUnixMS, FormatUnixNS:
		default:
			errs = append(errs, fmt.Errorf("\"timestamp::format\": unknown %q: one of rfc3339, unix_s, unix_ms, unix_ns, auto", t.Format))
		}
	}
	if s := c.Severity; s != nil {
		errs = append(errs, s.check()...)
	}
	for _, name := range sortedKeys(c.Attributes) {
		if name == "" {
			errs = append(errs, errors.New(`"attributes": an attribute name is empty`))
		}
		errs = append(errs, checkPath("attributes::"+name, c.Attributes[name])...)
	}
	for i, h := range c.Headers {
		if !httpguts.ValidHeaderFieldName(h) {
			errs = append(errs, fmt.Errorf("\"headers[%d]\": %q is not a valid header name", i, h))
		}
	}
	return errors.Join(errs...)
}

func (s *Source) check(key string) []error {
	switch {
	case s.Field != "" && s.Header != "":
		return []error{fmt.Errorf("%q: set field or header, not both", key)}
	case s.Field == "" && s.Header == "":
		return []error{fmt.Errorf("%q: set field (a dotted path) or header", key)}
	case s.Header != "" && !httpguts.ValidHeaderFieldName(s.Header):
		return []error{fmt.Errorf("\"%s::header\": %q is not a valid header name", key, s.Header)}
	case s.Field != "":
		return checkPath(key+"::field", s.Field)
	}
	return nil
}

func (s *Severity) check() []error {
	var errs []error
	fixed := s.Text != "" || s.Number != 0
	switch {
	case fixed && s.Field != "":
		errs = append(errs, errors.New(`"severity": set text (and number) or field (and map), not both`))
	case !fixed && s.Field == "":
		errs = append(errs, errors.New(`"severity": set text (and number) or field (and map)`))
	}
	if s.Number < 0 || s.Number > 24 {
		errs = append(errs, fmt.Errorf("\"severity::number\": %d is not a severity number (1 to 24)", s.Number))
	}
	if s.Text != "" && s.Number == 0 {
		if _, ok := severityByName(s.Text); !ok {
			errs = append(errs, fmt.Errorf("\"severity::text\": %q is not a severity name (%s); give number too for a text of your own", s.Text, severityNames))
		}
	}
	if len(s.Map) > 0 && s.Field == "" {
		errs = append(errs, errors.New(`"severity::map" needs "severity::field"`))
	}
	if s.Field != "" {
		errs = append(errs, checkPath("severity::field", s.Field)...)
	}
	for _, k := range sortedKeys(s.Map) {
		if _, ok := severityByName(s.Map[k]); !ok {
			errs = append(errs, fmt.Errorf("\"severity::map::%s\": %q is not a severity name (%s)", k, s.Map[k], severityNames))
		}
	}
	return errs
}

func checkPath(key, p string) []error {
	if p == "" {
		return []error{fmt.Errorf("%q: the path is empty", key)}
	}
	for _, seg := range strings.Split(p, ".") {
		if seg == "" {
			return []error{fmt.Errorf("%q: %q has an empty segment", key, p)}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
