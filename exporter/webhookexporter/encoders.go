package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"errors"
	"fmt"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/tmpl"
)

// newEncoder returns the encoder of the configured encoding.
func newEncoder(cfg *Config) (encoding.Encoder, error) {
	switch cfg.Encoding.normalized() {
	case EncodingJSON:
		return otlp.NewJSON(), nil
	case EncodingProto:
		return otlp.NewProto(), nil
	case EncodingNDJSON:
		var nd NDJSONConfig
		if c := cfg.NDJSON.Get(); c != nil {
			nd = *c
		}
		return ndjson.New(ndjson.Config{FlattenAttributes: nd.FlattenAttributes, AttributePrefix: nd.AttributePrefix}), nil
	case EncodingTemplate:
		tc := cfg.Template.Get()
		if tc == nil {
			return nil, errors.New(`"encoding: template" needs a "template" section with "body" and "per"`)
		}
		enc, err := tmpl.New(tmpl.Config{Body: tc.Body, Per: tmpl.Per(tc.Per), ContentType: tc.ContentType})
		if err != nil {
			return nil, fmt.Errorf("\"template\": %w", err)
		}
		return enc, nil
	default:
		return nil, fmt.Errorf("\"encoding\" must be json, proto, ndjson or template, got %q", string(cfg.Encoding))
	}
}
