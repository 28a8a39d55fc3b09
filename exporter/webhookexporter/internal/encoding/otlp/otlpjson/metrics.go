package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import (
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// AppendMetrics appends md as an OTLP JSON ExportMetricsServiceRequest.
func AppendMetrics(b []byte, md pmetric.Metrics) []byte {
	return appendMetrics(b, md, whole)
}

// AppendMetricRange appends the metrics [from, to) of md, counted in order
// across its resources and scopes, as an OTLP JSON
// ExportMetricsServiceRequest: each metric, with all its data points, under
// its own resource and scope, resources and scopes without a metric in the
// range left out. It writes what AppendMetrics writes for a copy of those
// metrics, without copying them.
func AppendMetricRange(b []byte, md pmetric.Metrics, from, to int) []byte {
	return appendMetrics(b, md, newRun(from, to))
}

func appendMetrics(b []byte, md pmetric.Metrics, r run) []byte {
	start := len(b)
	resources := newGroup()
	rms := md.ResourceMetrics()
	pos := 0
	for i := 0; i < rms.Len() && !r.past(pos); i++ {
		rm := rms.At(i)
		elem := -1
		if r.all {
			b = resources.element(b, `,"resourceMetrics":`)
			elem = len(b)
			b = resource(b, rm.Resource())
		}
		scopes := newGroup()
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len() && !r.past(pos); j++ {
			sm := sms.At(j)
			n := sm.Metrics().Len()
			lo, hi, ok := r.clip(pos, n)
			pos += n
			if !ok {
				continue
			}
			if elem < 0 {
				b = resources.element(b, `,"resourceMetrics":`)
				elem = len(b)
				b = resource(b, rm.Resource())
			}
			b = scopes.element(b, `,"scopeMetrics":`)
			b = scopeMetrics(b, sm, lo, hi)
		}
		if elem >= 0 {
			b = scopes.close(b)
			b = schemaURL(b, rm.SchemaUrl())
			b = closeObject(b, elem)
		}
	}
	b = resources.close(b)
	return closeObject(b, start)
}

// scopeMetrics appends sm with its metrics [lo, hi).
func scopeMetrics(b []byte, sm pmetric.ScopeMetrics, lo, hi int) []byte {
	start := len(b)
	b = scope(b, sm.Scope())
	if lo < hi {
		metrics := sm.Metrics()
		b = append(b, `,"metrics":`...)
		arr := len(b)
		for k := lo; k < hi; k++ {
			b = metric(append(b, ','), metrics.At(k))
		}
		b = closeArray(b, arr)
	}
	b = schemaURL(b, sm.SchemaUrl())
	return closeObject(b, start)
}

func metric(b []byte, m pmetric.Metric) []byte {
	start := len(b)
	if v := m.Name(); v != "" {
		b = str(b, `,"name":`, v)
	}
	if v := m.Description(); v != "" {
		b = str(b, `,"description":`, v)
	}
	if v := m.Unit(); v != "" {
		b = str(b, `,"unit":`, v)
	}
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		b = append(b, `,"gauge":`...)
		obj := len(b)
		b = numberPoints(b, m.Gauge().DataPoints())
		b = closeObject(b, obj)
	case pmetric.MetricTypeSum:
		s := m.Sum()
		b = append(b, `,"sum":`...)
		obj := len(b)
		b = numberPoints(b, s.DataPoints())
		b = temporality(b, s.AggregationTemporality())
		if s.IsMonotonic() {
			b = append(b, `,"isMonotonic":true`...)
		}
		b = closeObject(b, obj)
	case pmetric.MetricTypeHistogram:
		h := m.Histogram()
		b = append(b, `,"histogram":`...)
		obj := len(b)
		if points := h.DataPoints(); points.Len() > 0 {
			b = append(b, `,"dataPoints":`...)
			arr := len(b)
			for i := range points.Len() {
				b = histogramPoint(append(b, ','), points.At(i))
			}
			b = closeArray(b, arr)
		}
		b = temporality(b, h.AggregationTemporality())
		b = closeObject(b, obj)
	case pmetric.MetricTypeExponentialHistogram:
		h := m.ExponentialHistogram()
		b = append(b, `,"exponentialHistogram":`...)
		obj := len(b)
		if points := h.DataPoints(); points.Len() > 0 {
			b = append(b, `,"dataPoints":`...)
			arr := len(b)
			for i := range points.Len() {
				b = exponentialHistogramPoint(append(b, ','), points.At(i))
			}
			b = closeArray(b, arr)
		}
		b = temporality(b, h.AggregationTemporality())
		b = closeObject(b, obj)
	case pmetric.MetricTypeSummary:
		b = append(b, `,"summary":`...)
		obj := len(b)
		if points := m.Summary().DataPoints(); points.Len() > 0 {
			b = append(b, `,"dataPoints":`...)
			arr := len(b)
			for i := range points.Len() {
				b = summaryPoint(append(b, ','), points.At(i))
			}
			b = closeArray(b, arr)
		}
		b = closeObject(b, obj)
	}
	b = attributes(b, `,"metadata":`, m.Metadata())
	return closeObject(b, start)
}

func temporality(b []byte, t pmetric.AggregationTemporality) []byte {
	if t == 0 {
		return b
	}
	return number(b, `,"aggregationTemporality":`, int64(t))
}
