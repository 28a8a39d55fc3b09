package encoding // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Point is one data point: point Index of Metric's data points, of
// whichever kind the metric's type holds.
type Point struct {
	Metric pmetric.Metric
	Index  int
}

// Number is the point of a gauge or a sum.
func (p Point) Number() pmetric.NumberDataPoint {
	if p.Metric.Type() == pmetric.MetricTypeSum {
		return p.Metric.Sum().DataPoints().At(p.Index)
	}
	return p.Metric.Gauge().DataPoints().At(p.Index)
}

// Histogram is the point of a histogram.
func (p Point) Histogram() pmetric.HistogramDataPoint {
	return p.Metric.Histogram().DataPoints().At(p.Index)
}

// ExponentialHistogram is the point of an exponential histogram.
func (p Point) ExponentialHistogram() pmetric.ExponentialHistogramDataPoint {
	return p.Metric.ExponentialHistogram().DataPoints().At(p.Index)
}

// Summary is the point of a summary.
func (p Point) Summary() pmetric.SummaryDataPoint {
	return p.Metric.Summary().DataPoints().At(p.Index)
}

// common is what every kind of data point has.
type common interface {
	Attributes() pcommon.Map
	StartTimestamp() pcommon.Timestamp
	Timestamp() pcommon.Timestamp
	Flags() pmetric.DataPointFlags
}

func (p Point) common() common {
	switch p.Metric.Type() {
	case pmetric.MetricTypeHistogram:
		return p.Histogram()
	case pmetric.MetricTypeExponentialHistogram:
		return p.ExponentialHistogram()
	case pmetric.MetricTypeSummary:
		return p.Summary()
	default:
		return p.Number()
	}
}

// Attributes are the point's attributes.
func (p Point) Attributes() pcommon.Map { return p.common().Attributes() }

// StartTimestamp is the point's start time, 0 when unset.
func (p Point) StartTimestamp() pcommon.Timestamp { return p.common().StartTimestamp() }

// Timestamp is the point's time.
func (p Point) Timestamp() pcommon.Timestamp { return p.common().Timestamp() }

// NoRecordedValue reports the flag that says the point has no value (a
// Prometheus staleness marker).
func (p Point) NoRecordedValue() bool { return p.common().Flags().NoRecordedValue() }

// Exemplars are the point's exemplars; summaries have none.
func (p Point) Exemplars() (pmetric.ExemplarSlice, bool) {
	switch p.Metric.Type() {
	case pmetric.MetricTypeHistogram:
		return p.Histogram().Exemplars(), true
	case pmetric.MetricTypeExponentialHistogram:
		return p.ExponentialHistogram().Exemplars(), true
	case pmetric.MetricTypeSummary:
		return pmetric.ExemplarSlice{}, false
	default:
		return p.Number().Exemplars(), true
	}
}

// PointCount is the number of data points of m.
func PointCount(m pmetric.Metric) int {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return m.Gauge().DataPoints().Len()
	case pmetric.MetricTypeSum:
		return m.Sum().DataPoints().Len()
	case pmetric.MetricTypeHistogram:
		return m.Histogram().DataPoints().Len()
	case pmetric.MetricTypeExponentialHistogram:
		return m.ExponentialHistogram().DataPoints().Len()
	case pmetric.MetricTypeSummary:
		return m.Summary().DataPoints().Len()
	default:
		return 0
	}
}

// pointRef locates one data point: resource r, scope s, metric m, point p.
type pointRef struct{ r, s, m, p int }

// Metrics is a batch of metrics as a list of their data points: a data
// point is the item, as a span or a log record is, so that rows, template
// items and split requests are data points.
type Metrics struct {
	md   pmetric.Metrics
	n    int
	refs []pointRef
}

var _ Items = (*Metrics)(nil)

// NewMetrics indexes md.
func NewMetrics(md pmetric.Metrics) *Metrics {
	return &Metrics{md: md, n: md.DataPointCount()}
}

// Data is the whole batch.
func (m *Metrics) Data() pmetric.Metrics { return m.md }

// Len is the number of data points.
func (m *Metrics) Len() int { return m.n }

func (m *Metrics) index() []pointRef {
	if m.refs == nil {
		m.refs = make([]pointRef, 0, m.n)
		for r, rm := range m.md.ResourceMetrics().All() {
			for s, sm := range rm.ScopeMetrics().All() {
				for k, metric := range sm.Metrics().All() {
					for p := range PointCount(metric) {
						m.refs = append(m.refs, pointRef{r, s, k, p})
					}
				}
			}
		}
	}
	return m.refs
}

// At returns data point i with its resource and scope.
func (m *Metrics) At(i int) (pmetric.ResourceMetrics, pmetric.ScopeMetrics, Point) {
	x := m.index()[i]
	rm := m.md.ResourceMetrics().At(x.r)
	sm := rm.ScopeMetrics().At(x.s)
	return rm, sm, Point{Metric: sm.Metrics().At(x.m), Index: x.p}
}

// Slice copies data points [from, to) into a new batch, under copies of
// their resources, scopes and metrics (name, description, unit, metadata,
// type, temporality, monotonicity). A metric without data points has no
// item and is not copied.
func (m *Metrics) Slice(from, to int) pmetric.Metrics {
	out := pmetric.NewMetrics()
	var rmOut pmetric.ResourceMetrics
	var smOut pmetric.ScopeMetrics
	var metricOut pmetric.Metric
	rms := m.md.ResourceMetrics()
	prev := pointRef{-1, -1, -1, -1}
	for _, x := range m.index()[from:to] {
		rm := rms.At(x.r)
		if x.r != prev.r {
			rmOut = out.ResourceMetrics().AppendEmpty()
			rm.Resource().CopyTo(rmOut.Resource())
			rmOut.SetSchemaUrl(rm.SchemaUrl())
			prev = pointRef{x.r, -1, -1, -1}
		}
		sm := rm.ScopeMetrics().At(x.s)
		if x.s != prev.s {
			smOut = rmOut.ScopeMetrics().AppendEmpty()
			sm.Scope().CopyTo(smOut.Scope())
			smOut.SetSchemaUrl(sm.SchemaUrl())
			prev = pointRef{x.r, x.s, -1, -1}
		}
		metric := sm.Metrics().At(x.m)
		if x.m != prev.m {
			metricOut = smOut.Metrics().AppendEmpty()
			copyMetricWithoutPoints(metric, metricOut)
			prev = pointRef{x.r, x.s, x.m, -1}
		}
		copyPoint(Point{Metric: metric, Index: x.p}, metricOut)
	}
	return out
}

// copyMetricWithoutPoints copies everything of src but its data points.
func copyMetricWithoutPoints(src, dst pmetric.Metric) {
	dst.SetName(src.Name())
	dst.SetDescription(src.Description())
	dst.SetUnit(src.Unit())
	src.Metadata().CopyTo(dst.Metadata())
	switch src.Type() {
	case pmetric.MetricTypeGauge:
		dst.SetEmptyGauge()
	case pmetric.MetricTypeSum:
		sum := dst.SetEmptySum()
		sum.SetAggregationTemporality(src.Sum().AggregationTemporality())
		sum.SetIsMonotonic(src.Sum().IsMonotonic())
	case pmetric.MetricTypeHistogram:
		dst.SetEmptyHistogram().SetAggregationTemporality(src.Histogram().AggregationTemporality())
	case pmetric.MetricTypeExponentialHistogram:
		dst.SetEmptyExponentialHistogram().SetAggregationTemporality(src.ExponentialHistogram().AggregationTemporality())
	case pmetric.MetricTypeSummary:
		dst.SetEmptySummary()
	}
}

// copyPoint appends a copy of p to dst's data points; dst has p's type.
func copyPoint(p Point, dst pmetric.Metric) {
	switch p.Metric.Type() {
	case pmetric.MetricTypeGauge:
		p.Number().CopyTo(dst.Gauge().DataPoints().AppendEmpty())
	case pmetric.MetricTypeSum:
		p.Number().CopyTo(dst.Sum().DataPoints().AppendEmpty())
	case pmetric.MetricTypeHistogram:
		p.Histogram().CopyTo(dst.Histogram().DataPoints().AppendEmpty())
	case pmetric.MetricTypeExponentialHistogram:
		p.ExponentialHistogram().CopyTo(dst.ExponentialHistogram().DataPoints().AppendEmpty())
	case pmetric.MetricTypeSummary:
		p.Summary().CopyTo(dst.Summary().DataPoints().AppendEmpty())
	}
}

// Describe names data point i by its position, its metric and its time;
// data points have no IDs of their own.
func (m *Metrics) Describe(i int) string {
	_, _, p := m.At(i)
	return fmt.Sprintf("data point %d of the batch (metric %q, %s, time %s)", i, p.Metric.Name(), MetricType(p.Metric.Type()), FormatTime(p.Timestamp()))
}

// MetricType is the name of a metric type in lower case: gauge, sum,
// histogram, exponential_histogram or summary ("" for a metric without
// data).
func MetricType(t pmetric.MetricType) string {
	switch t {
	case pmetric.MetricTypeGauge:
		return "gauge"
	case pmetric.MetricTypeSum:
		return "sum"
	case pmetric.MetricTypeHistogram:
		return "histogram"
	case pmetric.MetricTypeExponentialHistogram:
		return "exponential_histogram"
	case pmetric.MetricTypeSummary:
		return "summary"
	default:
		return ""
	}
}

// Temporality is the aggregation temporality of a sum or a histogram in
// lower case: delta, cumulative or unspecified; "" for a gauge or a
// summary, which have none.
func Temporality(m pmetric.Metric) string {
	var t pmetric.AggregationTemporality
	switch m.Type() {
	case pmetric.MetricTypeSum:
		t = m.Sum().AggregationTemporality()
	case pmetric.MetricTypeHistogram:
		t = m.Histogram().AggregationTemporality()
	case pmetric.MetricTypeExponentialHistogram:
		t = m.ExponentialHistogram().AggregationTemporality()
	default:
		return ""
	}
	switch t {
	case pmetric.AggregationTemporalityDelta:
		return "delta"
	case pmetric.AggregationTemporalityCumulative:
		return "cumulative"
	default:
		return "unspecified"
	}
}

// Monotonic reports whether m is a monotonic sum.
func Monotonic(m pmetric.Metric) bool {
	return m.Type() == pmetric.MetricTypeSum && m.Sum().IsMonotonic()
}
