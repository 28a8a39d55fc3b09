package encoding

import (
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// everyType has one metric of each type under resource r0 (gauge, sum,
// histogram in scope s0; exponential histogram, summary and a metric
// without data in scope s1) and a second gauge under r1; every metric has
// two points but the empty one; the points are numbered in order.
func everyType() pmetric.Metrics {
	md := pmetric.NewMetrics()
	ts := pcommon.NewTimestampFromTime(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	n := 0
	attrs := func(m pcommon.Map) {
		m.PutInt("n", int64(n))
		n++
	}
	rm := md.ResourceMetrics().AppendEmpty()
	rm.SetSchemaUrl("https://example.com/r")
	rm.Resource().Attributes().PutInt("r", 0)
	s0 := rm.ScopeMetrics().AppendEmpty()
	s0.Scope().SetName("s0")
	s0.SetSchemaUrl("https://example.com/s0")

	gauge := s0.Metrics().AppendEmpty()
	gauge.SetName("queue.size")
	gauge.SetUnit("{item}")
	gauge.SetDescription("Items waiting")
	gauge.Metadata().PutStr("meta", "kept")
	gauge.SetEmptyGauge()
	for range 2 {
		p := gauge.Gauge().DataPoints().AppendEmpty()
		p.SetIntValue(int64(n))
		p.SetTimestamp(ts)
		attrs(p.Attributes())
	}
	sum := s0.Metrics().AppendEmpty()
	sum.SetName("calls")
	sum.SetEmptySum().SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	sum.Sum().SetIsMonotonic(true)
	for range 2 {
		p := sum.Sum().DataPoints().AppendEmpty()
		p.SetDoubleValue(0.5)
		p.SetTimestamp(ts)
		attrs(p.Attributes())
	}
	hist := s0.Metrics().AppendEmpty()
	hist.SetName("duration")
	hist.SetEmptyHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for range 2 {
		p := hist.Histogram().DataPoints().AppendEmpty()
		p.SetCount(3)
		p.BucketCounts().FromRaw([]uint64{1, 2})
		p.ExplicitBounds().FromRaw([]float64{1})
		p.SetTimestamp(ts)
		attrs(p.Attributes())
	}
	s1 := rm.ScopeMetrics().AppendEmpty()
	s1.Scope().SetName("s1")
	exp := s1.Metrics().AppendEmpty()
	exp.SetName("tokens")
	exp.SetEmptyExponentialHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	for range 2 {
		p := exp.ExponentialHistogram().DataPoints().AppendEmpty()
		p.SetScale(2)
		p.Positive().BucketCounts().FromRaw([]uint64{1})
		p.SetTimestamp(ts)
		attrs(p.Attributes())
	}
	s1.Metrics().AppendEmpty().SetName("no data")
	summary := s1.Metrics().AppendEmpty()
	summary.SetName("latency")
	summary.SetEmptySummary()
	for range 2 {
		p := summary.Summary().DataPoints().AppendEmpty()
		p.QuantileValues().AppendEmpty().SetQuantile(0.5)
		p.SetTimestamp(ts)
		attrs(p.Attributes())
	}
	rm1 := md.ResourceMetrics().AppendEmpty()
	rm1.Resource().Attributes().PutInt("r", 1)
	g1 := rm1.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	g1.SetName("queue.size")
	g1.SetEmptyGauge()
	for range 2 {
		p := g1.Gauge().DataPoints().AppendEmpty()
		p.SetTimestamp(ts)
		attrs(p.Attributes())
	}
	return md
}

func TestMetricsItemsAreDataPointsInOrder(t *testing.T) {
	md := everyType()
	items := NewMetrics(md)
	require.Equal(t, 12, items.Len())
	types := []string{}
	for i := range items.Len() {
		_, _, p := items.At(i)
		n, ok := p.Attributes().Get("n")
		require.True(t, ok)
		assert.Equal(t, int64(i), n.Int(), "point %d", i)
		types = append(types, MetricType(p.Metric.Type()))
	}
	assert.Equal(t, []string{
		"gauge", "gauge", "sum", "sum", "histogram", "histogram",
		"exponential_histogram", "exponential_histogram", "summary", "summary", "gauge", "gauge",
	}, types)
	rm, sm, p := items.At(6)
	assert.Equal(t, int64(0), rm.Resource().Attributes().AsRaw()["r"])
	assert.Equal(t, "s1", sm.Scope().Name())
	assert.Equal(t, "tokens", p.Metric.Name())
	assert.Equal(t, `data point 4 of the batch (metric "duration", histogram, time 2026-03-04T05:06:07.000000000Z)`, items.Describe(4))
}

// Every run of data points, sliced and put back together, is the batch;
// each slice keeps its points under copies of their resource, scope and
// metric.
func TestMetricsSliceKeepsResourceScopeAndMetric(t *testing.T) {
	md := everyType()
	items := NewMetrics(md)
	for _, cut := range [][]int{{0, 12}, {0, 1, 12}, {0, 3, 7, 8, 11, 12}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}} {
		var got []pmetric.Metrics
		for k := 0; k+1 < len(cut); k++ {
			got = append(got, items.Slice(cut[k], cut[k+1]))
		}
		joined := pmetric.NewMetrics()
		for _, part := range got {
			part.ResourceMetrics().MoveAndAppendTo(joined.ResourceMetrics())
		}
		require.Equal(t, items.Len(), joined.DataPointCount(), "cut %v", cut)
		// Compared point by point, each under its metric.
		j := NewMetrics(joined)
		for i := range items.Len() {
			wr, ws, wp := items.At(i)
			gr, gs, gp := j.At(i)
			assert.Equal(t, wr.Resource().Attributes().AsRaw(), gr.Resource().Attributes().AsRaw(), "cut %v point %d", cut, i)
			assert.Equal(t, wr.SchemaUrl(), gr.SchemaUrl())
			assert.Equal(t, ws.Scope().Name(), gs.Scope().Name())
			assert.Equal(t, ws.SchemaUrl(), gs.SchemaUrl())
			assert.Equal(t, wp.Metric.Metadata().AsRaw(), gp.Metric.Metadata().AsRaw())
			assert.Equal(t, Temporality(wp.Metric), Temporality(gp.Metric))
			assert.Equal(t, Monotonic(wp.Metric), Monotonic(gp.Metric))
			want, got := pmetric.NewMetric(), pmetric.NewMetric()
			copyMetricWithoutPoints(wp.Metric, want)
			copyPoint(wp, want)
			copyMetricWithoutPoints(gp.Metric, got)
			copyPoint(gp, got)
			require.NoError(t, pmetrictest.CompareMetric(want, got), "cut %v point %d", cut, i)
		}
	}
	whole := items.Slice(0, items.Len())
	assert.Equal(t, 2, whole.ResourceMetrics().Len())
	assert.Equal(t, 7, md.MetricCount())
	assert.Equal(t, 6, whole.MetricCount(), "the metric without data points has no item")
}

func TestMetricFields(t *testing.T) {
	m := pmetric.NewMetric()
	m.SetEmptyGauge()
	assert.Equal(t, "gauge", MetricType(m.Type()))
	assert.Empty(t, Temporality(m))
	assert.False(t, Monotonic(m))
	m.SetEmptySum().SetIsMonotonic(true)
	assert.Equal(t, "unspecified", Temporality(m))
	assert.True(t, Monotonic(m))
	m.SetEmptyExponentialHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	assert.Equal(t, "exponential_histogram", MetricType(m.Type()))
	assert.Equal(t, "cumulative", Temporality(m))
	m.SetEmptySummary()
	assert.Empty(t, Temporality(m))
	assert.Empty(t, MetricType(pmetric.NewMetric().Type()))
	assert.Zero(t, PointCount(pmetric.NewMetric()))
}
