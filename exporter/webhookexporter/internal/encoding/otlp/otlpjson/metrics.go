package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import (
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// AppendMetrics appends md as an OTLP JSON ExportMetricsServiceRequest.
func AppendMetrics(b []byte, md pmetric.Metrics) []byte {
	return appendMetrics(b, md, whole)
}

// AppendDataPoints appends the data points [from, to) of md, counted in
// order across its resources, scopes and metrics, as an OTLP JSON
// ExportMetricsServiceRequest: each point under its own resource, scope and
// metric (all of the metric but its other points), resources, scopes and
// metrics without a point in the range left out. It writes what
// AppendMetrics writes for a copy of those points, without copying them.
func AppendDataPoints(b []byte, md pmetric.Metrics, from, to int) []byte {
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
		openResource := func() {
			if elem < 0 {
				b = resources.element(b, `,"resourceMetrics":`)
				elem = len(b)
				b = resource(b, rm.Resource())
			}
		}
		if r.all {
			openResource()
		}
		scopes := newGroup()
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len() && !r.past(pos); j++ {
			sm := sms.At(j)
			scopeElem := -1
			openScope := func() {
				if scopeElem < 0 {
					openResource()
					b = scopes.element(b, `,"scopeMetrics":`)
					scopeElem = len(b)
					b = scope(b, sm.Scope())
				}
			}
			if r.all {
				openScope()
			}
			metrics := newGroup()
			ms := sm.Metrics()
			for k := 0; k < ms.Len() && !r.past(pos); k++ {
				m := ms.At(k)
				n := encoding.PointCount(m)
				lo, hi, ok := r.clip(pos, n)
				pos += n
				if !ok {
					continue
				}
				openScope()
				b = metrics.element(b, `,"metrics":`)
				b = metric(b, m, lo, hi)
			}
			if scopeElem >= 0 {
				b = metrics.close(b)
				b = schemaURL(b, sm.SchemaUrl())
				b = closeObject(b, scopeElem)
			}
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

// metric appends m with its data points [lo, hi).
func metric(b []byte, m pmetric.Metric, lo, hi int) []byte {
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
		b = numberPoints(b, m.Gauge().DataPoints(), lo, hi)
		b = closeObject(b, obj)
	case pmetric.MetricTypeSum:
		s := m.Sum()
		b = append(b, `,"sum":`...)
		obj := len(b)
		b = numberPoints(b, s.DataPoints(), lo, hi)
		b = temporality(b, s.AggregationTemporality())
		if s.IsMonotonic() {
			b = append(b, `,"isMonotonic":true`...)
		}
		b = closeObject(b, obj)
	case pmetric.MetricTypeHistogram:
		h := m.Histogram()
		b = append(b, `,"histogram":`...)
		obj := len(b)
		if lo < hi {
			points := h.DataPoints()
			b = append(b, `,"dataPoints":`...)
			arr := len(b)
			for i := lo; i < hi; i++ {
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
		if lo < hi {
			points := h.DataPoints()
			b = append(b, `,"dataPoints":`...)
			arr := len(b)
			for i := lo; i < hi; i++ {
				b = exponentialHistogramPoint(append(b, ','), points.At(i))
			}
			b = closeArray(b, arr)
		}
		b = temporality(b, h.AggregationTemporality())
		b = closeObject(b, obj)
	case pmetric.MetricTypeSummary:
		b = append(b, `,"summary":`...)
		obj := len(b)
		if lo < hi {
			points := m.Summary().DataPoints()
			b = append(b, `,"dataPoints":`...)
			arr := len(b)
			for i := lo; i < hi; i++ {
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
