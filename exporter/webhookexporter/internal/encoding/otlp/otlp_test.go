package otlp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/testdata"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// Every run of a batch of spans, log records or data points encodes, in
// both wire formats, to what pdata's marshalers write for a copy of the
// run; JSON bodies come from the pool and go back to it.
func TestRunsEncodeAsPdataWritesTheirCopies(t *testing.T) {
	td := testdata.GenerateTraces(2)
	td.ResourceSpans().AppendEmpty()
	testdata.GenerateTraces(3).ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	ld := testdata.GenerateLogs(2)
	testdata.GenerateLogs(3).ResourceLogs().MoveAndAppendTo(ld.ResourceLogs())
	md := testdata.GenerateMetricsAllTypes()
	testdata.GenerateMetrics(2).ResourceMetrics().MoveAndAppendTo(md.ResourceMetrics())
	traces, logs, metrics := encoding.NewTraces(td), encoding.NewLogs(ld), encoding.NewMetrics(md)

	for _, tc := range []struct {
		name        string
		enc         *Encoder
		contentType string
		marshal     func(ptrace.Traces) ([]byte, error)
		marshalLogs func(plog.Logs) ([]byte, error)
		marshalMd   func(pmetric.Metrics) ([]byte, error)
	}{
		{"json", NewJSON(), "application/json", (&ptrace.JSONMarshaler{}).MarshalTraces, (&plog.JSONMarshaler{}).MarshalLogs, (&pmetric.JSONMarshaler{}).MarshalMetrics},
		{"proto", NewProto(), "application/x-protobuf", (&ptrace.ProtoMarshaler{}).MarshalTraces, (&plog.ProtoMarshaler{}).MarshalLogs, (&pmetric.ProtoMarshaler{}).MarshalMetrics},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.contentType, tc.enc.ContentType())
			spans, records, points := tc.enc.Traces(traces), tc.enc.Logs(logs), tc.enc.Metrics(metrics)
			_, pooled := spans.(encoding.Recycler)
			assert.Equal(t, tc.name == "json", pooled)
			for from := range traces.Len() {
				for to := from + 1; to <= traces.Len(); to++ {
					want, err := tc.marshal(slice(traces, from, to))
					require.NoError(t, err)
					got, err := spans.Encode(from, to)
					require.NoError(t, err)
					require.Equal(t, want, got, "spans [%d, %d)", from, to)
					if pooled {
						spans.(encoding.Recycler).Recycle(got)
					}
				}
			}
			for from := range logs.Len() {
				for to := from + 1; to <= logs.Len(); to++ {
					want, err := tc.marshalLogs(sliceLogs(logs, from, to))
					require.NoError(t, err)
					got, err := records.Encode(from, to)
					require.NoError(t, err)
					require.Equal(t, want, got, "log records [%d, %d)", from, to)
				}
			}
			for from := range metrics.Len() {
				for to := from + 1; to <= metrics.Len(); to++ {
					want, err := tc.marshalMd(sliceMetrics(metrics, from, to))
					require.NoError(t, err)
					got, err := points.Encode(from, to)
					require.NoError(t, err)
					require.Equal(t, want, got, "data points [%d, %d)", from, to)
				}
			}
		})
	}
}

// slice is the batch a run stands for: the whole batch, empty resource
// included, or a copy of the run.
func slice(t *encoding.Traces, from, to int) ptrace.Traces {
	if from == 0 && to == t.Len() {
		return t.Data()
	}
	return t.Slice(from, to)
}

func sliceLogs(l *encoding.Logs, from, to int) plog.Logs {
	if from == 0 && to == l.Len() {
		return l.Data()
	}
	return l.Slice(from, to)
}

func sliceMetrics(m *encoding.Metrics, from, to int) pmetric.Metrics {
	if from == 0 && to == m.Len() {
		return m.Data()
	}
	return m.Slice(from, to)
}

func TestPoolKeepsOnlyBuffersOfReasonableSize(t *testing.T) {
	putBuffer(nil)
	putBuffer(make([]byte, 0, maxPooled+1))
	b := getBuffer(0)
	assert.LessOrEqual(t, cap(b), maxPooled, "a huge buffer is left to the garbage collector")
	assert.Empty(t, b)
	assert.GreaterOrEqual(t, cap(getBuffer(1<<20)), 1<<20, "a buffer holds what it is asked for")
}

// A body is written into a buffer sized from the bytes per item of the
// last body, so that it is not grown while written.
func TestBuffersAreSizedFromTheLastBody(t *testing.T) {
	td := testdata.GenerateTraces(40)
	traces := encoding.NewTraces(td)
	enc := NewJSON()
	first, err := enc.Traces(traces).Encode(0, 20)
	require.NoError(t, err)
	perSpan := enc.spanSize.Load()
	assert.Equal(t, int64(len(first)/20), perSpan)
	second, err := enc.Traces(traces).Encode(0, 40) // a fresh buffer: the first is not handed back
	require.NoError(t, err)
	assert.GreaterOrEqual(t, cap(second), int(40*perSpan))
}
