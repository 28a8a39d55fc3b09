package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"errors"
	"fmt"
	"strings"
)

// Encoding is the body format of a delivery.
type Encoding string

const (
	// EncodingJSON is OTLP JSON, sent as application/json (the default).
	EncodingJSON Encoding = "json"
	// EncodingProto is OTLP protobuf, sent as application/x-protobuf.
	EncodingProto Encoding = "proto"
	// EncodingNDJSON is one JSON object per span or log record, one per
	// line, sent as application/x-ndjson.
	EncodingNDJSON Encoding = "ndjson"
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

// validateEncoding checks the encoding and that its options, and no other
// encoding's, are set.
func (cfg *Config) validateEncoding() []error {
	enc := cfg.Encoding.normalized()
	var errs []error
	switch enc {
	case EncodingJSON, EncodingProto, EncodingNDJSON:
	default:
		errs = append(errs, fmt.Errorf("\"encoding\" must be json, proto or ndjson, got %q", string(cfg.Encoding)))
	}
	if nd := cfg.NDJSON.Get(); nd != nil {
		if enc != EncodingNDJSON {
			errs = append(errs, fmt.Errorf("\"ndjson\" is set, but \"encoding\" is %q: it applies to encoding ndjson only", string(enc)))
		}
		if nd.AttributePrefix != "" && !nd.FlattenAttributes {
			errs = append(errs, errors.New(`"ndjson::attribute_prefix" applies only with "ndjson::flatten_attributes: true"`))
		}
	}
	return errs
}
