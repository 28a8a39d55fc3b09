package ndjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"

import (
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// metricFields are the fixed fields of a data point row, in the order
// written; each row has the value fields of its metric's type only, but no
// attribute is ever lifted to any of them, so that one table can hold the
// rows of every type.
var metricFields = []string{
	"name", "description", "unit", "type", "temporality", "monotonic",
	"start_time", "time", "start_time_unix_nano", "time_unix_nano", "no_recorded_value",
	// gauge and sum
	"value",
	// histogram, exponential histogram and summary
	"count", "sum", "min", "max",
	"bucket_counts", "explicit_bounds",
	"scale", "zero_count", "zero_threshold",
	"positive_offset", "positive_bucket_counts", "negative_offset", "negative_bucket_counts",
	"quantiles", "quantile_values",
	"exemplars", "service_name", "scope_name", "resource", "attributes",
}

// appendPoint appends the row of one data point and its newline.
func (e *Encoder) appendPoint(b []byte, rm pmetric.ResourceMetrics, sm pmetric.ScopeMetrics, p encoding.Point) []byte {
	m := p.Metric
	start, ts := p.StartTimestamp(), p.Timestamp()
	b = append(b, `{"name":`...)
	b = jsonstr.Append(b, m.Name())
	b = append(b, `,"description":`...)
	b = jsonstr.Append(b, m.Description())
	b = append(b, `,"unit":`...)
	b = jsonstr.Append(b, m.Unit())
	b = append(b, `,"type":`...)
	b = jsonstr.Append(b, encoding.MetricType(m.Type()))
	b = append(b, `,"temporality":`...)
	b = jsonstr.Append(b, encoding.Temporality(m))
	b = append(b, `,"monotonic":`...)
	b = strconv.AppendBool(b, encoding.Monotonic(m))
	// OTLP makes the start time optional (gauges rarely have one) and the
	// time required: a DateTime column for time never reads a null.
	b = append(b, `,"start_time":`...)
	b = appendTimeOrNull(b, start)
	b = append(b, `,"time":`...)
	b = appendTime(b, ts)
	b = append(b, `,"start_time_unix_nano":`...)
	b = strconv.AppendUint(b, uint64(start), 10)
	b = append(b, `,"time_unix_nano":`...)
	b = strconv.AppendUint(b, uint64(ts), 10)
	b = append(b, `,"no_recorded_value":`...)
	b = strconv.AppendBool(b, p.NoRecordedValue())
	switch m.Type() {
	case pmetric.MetricTypeHistogram:
		b = appendHistogram(b, p.Histogram())
	case pmetric.MetricTypeExponentialHistogram:
		b = appendExponentialHistogram(b, p.ExponentialHistogram())
	case pmetric.MetricTypeSummary:
		b = appendSummary(b, p.Summary())
	default:
		b = append(b, `,"value":`...)
		b = appendNumber(b, p.Number())
	}
	if exemplars, ok := p.Exemplars(); ok {
		b = appendExemplars(b, exemplars)
	}
	b = append(b, `,"service_name":`...)
	b = jsonstr.Append(b, encoding.ServiceName(rm.Resource()))
	b = append(b, `,"scope_name":`...)
	b = jsonstr.Append(b, sm.Scope().Name())
	b = e.metrics.appendAttributes(b, e.flat, p.Attributes(), rm.Resource().Attributes())
	return append(b, '}', '\n')
}

// numberValue is a number data point or an exemplar.
type numberValue interface {
	ValueType() pmetric.NumberDataPointValueType
	IntValue() int64
	DoubleValue() float64
}

// appendNumber appends an integer or a double value; null when it has
// neither.
func appendNumber(b []byte, v numberValue) []byte {
	switch v.ValueType() {
	case pmetric.NumberDataPointValueTypeInt:
		return strconv.AppendInt(b, v.IntValue(), 10)
	case pmetric.NumberDataPointValueTypeDouble:
		return appendFloat(b, v.DoubleValue())
	default:
		return append(b, "null"...)
	}
}

// appendCountAndSum appends "count", "sum", "min" and "max"; an optional
// field the point does not have is null.
func appendCountAndSum(b []byte, count uint64, sum float64, hasSum bool, minimum float64, hasMin bool, maximum float64, hasMax bool) []byte {
	b = append(b, `,"count":`...)
	b = strconv.AppendUint(b, count, 10)
	b = append(b, `,"sum":`...)
	b = appendOptionalFloat(b, sum, hasSum)
	b = append(b, `,"min":`...)
	b = appendOptionalFloat(b, minimum, hasMin)
	b = append(b, `,"max":`...)
	return appendOptionalFloat(b, maximum, hasMax)
}

func appendOptionalFloat(b []byte, f float64, ok bool) []byte {
	if !ok {
		return append(b, "null"...)
	}
	return appendFloat(b, f)
}

func appendHistogram(b []byte, p pmetric.HistogramDataPoint) []byte {
	b = appendCountAndSum(b, p.Count(), p.Sum(), p.HasSum(), p.Min(), p.HasMin(), p.Max(), p.HasMax())
	b = append(b, `,"bucket_counts":`...)
	b = appendUints(b, p.BucketCounts())
	b = append(b, `,"explicit_bounds":`...)
	return appendFloats(b, p.ExplicitBounds())
}

// appendExponentialHistogram writes the point as OTLP holds it: the
// buckets' scale, offsets and counts, from which a store computes the
// bounds (README, "Data point rows").
func appendExponentialHistogram(b []byte, p pmetric.ExponentialHistogramDataPoint) []byte {
	b = appendCountAndSum(b, p.Count(), p.Sum(), p.HasSum(), p.Min(), p.HasMin(), p.Max(), p.HasMax())
	b = append(b, `,"scale":`...)
	b = strconv.AppendInt(b, int64(p.Scale()), 10)
	b = append(b, `,"zero_count":`...)
	b = strconv.AppendUint(b, p.ZeroCount(), 10)
	b = append(b, `,"zero_threshold":`...)
	b = appendFloat(b, p.ZeroThreshold())
	b = append(b, `,"positive_offset":`...)
	b = strconv.AppendInt(b, int64(p.Positive().Offset()), 10)
	b = append(b, `,"positive_bucket_counts":`...)
	b = appendUints(b, p.Positive().BucketCounts())
	b = append(b, `,"negative_offset":`...)
	b = strconv.AppendInt(b, int64(p.Negative().Offset()), 10)
	b = append(b, `,"negative_bucket_counts":`...)
	return appendUints(b, p.Negative().BucketCounts())
}

// appendSummary writes the quantiles as two arrays of the same length,
// which array columns of stores without nested types can hold.
func appendSummary(b []byte, p pmetric.SummaryDataPoint) []byte {
	b = append(b, `,"count":`...)
	b = strconv.AppendUint(b, p.Count(), 10)
	b = append(b, `,"sum":`...)
	b = appendFloat(b, p.Sum())
	qs := p.QuantileValues()
	b = append(b, `,"quantiles":[`...)
	for i := range qs.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, qs.At(i).Quantile())
	}
	b = append(b, `],"quantile_values":[`...)
	for i := range qs.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, qs.At(i).Value())
	}
	return append(b, ']')
}

// appendExemplars appends "exemplars": [{time, value, trace_id, span_id,
// attributes}, ...]; attributes are the exemplar's filtered attributes.
func appendExemplars(b []byte, exemplars pmetric.ExemplarSlice) []byte {
	b = append(b, `,"exemplars":[`...)
	for i := range exemplars.Len() {
		ex := exemplars.At(i)
		traceID, spanID := ex.TraceID(), ex.SpanID()
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"time":`...)
		b = appendTime(b, ex.Timestamp())
		b = append(b, `,"value":`...)
		b = appendNumber(b, exemplarValue{ex})
		b = append(b, `,"trace_id":`...)
		b = appendID(b, traceID[:], traceID.IsEmpty())
		b = append(b, `,"span_id":`...)
		b = appendID(b, spanID[:], spanID.IsEmpty())
		b = append(b, `,"attributes":`...)
		b = appendMap(b, ex.FilteredAttributes())
		b = append(b, '}')
	}
	return append(b, ']')
}

// exemplarValue gives an exemplar the value methods of a number point.
type exemplarValue struct{ pmetric.Exemplar }

func (e exemplarValue) ValueType() pmetric.NumberDataPointValueType {
	switch e.Exemplar.ValueType() {
	case pmetric.ExemplarValueTypeInt:
		return pmetric.NumberDataPointValueTypeInt
	case pmetric.ExemplarValueTypeDouble:
		return pmetric.NumberDataPointValueTypeDouble
	default:
		return pmetric.NumberDataPointValueTypeEmpty
	}
}

func appendUints(b []byte, s pcommon.UInt64Slice) []byte {
	b = append(b, '[')
	for i := range s.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, s.At(i), 10)
	}
	return append(b, ']')
}

func appendFloats(b []byte, s pcommon.Float64Slice) []byte {
	b = append(b, '[')
	for i := range s.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, s.At(i))
	}
	return append(b, ']')
}
