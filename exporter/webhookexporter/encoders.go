package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"fmt"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp"
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
	default:
		return nil, fmt.Errorf("\"encoding\" must be json, proto or ndjson, got %q", string(cfg.Encoding))
	}
}
