package otlpjson

import (
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func (g *gen) metrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	for range g.n(2) {
		rm := md.ResourceMetrics().AppendEmpty()
		g.resource(rm.Resource())
		rm.SetSchemaUrl(g.str())
		for range g.n(2) {
			sm := rm.ScopeMetrics().AppendEmpty()
			g.scope(sm.Scope())
			sm.SetSchemaUrl(g.str())
			for range g.n(3) {
				g.metric(sm.Metrics().AppendEmpty())
			}
		}
	}
	return md
}

func (g *gen) metric(m pmetric.Metric) {
	m.SetName(g.str())
	m.SetDescription(g.str())
	m.SetUnit(g.str())
	switch g.byte() % 6 {
	case 0: // no data
	case 1:
		g.numberPoints(m.SetEmptyGauge().DataPoints())
	case 2:
		s := m.SetEmptySum()
		s.SetAggregationTemporality(pmetric.AggregationTemporality(g.n(2)))
		s.SetIsMonotonic(g.byte()%2 == 0)
		g.numberPoints(s.DataPoints())
	case 3:
		h := m.SetEmptyHistogram()
		h.SetAggregationTemporality(pmetric.AggregationTemporality(g.n(2)))
		for range g.n(2) {
			g.histogramPoint(h.DataPoints().AppendEmpty())
		}
	case 4:
		h := m.SetEmptyExponentialHistogram()
		h.SetAggregationTemporality(pmetric.AggregationTemporality(g.n(2)))
		for range g.n(2) {
			g.exponentialHistogramPoint(h.DataPoints().AppendEmpty())
		}
	case 5:
		s := m.SetEmptySummary()
		for range g.n(2) {
			g.summaryPoint(s.DataPoints().AppendEmpty())
		}
	}
	g.attributes(m.Metadata(), 0)
}

func (g *gen) numberPoints(points pmetric.NumberDataPointSlice) {
	for range g.n(2) {
		p := points.AppendEmpty()
		g.attributes(p.Attributes(), 0)
		p.SetStartTimestamp(g.time())
		p.SetTimestamp(g.time())
		switch g.byte() % 3 {
		case 1:
			p.SetDoubleValue(g.f64())
		case 2:
			p.SetIntValue(g.i64())
		}
		g.exemplars(p.Exemplars())
		p.SetFlags(pmetric.DataPointFlags(g.small()))
	}
}

func (g *gen) histogramPoint(p pmetric.HistogramDataPoint) {
	g.attributes(p.Attributes(), 0)
	p.SetStartTimestamp(g.time())
	p.SetTimestamp(g.time())
	p.SetCount(uint64(g.small()))
	if g.byte()%2 == 0 {
		p.SetSum(g.f64())
	}
	for range g.n(4) {
		p.BucketCounts().Append(g.u64())
	}
	for range g.n(3) {
		p.ExplicitBounds().Append(g.f64())
	}
	g.exemplars(p.Exemplars())
	p.SetFlags(pmetric.DataPointFlags(g.small()))
	if g.byte()%2 == 0 {
		p.SetMin(g.f64())
	}
	if g.byte()%2 == 0 {
		p.SetMax(g.f64())
	}
}

func (g *gen) exponentialHistogramPoint(p pmetric.ExponentialHistogramDataPoint) {
	g.attributes(p.Attributes(), 0)
	p.SetStartTimestamp(g.time())
	p.SetTimestamp(g.time())
	p.SetCount(g.u64())
	if g.byte()%2 == 0 {
		p.SetSum(g.f64())
	}
	p.SetScale(int32(g.small()))
	p.SetZeroCount(uint64(g.small()))
	for _, bk := range []pmetric.ExponentialHistogramDataPointBuckets{p.Positive(), p.Negative()} {
		bk.SetOffset(int32(g.small()))
		for range g.n(3) {
			bk.BucketCounts().Append(g.u64())
		}
	}
	p.SetFlags(pmetric.DataPointFlags(g.small()))
	g.exemplars(p.Exemplars())
	if g.byte()%2 == 0 {
		p.SetMin(g.f64())
	}
	if g.byte()%2 == 0 {
		p.SetMax(g.f64())
	}
	p.SetZeroThreshold(g.f64())
}

func (g *gen) summaryPoint(p pmetric.SummaryDataPoint) {
	g.attributes(p.Attributes(), 0)
	p.SetStartTimestamp(g.time())
	p.SetTimestamp(g.time())
	p.SetCount(uint64(g.small()))
	p.SetSum(g.f64())
	for range g.n(3) {
		q := p.QuantileValues().AppendEmpty()
		q.SetQuantile(g.f64())
		q.SetValue(g.f64())
	}
	p.SetFlags(pmetric.DataPointFlags(g.small()))
}

func (g *gen) exemplars(es pmetric.ExemplarSlice) {
	for range g.n(2) {
		e := es.AppendEmpty()
		g.attributes(e.FilteredAttributes(), 0)
		e.SetTimestamp(g.time())
		switch g.byte() % 3 {
		case 1:
			e.SetDoubleValue(g.f64())
		case 2:
			e.SetIntValue(g.i64())
		}
		e.SetTraceID(g.traceID())
		e.SetSpanID(g.spanID())
	}
}
