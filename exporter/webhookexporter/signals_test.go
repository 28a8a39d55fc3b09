package webhookexporter

import (
	"context"
	"fmt"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// signal is what the tests that run on traces, logs and metrics alike need
// to know about one of them. D is ptrace.Traces, plog.Logs or
// pmetric.Metrics.
type signal[D any] struct {
	name   string
	create func(context.Context, exporter.Settings, component.Config) (signalExporter[D], error)
	// data builds resources x scopes x n items (spans, log records, data
	// points) with GenAI attributes, prompt and completion content included.
	data      func(resources, scopes, n int) D
	clone     func(D) D
	count     func(D) int
	readOnly  func(D)
	marshal   map[Encoding]func(D) ([]byte, error)
	unmarshal map[Encoding]func([]byte) (D, error)
	// items lists the items of a batch with their resources and scopes.
	items func(D) []testItem
	// named is what an error names item i of d by.
	named func(d D, i int) []string
	// idField is a template field that tells the items apart, and idOf its
	// value.
	idField string
	idOf    func(testItem) string
}

// signalExporter is the exporter of one signal.
type signalExporter[D any] struct {
	component.Component
	consume      func(context.Context, D) error
	capabilities func() consumer.Capabilities
}

// testItem is one span, log record or data point with its resource and
// scope; one of span, record and metric is set.
type testItem struct {
	resource    pcommon.Resource
	resourceURL string
	scope       pcommon.InstrumentationScope
	scopeURL    string
	attributes  pcommon.Map
	span        *ptrace.Span
	record      *plog.LogRecord
	// metric is a copy of the data point's metric with only this point.
	metric *pmetric.Metric
}

var tracesSignal = signal[ptrace.Traces]{
	name: "traces",
	create: func(ctx context.Context, set exporter.Settings, cfg component.Config) (signalExporter[ptrace.Traces], error) {
		exp, err := NewFactory().CreateTraces(ctx, set, cfg)
		if err != nil {
			return signalExporter[ptrace.Traces]{}, err
		}
		return signalExporter[ptrace.Traces]{Component: exp, consume: exp.ConsumeTraces, capabilities: exp.Capabilities}, nil
	},
	data:     testTraces,
	clone:    cloneTraces,
	count:    ptrace.Traces.SpanCount,
	readOnly: ptrace.Traces.MarkReadOnly,
	marshal: map[Encoding]func(ptrace.Traces) ([]byte, error){
		EncodingJSON:  (&ptrace.JSONMarshaler{}).MarshalTraces,
		EncodingProto: (&ptrace.ProtoMarshaler{}).MarshalTraces,
	},
	unmarshal: map[Encoding]func([]byte) (ptrace.Traces, error){
		EncodingJSON:  (&ptrace.JSONUnmarshaler{}).UnmarshalTraces,
		EncodingProto: (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces,
	},
	items: spanItems,
	named: func(td ptrace.Traces, i int) []string {
		span := spanItems(td)[i].span
		return []string{fmt.Sprintf("span %q", span.Name()), span.TraceID().String(), span.SpanID().String()}
	},
	idField: "TraceID",
	idOf:    func(it testItem) string { return it.span.TraceID().String() },
}

var logsSignal = signal[plog.Logs]{
	name: "logs",
	create: func(ctx context.Context, set exporter.Settings, cfg component.Config) (signalExporter[plog.Logs], error) {
		exp, err := NewFactory().CreateLogs(ctx, set, cfg)
		if err != nil {
			return signalExporter[plog.Logs]{}, err
		}
		return signalExporter[plog.Logs]{Component: exp, consume: exp.ConsumeLogs, capabilities: exp.Capabilities}, nil
	},
	data: testLogs,
	clone: func(ld plog.Logs) plog.Logs {
		out := plog.NewLogs()
		ld.CopyTo(out)
		return out
	},
	count:    plog.Logs.LogRecordCount,
	readOnly: plog.Logs.MarkReadOnly,
	marshal: map[Encoding]func(plog.Logs) ([]byte, error){
		EncodingJSON:  (&plog.JSONMarshaler{}).MarshalLogs,
		EncodingProto: (&plog.ProtoMarshaler{}).MarshalLogs,
	},
	unmarshal: map[Encoding]func([]byte) (plog.Logs, error){
		EncodingJSON:  (&plog.JSONUnmarshaler{}).UnmarshalLogs,
		EncodingProto: (&plog.ProtoUnmarshaler{}).UnmarshalLogs,
	},
	items: recordItems,
	named: func(ld plog.Logs, i int) []string {
		rec := recordItems(ld)[i].record
		return []string{fmt.Sprintf("log record %d of the batch", i), fmt.Sprintf("event_name %q", rec.EventName())}
	},
	idField: "TraceID",
	idOf:    func(it testItem) string { return it.record.TraceID().String() },
}

func spanItems(td ptrace.Traces) []testItem {
	t := encoding.NewTraces(td)
	out := make([]testItem, t.Len())
	for i := range out {
		rs, ss, span := t.At(i)
		out[i] = testItem{resource: rs.Resource(), resourceURL: rs.SchemaUrl(), scope: ss.Scope(), scopeURL: ss.SchemaUrl(), attributes: span.Attributes(), span: &span}
	}
	return out
}

func recordItems(ld plog.Logs) []testItem {
	l := encoding.NewLogs(ld)
	out := make([]testItem, l.Len())
	for i := range out {
		rl, sl, rec := l.At(i)
		out[i] = testItem{resource: rl.Resource(), resourceURL: rl.SchemaUrl(), scope: sl.Scope(), scopeURL: sl.SchemaUrl(), attributes: rec.Attributes(), record: &rec}
	}
	return out
}

// allSignals runs a test written once for traces, logs and metrics.
func allSignals(t *testing.T, traces func(*testing.T, signal[ptrace.Traces]), logs func(*testing.T, signal[plog.Logs]), metrics func(*testing.T, signal[pmetric.Metrics])) {
	t.Run("traces", func(t *testing.T) { traces(t, tracesSignal) })
	t.Run("logs", func(t *testing.T) { logs(t, logsSignal) })
	t.Run("metrics", func(t *testing.T) { metrics(t, metricsSignal) })
}

// startSignal creates and starts the exporter of s and shuts it down when
// the test ends.
func startSignal[D any](t *testing.T, s signal[D], cfg *Config, set exporter.Settings) signalExporter[D] {
	t.Helper()
	require.NoError(t, confmap.Validate(cfg))
	exp, err := s.create(t.Context(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(t.Context(), componenttest.NewNopHost()))
	t.Cleanup(func() { assert.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}

// decodeBodies decodes every request body with encoding enc.
func decodeBodies[D any](t *testing.T, s signal[D], enc Encoding, reqs []recordedRequest) []D {
	t.Helper()
	out := make([]D, 0, len(reqs))
	for _, r := range reqs {
		d, err := s.unmarshal[enc](r.Body)
		require.NoError(t, err)
		out = append(out, d)
	}
	return out
}

// requireSameItems checks that the batches hold the items of expected, in
// order, each under an equal resource and scope: a split batch, put back
// together, is the input.
func requireSameItems[D any](t *testing.T, s signal[D], expected D, batches ...D) {
	t.Helper()
	var got []testItem
	for _, b := range batches {
		got = append(got, s.items(b)...)
	}
	want := s.items(expected)
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		require.Equal(t, w.resource.Attributes().AsRaw(), g.resource.Attributes().AsRaw(), "resource of item %d", i)
		require.Equal(t, w.resourceURL, g.resourceURL, "resource schema URL of item %d", i)
		require.Equal(t, [2]string{w.scope.Name(), w.scope.Version()}, [2]string{g.scope.Name(), g.scope.Version()}, "scope of item %d", i)
		require.Equal(t, w.scope.Attributes().AsRaw(), g.scope.Attributes().AsRaw(), "scope attributes of item %d", i)
		require.Equal(t, w.scopeURL, g.scopeURL, "scope schema URL of item %d", i)
		switch {
		case w.span != nil:
			require.NoError(t, ptracetest.CompareSpan(*w.span, *g.span), "item %d", i)
		case w.record != nil:
			require.NoError(t, plogtest.CompareLogRecord(*w.record, *g.record), "item %d", i)
		default:
			require.NoError(t, pmetrictest.CompareMetric(*w.metric, *g.metric), "item %d", i)
		}
	}
}

// testLogs builds resources x scopes x records log records shaped like
// GenAI events: one per span of testTraces, with its resource, scope, IDs,
// times and attributes, prompt and completion content included.
func testLogs(resources, scopes, records int) plog.Logs {
	ld := plog.NewLogs()
	for _, rs := range testTraces(resources, scopes, records).ResourceSpans().All() {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.SetSchemaUrl(rs.SchemaUrl())
		rs.Resource().CopyTo(rl.Resource())
		for _, ss := range rs.ScopeSpans().All() {
			sl := rl.ScopeLogs().AppendEmpty()
			ss.Scope().CopyTo(sl.Scope())
			for _, span := range ss.Spans().All() {
				rec := sl.LogRecords().AppendEmpty()
				rec.SetTimestamp(span.StartTimestamp())
				rec.SetObservedTimestamp(span.EndTimestamp())
				rec.SetSeverityNumber(plog.SeverityNumberInfo)
				rec.SetSeverityText("INFO")
				rec.SetEventName("gen_ai.choice")
				rec.SetTraceID(span.TraceID())
				rec.SetSpanID(span.SpanID())
				rec.Body().SetStr("event of " + span.Name())
				span.Attributes().CopyTo(rec.Attributes())
			}
		}
	}
	return ld
}
