package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"errors"
	"fmt"
	"mime"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/tmpl"
)

// Encoding is the body format of a delivery.
type Encoding string

const (
	// EncodingJSON is OTLP JSON, sent as application/json (the default).
	EncodingJSON Encoding = "json"
	// EncodingProto is OTLP protobuf, sent as application/x-protobuf.
	EncodingProto Encoding = "proto"
	// EncodingNDJSON is one JSON object per span, log record or data
	// point, one per line, sent as application/x-ndjson.
	EncodingNDJSON Encoding = "ndjson"
	// EncodingTemplate renders bodies with a text/template.
	EncodingTemplate Encoding = "template"
)

// UnmarshalText normalises the configured encoding to lower case; Validate
// checks that it is supported.
func (e *Encoding) UnmarshalText(text []byte) error {
	*e = Encoding(strings.ToLower(strings.TrimSpace(string(text))))
	return nil
}

func (e Encoding) normalized() Encoding {
	return Encoding(strings.ToLower(strings.TrimSpace(string(e))))
}

// NDJSONConfig holds the options of encoding ndjson.
type NDJSONConfig struct {
	// FlattenAttributes lifts span and log record attributes to top-level
	// keys named AttributePrefix + name, and resource attributes to
	// "resource." + name, for stores that map keys to columns.
	FlattenAttributes bool `mapstructure:"flatten_attributes"`
	// AttributePrefix is put before lifted attribute names; empty by
	// default, so gen_ai.request.model stays gen_ai.request.model.
	AttributePrefix string `mapstructure:"attribute_prefix"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// TemplateConfig configures encoding template.
type TemplateConfig struct {
	// Body is a Go text/template.
	Body string `mapstructure:"body"`
	// Per is item (one rendering and one request per span, log record or
	// data point) or request (one rendering per request, over its items).
	Per string `mapstructure:"per"`
	// ContentType is the Content-Type of the bodies; application/json by
	// default, in which case every body must be valid JSON.
	ContentType string `mapstructure:"content_type"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// validate checks the template settings; parse errors name the line of the
// body. It is not named Validate so that the collector's recursive
// validation does not report its errors twice.
func (tc *TemplateConfig) validate() []error {
	var errs []error
	if strings.TrimSpace(tc.Body) == "" {
		errs = append(errs, errors.New(`"template::body" is required: a Go text/template`))
	} else if _, err := tmpl.Parse(tc.Body); err != nil {
		errs = append(errs, fmt.Errorf("\"template::body\": %w", err))
	}
	switch tmpl.Per(tc.Per) {
	case tmpl.PerItem, tmpl.PerRequest:
	case "":
		errs = append(errs, errors.New(`"template::per" is required: item (one request per span, log record or data point) or request (one rendering over the items of a request)`))
	default:
		errs = append(errs, fmt.Errorf("\"template::per\" must be item or request, got %q", tc.Per))
	}
	if mt, _, err := mime.ParseMediaType(tc.ContentType); err != nil || !strings.Contains(mt, "/") || !httpguts.ValidHeaderFieldValue(tc.ContentType) {
		errs = append(errs, fmt.Errorf("\"template::content_type\" must be a media type such as application/json, got %q", tc.ContentType))
	}
	return errs
}

// validateEncoding checks the encoding and that its options, and no other
// encoding's, are set.
func (cfg *Config) validateEncoding() []error {
	enc := cfg.Encoding.normalized()
	var errs []error
	switch enc {
	case EncodingJSON, EncodingProto, EncodingNDJSON, EncodingTemplate:
	default:
		errs = append(errs, fmt.Errorf("\"encoding\" must be json, proto, ndjson or template, got %q", string(cfg.Encoding)))
	}
	if nd := cfg.NDJSON.Get(); nd != nil {
		if enc != EncodingNDJSON {
			errs = append(errs, fmt.Errorf("\"ndjson\" is set, but \"encoding\" is %q: it applies to encoding ndjson only", string(enc)))
		}
		if nd.AttributePrefix != "" && !nd.FlattenAttributes {
			errs = append(errs, errors.New(`"ndjson::attribute_prefix" applies only with "ndjson::flatten_attributes: true"`))
		}
	}
	tc := cfg.Template.Get()
	switch {
	case tc != nil && enc != EncodingTemplate:
		errs = append(errs, fmt.Errorf("\"template\" is set, but \"encoding\" is %q: it applies to encoding template only", string(enc)))
	case tc == nil && enc == EncodingTemplate:
		errs = append(errs, errors.New(`"encoding: template" needs a "template" section with "body" and "per"`))
	case tc != nil:
		errs = append(errs, tc.validate()...)
	}
	return errs
}
