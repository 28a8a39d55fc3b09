package webhookexporter

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

var metricsSignal = signal[pmetric.Metrics]{
	name: "metrics",
	create: func(ctx context.Context, set exporter.Settings, cfg component.Config) (signalExporter[pmetric.Metrics], error) {
		exp, err := NewFactory().CreateMetrics(ctx, set, cfg)
		if err != nil {
			return signalExporter[pmetric.Metrics]{}, err
		}
		return signalExporter[pmetric.Metrics]{Component: exp, consume: exp.ConsumeMetrics, capabilities: exp.Capabilities}, nil
	},
	data: testMetrics,
	clone: func(md pmetric.Metrics) pmetric.Metrics {
		out := pmetric.NewMetrics()
		md.CopyTo(out)
		return out
	},
	count:    pmetric.Metrics.DataPointCount,
	readOnly: pmetric.Metrics.MarkReadOnly,
	marshal: map[Encoding]func(pmetric.Metrics) ([]byte, error){
		EncodingJSON:  (&pmetric.JSONMarshaler{}).MarshalMetrics,
		EncodingProto: (&pmetric.ProtoMarshaler{}).MarshalMetrics,
	},
	unmarshal: map[Encoding]func([]byte) (pmetric.Metrics, error){
		EncodingJSON:  (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics,
		EncodingProto: (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics,
	},
	items: pointItems,
	named: func(md pmetric.Metrics, i int) []string {
		return []string{fmt.Sprintf("data point %d of the batch", i), fmt.Sprintf("metric %q", pointItems(md)[i].metric.Name())}
	},
	idField: "Name",
	idOf:    func(it testItem) string { return it.metric.Name() },
}

func pointItems(md pmetric.Metrics) []testItem {
	m := encoding.NewMetrics(md)
	out := make([]testItem, m.Len())
	for i := range out {
		rm, sm, p := m.At(i)
		single := m.Slice(i, i+1).ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0)
		out[i] = testItem{resource: rm.Resource(), resourceURL: rm.SchemaUrl(), scope: sm.Scope(), scopeURL: sm.SchemaUrl(), attributes: p.Attributes(), metric: &single}
	}
	return out
}

// testMetricTypes are the metrics of every scope of testMetrics: its
// points go to them in turn, so that a scope of five points or more has
// every type.
var testMetricTypes = []struct {
	name, unit string
	typ        pmetric.MetricType
}{
	{"gen_ai.client.token.usage", "{token}", pmetric.MetricTypeHistogram},
	{"gen_ai.client.cost", "USD", pmetric.MetricTypeSum},
	{"llm.queue.size", "{request}", pmetric.MetricTypeGauge},
	{"gen_ai.client.operation.duration", "s", pmetric.MetricTypeExponentialHistogram},
	{"llm.latency", "ms", pmetric.MetricTypeSummary},
}

// testMetrics builds resources x scopes x points data points, under the
// resources and scopes of testTraces, each with the attributes of the span
// of testTraces at its position (prompt and completion included), numbered
// in order by gen_ai.usage.input_tokens (10, 11, ...), and exemplars with
// content in their attributes.
func testMetrics(resources, scopes, points int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	td := testTraces(resources, scopes, points)
	start := pcommon.NewTimestampFromTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	for _, rs := range td.ResourceSpans().All() {
		rm := md.ResourceMetrics().AppendEmpty()
		rm.SetSchemaUrl(rs.SchemaUrl())
		rs.Resource().CopyTo(rm.Resource())
		for _, ss := range rs.ScopeSpans().All() {
			sm := rm.ScopeMetrics().AppendEmpty()
			ss.Scope().CopyTo(sm.Scope())
			sm.SetSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
			for k, mt := range testMetricTypes {
				n := (points - k + len(testMetricTypes) - 1) / len(testMetricTypes)
				if n <= 0 {
					continue
				}
				m := sm.Metrics().AppendEmpty()
				m.SetName(mt.name)
				m.SetUnit(mt.unit)
				m.SetDescription("LLM " + mt.name)
				for p := range n {
					addTestPoint(m, mt.typ, start, p)
				}
			}
		}
	}
	// The points in order get the attributes of the spans in order.
	spans := spanItems(td)
	items := encoding.NewMetrics(md)
	for i := range items.Len() {
		_, _, p := items.At(i)
		spans[i].attributes.CopyTo(p.Attributes())
	}
	return md
}

func addTestPoint(m pmetric.Metric, typ pmetric.MetricType, start pcommon.Timestamp, p int) {
	ts := start + pcommon.Timestamp(time.Duration(p+1)*time.Minute)
	exemplar := func(exs pmetric.ExemplarSlice) {
		ex := exs.AppendEmpty()
		ex.SetTimestamp(ts)
		ex.SetDoubleValue(1.5)
		ex.SetTraceID(traceID(p))
		ex.SetSpanID(spanID(p))
		ex.FilteredAttributes().PutStr("gen_ai.output.messages", "secret answer")
		ex.FilteredAttributes().PutStr("user.id", "user_12345")
	}
	switch typ {
	case pmetric.MetricTypeHistogram:
		if m.Type() != typ {
			m.SetEmptyHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		}
		dp := m.Histogram().DataPoints().AppendEmpty()
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(ts)
		dp.SetCount(3)
		dp.SetSum(142)
		dp.SetMin(12)
		dp.SetMax(100)
		dp.BucketCounts().FromRaw([]uint64{1, 2, 0})
		dp.ExplicitBounds().FromRaw([]float64{64, 256})
		exemplar(dp.Exemplars())
	case pmetric.MetricTypeSum:
		if m.Type() != typ {
			m.SetEmptySum().SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			m.Sum().SetIsMonotonic(true)
		}
		dp := m.Sum().DataPoints().AppendEmpty()
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(ts)
		dp.SetDoubleValue(0.000671 * float64(p+1))
		exemplar(dp.Exemplars())
	case pmetric.MetricTypeGauge:
		if m.Type() != typ {
			m.SetEmptyGauge()
		}
		dp := m.Gauge().DataPoints().AppendEmpty()
		dp.SetTimestamp(ts)
		dp.SetIntValue(int64(p))
	case pmetric.MetricTypeExponentialHistogram:
		if m.Type() != typ {
			m.SetEmptyExponentialHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		}
		dp := m.ExponentialHistogram().DataPoints().AppendEmpty()
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(ts)
		dp.SetCount(4)
		dp.SetSum(3.25)
		dp.SetScale(2)
		dp.SetZeroCount(1)
		dp.Positive().SetOffset(-1)
		dp.Positive().BucketCounts().FromRaw([]uint64{1, 2})
		exemplar(dp.Exemplars())
	case pmetric.MetricTypeSummary:
		if m.Type() != typ {
			m.SetEmptySummary()
		}
		dp := m.Summary().DataPoints().AppendEmpty()
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(ts)
		dp.SetCount(5)
		dp.SetSum(21.5)
		q := dp.QuantileValues().AppendEmpty()
		q.SetQuantile(0.99)
		q.SetValue(9.5)
	}
}
