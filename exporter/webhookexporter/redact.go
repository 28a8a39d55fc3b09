package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// redactMetrics removes content attributes from every data point and
// exemplar, as genai.RedactTraces does for spans: a connector that makes
// metrics from spans may copy any span attribute onto its points.
func redactMetrics(md pmetric.Metrics) {
	items := encoding.NewMetrics(md)
	for i := range items.Len() {
		_, _, p := items.At(i)
		genai.RedactMap(p.Attributes())
		if exemplars, ok := p.Exemplars(); ok {
			for _, ex := range exemplars.All() {
				genai.RedactMap(ex.FilteredAttributes())
			}
		}
	}
}
