package tmpl // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/tmpl"

import (
	"bytes"
	"encoding/json"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// DataPoint is one metric data point with its metric's fields: the fields
// of the ndjson data point row. The value fields of other metric types are
// zero. Doubles are float64, or their text ("NaN", "Infinity") when JSON
// cannot carry them, as in rows; an optional field the point does not have
// (Sum, Min, Max of a histogram) is nil.
type DataPoint struct {
	Name        string
	Description string
	Unit        string
	Type        string
	Temporality string
	Monotonic   bool
	// StartTime and Time are the zero time.Time when unset.
	StartTime         time.Time
	Time              time.Time
	StartTimeUnixNano uint64
	TimeUnixNano      uint64
	NoRecordedValue   bool
	// Value is a gauge's or a sum's: int64, float64 or nil.
	Value          any
	Count          uint64
	Sum            any
	Min            any
	Max            any
	BucketCounts   []uint64
	ExplicitBounds []any
	Scale          int32
	ZeroCount      uint64
	ZeroThreshold  any
	Positive       Buckets
	Negative       Buckets
	Quantiles      []any
	QuantileValues []any
	Exemplars      []Exemplar
	ServiceName    string
	ScopeName      string
	Resource       map[string]any
	Attributes     map[string]any
}

// Buckets are the positive or negative buckets of an exponential
// histogram.
type Buckets struct {
	Offset       int32
	BucketCounts []uint64
}

// Exemplar is one exemplar of a data point.
type Exemplar struct {
	Time       time.Time      `json:"time"`
	Value      any            `json:"value"`
	TraceID    string         `json:"trace_id"`
	SpanID     string         `json:"span_id"`
	Attributes map[string]any `json:"attributes"`
}

func (p *DataPoint) attributeMap() map[string]any { return p.Attributes }
func (p *DataPoint) resourceMap() map[string]any  { return p.Resource }

func newDataPoint(rm pmetric.ResourceMetrics, sm pmetric.ScopeMetrics, pt encoding.Point) *DataPoint {
	m := pt.Metric
	start, ts := pt.StartTimestamp(), pt.Timestamp()
	p := &DataPoint{
		Name:              m.Name(),
		Description:       m.Description(),
		Unit:              m.Unit(),
		Type:              encoding.MetricType(m.Type()),
		Temporality:       encoding.Temporality(m),
		Monotonic:         encoding.Monotonic(m),
		StartTime:         encoding.Time(start),
		Time:              encoding.Time(ts),
		StartTimeUnixNano: uint64(start),
		TimeUnixNano:      uint64(ts),
		NoRecordedValue:   pt.NoRecordedValue(),
		ServiceName:       encoding.ServiceName(rm.Resource()),
		ScopeName:         sm.Scope().Name(),
		Resource:          encoding.RawMap(rm.Resource().Attributes()),
		Attributes:        encoding.RawMap(pt.Attributes()),
	}
	switch m.Type() {
	case pmetric.MetricTypeHistogram:
		h := pt.Histogram()
		p.Count = h.Count()
		p.Sum, p.Min, p.Max = optional(h.Sum(), h.HasSum()), optional(h.Min(), h.HasMin()), optional(h.Max(), h.HasMax())
		p.BucketCounts = uints(h.BucketCounts())
		p.ExplicitBounds = numbers(h.ExplicitBounds().AsRaw())
	case pmetric.MetricTypeExponentialHistogram:
		h := pt.ExponentialHistogram()
		p.Count = h.Count()
		p.Sum, p.Min, p.Max = optional(h.Sum(), h.HasSum()), optional(h.Min(), h.HasMin()), optional(h.Max(), h.HasMax())
		p.Scale = h.Scale()
		p.ZeroCount = h.ZeroCount()
		p.ZeroThreshold = number(h.ZeroThreshold())
		p.Positive = Buckets{Offset: h.Positive().Offset(), BucketCounts: uints(h.Positive().BucketCounts())}
		p.Negative = Buckets{Offset: h.Negative().Offset(), BucketCounts: uints(h.Negative().BucketCounts())}
	case pmetric.MetricTypeSummary:
		s := pt.Summary()
		p.Count = s.Count()
		p.Sum = number(s.Sum())
		qs := s.QuantileValues()
		p.Quantiles, p.QuantileValues = make([]any, qs.Len()), make([]any, qs.Len())
		for i := range qs.Len() {
			p.Quantiles[i], p.QuantileValues[i] = number(qs.At(i).Quantile()), number(qs.At(i).Value())
		}
	default:
		n := pt.Number()
		switch n.ValueType() {
		case pmetric.NumberDataPointValueTypeInt:
			p.Value = n.IntValue()
		case pmetric.NumberDataPointValueTypeDouble:
			p.Value = number(n.DoubleValue())
		}
	}
	if exemplars, ok := pt.Exemplars(); ok {
		p.Exemplars = make([]Exemplar, exemplars.Len())
		for i := range p.Exemplars {
			p.Exemplars[i] = newExemplar(exemplars.At(i))
		}
	}
	return p
}

func newExemplar(ex pmetric.Exemplar) Exemplar {
	out := Exemplar{
		Time:       ex.Timestamp().AsTime().UTC(),
		TraceID:    encoding.ID(ex.TraceID()),
		SpanID:     encoding.ID(ex.SpanID()),
		Attributes: encoding.RawMap(ex.FilteredAttributes()),
	}
	switch ex.ValueType() {
	case pmetric.ExemplarValueTypeInt:
		out.Value = ex.IntValue()
	case pmetric.ExemplarValueTypeDouble:
		out.Value = number(ex.DoubleValue())
	}
	return out
}

// number is f, or its text when JSON cannot carry it.
func number(f float64) any {
	if text, ok := encoding.NonFinite(f); ok {
		return text
	}
	return f
}

// uints copies s; an empty list is [] in JSON, not null.
func uints(s pcommon.UInt64Slice) []uint64 {
	return append(make([]uint64, 0, s.Len()), s.AsRaw()...)
}

func numbers(fs []float64) []any {
	out := make([]any, len(fs))
	for i, f := range fs {
		out[i] = number(f)
	}
	return out
}

func optional(f float64, ok bool) any {
	if !ok {
		return nil
	}
	return number(f)
}

// field is one key of a data point's JSON object.
type field struct {
	key   string
	value any
}

// MarshalJSON writes the keys of the point's ndjson row, in its order:
// only the value fields of its metric's type.
func (p *DataPoint) MarshalJSON() ([]byte, error) {
	fields := []field{
		{"name", p.Name}, {"description", p.Description}, {"unit", p.Unit}, {"type", p.Type},
		{"temporality", p.Temporality}, {"monotonic", p.Monotonic},
		{"start_time", p.StartTime}, {"time", p.Time},
		{"start_time_unix_nano", p.StartTimeUnixNano}, {"time_unix_nano", p.TimeUnixNano},
		{"no_recorded_value", p.NoRecordedValue},
	}
	counts := []field{{"count", p.Count}, {"sum", p.Sum}, {"min", p.Min}, {"max", p.Max}}
	switch p.Type {
	case "histogram":
		fields = append(fields, counts...)
		fields = append(fields, field{"bucket_counts", p.BucketCounts}, field{"explicit_bounds", p.ExplicitBounds})
	case "exponential_histogram":
		fields = append(fields, counts...)
		fields = append(fields,
			field{"scale", p.Scale}, field{"zero_count", p.ZeroCount}, field{"zero_threshold", p.ZeroThreshold},
			field{"positive_offset", p.Positive.Offset}, field{"positive_bucket_counts", p.Positive.BucketCounts},
			field{"negative_offset", p.Negative.Offset}, field{"negative_bucket_counts", p.Negative.BucketCounts})
	case "summary":
		fields = append(fields, field{"count", p.Count}, field{"sum", p.Sum},
			field{"quantiles", p.Quantiles}, field{"quantile_values", p.QuantileValues})
	default:
		fields = append(fields, field{"value", p.Value})
	}
	if p.Type != "summary" {
		fields = append(fields, field{"exemplars", p.Exemplars})
	}
	fields = append(fields, field{"service_name", p.ServiceName}, field{"scope_name", p.ScopeName},
		field{"resource", p.Resource}, field{"attributes", p.Attributes})

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// As the json function writes text: no HTML escapes.
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(f.key); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte(':')
		if err := enc.Encode(f.value); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
