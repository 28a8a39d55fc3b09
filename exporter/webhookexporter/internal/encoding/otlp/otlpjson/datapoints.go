package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// numberPoints appends the "dataPoints" member of a gauge or sum with its
// points [lo, hi), unless there are none.
func numberPoints(b []byte, points pmetric.NumberDataPointSlice, lo, hi int) []byte {
	if lo >= hi {
		return b
	}
	b = append(b, `,"dataPoints":`...)
	arr := len(b)
	for i := lo; i < hi; i++ {
		b = numberPoint(append(b, ','), points.At(i))
	}
	return closeArray(b, arr)
}

func numberPoint(b []byte, p pmetric.NumberDataPoint) []byte {
	start := len(b)
	b = attributes(b, `,"attributes":`, p.Attributes())
	b = times(b, p.StartTimestamp(), p.Timestamp())
	switch p.ValueType() {
	case pmetric.NumberDataPointValueTypeDouble:
		b = float(b, `,"asDouble":`, p.DoubleValue())
	case pmetric.NumberDataPointValueTypeInt:
		b = quotedInt(b, `,"asInt":`, p.IntValue())
	}
	b = exemplars(b, p.Exemplars())
	b = flags(b, p.Flags())
	return closeObject(b, start)
}

func histogramPoint(b []byte, p pmetric.HistogramDataPoint) []byte {
	start := len(b)
	b = attributes(b, `,"attributes":`, p.Attributes())
	b = times(b, p.StartTimestamp(), p.Timestamp())
	b = count(b, `,"count":`, p.Count())
	if p.HasSum() {
		b = float(b, `,"sum":`, p.Sum())
	}
	b = counts(b, p.BucketCounts())
	if bounds := p.ExplicitBounds(); bounds.Len() > 0 {
		b = append(b, `,"explicitBounds":`...)
		arr := len(b)
		for i := range bounds.Len() {
			b = appendFloat(append(b, ','), bounds.At(i))
		}
		b = closeArray(b, arr)
	}
	b = exemplars(b, p.Exemplars())
	b = flags(b, p.Flags())
	if p.HasMin() {
		b = float(b, `,"min":`, p.Min())
	}
	if p.HasMax() {
		b = float(b, `,"max":`, p.Max())
	}
	return closeObject(b, start)
}

func exponentialHistogramPoint(b []byte, p pmetric.ExponentialHistogramDataPoint) []byte {
	start := len(b)
	b = attributes(b, `,"attributes":`, p.Attributes())
	b = times(b, p.StartTimestamp(), p.Timestamp())
	b = count(b, `,"count":`, p.Count())
	if p.HasSum() {
		b = float(b, `,"sum":`, p.Sum())
	}
	if v := p.Scale(); v != 0 {
		b = number(b, `,"scale":`, int64(v))
	}
	b = count(b, `,"zeroCount":`, p.ZeroCount())
	// pdata always writes both bucket sets.
	b = buckets(b, `,"positive":`, p.Positive())
	b = buckets(b, `,"negative":`, p.Negative())
	b = flags(b, p.Flags())
	b = exemplars(b, p.Exemplars())
	if p.HasMin() {
		b = float(b, `,"min":`, p.Min())
	}
	if p.HasMax() {
		b = float(b, `,"max":`, p.Max())
	}
	if v := p.ZeroThreshold(); v != 0 {
		b = float(b, `,"zeroThreshold":`, v)
	}
	return closeObject(b, start)
}

func buckets(b []byte, name string, bk pmetric.ExponentialHistogramDataPointBuckets) []byte {
	b = append(b, name...)
	start := len(b)
	if v := bk.Offset(); v != 0 {
		b = number(b, `,"offset":`, int64(v))
	}
	b = counts(b, bk.BucketCounts())
	return closeObject(b, start)
}

func summaryPoint(b []byte, p pmetric.SummaryDataPoint) []byte {
	start := len(b)
	b = attributes(b, `,"attributes":`, p.Attributes())
	b = times(b, p.StartTimestamp(), p.Timestamp())
	b = count(b, `,"count":`, p.Count())
	if v := p.Sum(); v != 0 {
		b = float(b, `,"sum":`, v)
	}
	if qs := p.QuantileValues(); qs.Len() > 0 {
		b = append(b, `,"quantileValues":`...)
		arr := len(b)
		for i := range qs.Len() {
			q := qs.At(i)
			b = append(b, ',')
			obj := len(b)
			if v := q.Quantile(); v != 0 {
				b = float(b, `,"quantile":`, v)
			}
			if v := q.Value(); v != 0 {
				b = float(b, `,"value":`, v)
			}
			b = closeObject(b, obj)
		}
		b = closeArray(b, arr)
	}
	b = flags(b, p.Flags())
	return closeObject(b, start)
}

// exemplars appends the "exemplars" member unless there are none.
func exemplars(b []byte, es pmetric.ExemplarSlice) []byte {
	if es.Len() == 0 {
		return b
	}
	b = append(b, `,"exemplars":`...)
	arr := len(b)
	for i := range es.Len() {
		e := es.At(i)
		b = append(b, ',')
		obj := len(b)
		b = attributes(b, `,"filteredAttributes":`, e.FilteredAttributes())
		if v := e.Timestamp(); v != 0 {
			b = quotedUint(b, `,"timeUnixNano":`, uint64(v))
		}
		switch e.ValueType() {
		case pmetric.ExemplarValueTypeDouble:
			b = float(b, `,"asDouble":`, e.DoubleValue())
		case pmetric.ExemplarValueTypeInt:
			b = quotedInt(b, `,"asInt":`, e.IntValue())
		}
		if v := e.TraceID(); !v.IsEmpty() {
			b = id(b, `,"traceId":`, v[:])
		}
		if v := e.SpanID(); !v.IsEmpty() {
			b = id(b, `,"spanId":`, v[:])
		}
		b = closeObject(b, obj)
	}
	return closeArray(b, arr)
}

// times appends the start time and time of a data point, each unless zero.
func times(b []byte, startTime, t pcommon.Timestamp) []byte {
	if startTime != 0 {
		b = quotedUint(b, `,"startTimeUnixNano":`, uint64(startTime))
	}
	if t != 0 {
		b = quotedUint(b, `,"timeUnixNano":`, uint64(t))
	}
	return b
}

func count(b []byte, name string, v uint64) []byte {
	if v == 0 {
		return b
	}
	return quotedUint(b, name, v)
}

// counts appends the "bucketCounts" member unless there are none.
func counts(b []byte, c pcommon.UInt64Slice) []byte {
	if c.Len() == 0 {
		return b
	}
	b = append(b, `,"bucketCounts":`...)
	arr := len(b)
	for i := range c.Len() {
		b = append(b, ',', '"')
		b = append(appendUint(b, c.At(i)), '"')
	}
	return closeArray(b, arr)
}

func flags(b []byte, f pmetric.DataPointFlags) []byte {
	if f == 0 {
		return b
	}
	return number(b, `,"flags":`, int64(f))
}
