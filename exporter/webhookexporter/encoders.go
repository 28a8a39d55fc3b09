package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"fmt"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp"
)

// newEncoder returns the encoder of the configured encoding.
func newEncoder(cfg *Config) (encoding.Encoder, error) {
	switch cfg.Encoding.normalized() {
	case EncodingJSON:
		return otlp.NewJSON(), nil
	case EncodingProto:
		return otlp.NewProto(), nil
	default:
		return nil, fmt.Errorf("\"encoding\" must be json or proto, got %q", string(cfg.Encoding))
	}
}
