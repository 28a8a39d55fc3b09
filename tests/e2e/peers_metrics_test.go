package e2e

// The webhook exporter in metrics pipelines, against the stock otlp
// receiver of another collector: every metric type arrives equal as OTLP
// JSON and as OTLP protobuf, also when the exporter splits the batch.

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// peerMetrics is the input of the metrics round trip: two resources, three
// scopes, a metric of every type (gauge, sum, histogram, exponential
// histogram, summary) with integer, double and infinite values, optional
// fields set and unset, exemplars with IDs and attributes of every type,
// the no-recorded-value flag, metric metadata, and attributes of every
// AnyValue type on resources, scopes and points. It has no NaN, which
// pmetrictest cannot compare; the ndjson golden files cover NaN.
func peerMetrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	ts := func(sec uint64) pcommon.Timestamp { return pcommon.Timestamp(peerBaseTime + sec*1_000_000_000) }

	rm := md.ResourceMetrics().AppendEmpty()
	rm.SetSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
	rm.Resource().Attributes().PutStr("service.name", "peer-gateway")
	rm.Resource().SetDroppedAttributesCount(1)
	peerPutEveryType(rm.Resource().Attributes(), "resource")

	sm := rm.ScopeMetrics().AppendEmpty()
	sm.SetSchemaUrl("https://opentelemetry.io/schemas/1.27.0")
	sm.Scope().SetName("signaltometrics")
	sm.Scope().SetVersion("0.161.0")
	sm.Scope().SetDroppedAttributesCount(2)
	peerPutEveryType(sm.Scope().Attributes(), "scope")

	tokens := sm.Metrics().AppendEmpty()
	tokens.SetName("gen_ai.client.token.usage")
	tokens.SetDescription("Number of input and output tokens used")
	tokens.SetUnit("{token}")
	tokens.Metadata().PutStr("prometheus.type", "histogram")
	hist := tokens.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	for i, typ := range []string{"input", "output"} {
		p := hist.DataPoints().AppendEmpty()
		p.SetStartTimestamp(ts(0))
		p.SetTimestamp(ts(60))
		p.Attributes().PutStr("gen_ai.request.model", "openai/gpt-4o")
		p.Attributes().PutStr("gen_ai.token.type", typ)
		p.SetCount(uint64(2 + i))
		p.SetSum(1300.5)
		p.BucketCounts().FromRaw([]uint64{0, 1, uint64(1 + i)})
		p.ExplicitBounds().FromRaw([]float64{64, 1024})
		if i == 0 {
			p.SetMin(100)
			p.SetMax(1200)
			peerPutEveryType(p.Attributes(), "point")
			ex := p.Exemplars().AppendEmpty()
			ex.SetTimestamp(ts(30))
			ex.SetDoubleValue(1200)
			ex.SetTraceID(peerTraceID(0x11))
			ex.SetSpanID(peerSpanID(0x21))
			ex.FilteredAttributes().PutStr("user.id", "user_67890")
		}
	}

	cost := sm.Metrics().AppendEmpty()
	cost.SetName("gen_ai.client.cost")
	cost.SetUnit("USD")
	sum := cost.SetEmptySum()
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	sum.SetIsMonotonic(true)
	cp := sum.DataPoints().AppendEmpty()
	cp.SetStartTimestamp(ts(0))
	cp.SetTimestamp(ts(60))
	cp.SetDoubleValue(0.000671)
	cp.Attributes().PutStr("user.id", "user_12345")
	ce := cp.Exemplars().AppendEmpty()
	ce.SetTimestamp(ts(40))
	ce.SetIntValue(7)
	ce.SetTraceID(peerTraceID(0x12))
	ce.SetSpanID(peerSpanID(0x31))
	peerPutEveryType(ce.FilteredAttributes(), "exemplar")

	balance := sm.Metrics().AppendEmpty()
	balance.SetName("account.balance.change")
	nonMonotonic := balance.SetEmptySum()
	nonMonotonic.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	bp := nonMonotonic.DataPoints().AppendEmpty()
	bp.SetTimestamp(ts(60))
	bp.SetIntValue(-9_223_372_036_854_775_808)

	sm2 := rm.ScopeMetrics().AppendEmpty()
	sm2.Scope().SetName("peer.tests/runtime")
	queue := sm2.Metrics().AppendEmpty()
	queue.SetName("queue.size")
	queue.SetUnit("{request}")
	gauge := queue.SetEmptyGauge()
	for i, v := range []float64{0.25, math.Inf(1), math.Inf(-1)} {
		p := gauge.DataPoints().AppendEmpty()
		p.SetTimestamp(ts(uint64(60 + i)))
		p.SetDoubleValue(v)
	}
	stale := gauge.DataPoints().AppendEmpty()
	stale.SetTimestamp(ts(63))
	stale.SetIntValue(0)
	stale.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(true))

	size := sm2.Metrics().AppendEmpty()
	size.SetName("request.body.size")
	size.SetUnit("By")
	exp := size.SetEmptyExponentialHistogram()
	exp.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	ep := exp.DataPoints().AppendEmpty()
	ep.SetStartTimestamp(ts(0))
	ep.SetTimestamp(ts(60))
	ep.SetCount(10)
	ep.SetSum(4321.5)
	ep.SetMin(-3)
	ep.SetMax(2048)
	ep.SetScale(-2)
	ep.SetZeroCount(1)
	ep.SetZeroThreshold(0.001)
	ep.Positive().SetOffset(-2)
	ep.Positive().BucketCounts().FromRaw([]uint64{1, 0, 3, 2})
	ep.Negative().SetOffset(4)
	ep.Negative().BucketCounts().FromRaw([]uint64{3})
	ee := ep.Exemplars().AppendEmpty()
	ee.SetTimestamp(ts(50))
	ee.SetDoubleValue(2048)

	rm2 := md.ResourceMetrics().AppendEmpty()
	rm2.Resource().Attributes().PutStr("service.name", "peer-worker")
	latency := rm2.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	latency.SetName("rpc.server.latency")
	latency.SetDescription("Summary, as the Prometheus receiver makes them")
	latency.SetUnit("ms")
	sp := latency.SetEmptySummary().DataPoints().AppendEmpty()
	sp.SetStartTimestamp(ts(0))
	sp.SetTimestamp(ts(60))
	sp.SetCount(12)
	sp.SetSum(340.5)
	for _, q := range [][2]float64{{0, 1}, {0.5, 21}, {0.99, 88.25}, {1, 90}} {
		qv := sp.QuantileValues().AppendEmpty()
		qv.SetQuantile(q[0])
		qv.SetValue(q[1])
	}
	sp.Attributes().PutStr("rpc.method", "Export")
	return md
}

// peerPostMetrics sends md as OTLP protobuf to an otlp receiver's HTTP port.
func peerPostMetrics(t *testing.T, port int, md pmetric.Metrics) {
	t.Helper()
	body, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(md)
	require.NoError(t, err)
	status, resp := harness.Post(t, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/v1/metrics", port), "application/x-protobuf", body)
	require.Equal(t, http.StatusOK, status, resp)
}

// peerRegroup puts the requests of a split batch back together: adjacent
// copies of one resource, scope or metric become one again, so that the
// result is the batch that was split.
func peerRegroup(mds []pmetric.Metrics) pmetric.Metrics {
	out := pmetric.NewMetrics()
	for _, md := range mds {
		for _, rm := range md.ResourceMetrics().All() {
			rms := out.ResourceMetrics()
			if n := rms.Len(); n == 0 || !sameResource(rms.At(n-1), rm) {
				rm.MoveTo(rms.AppendEmpty())
				continue
			}
			last := rms.At(rms.Len() - 1)
			for _, sm := range rm.ScopeMetrics().All() {
				sms := last.ScopeMetrics()
				if n := sms.Len(); n == 0 || !sameScope(sms.At(n-1), sm) {
					sm.MoveTo(sms.AppendEmpty())
					continue
				}
				into := sms.At(sms.Len() - 1).Metrics()
				for _, m := range sm.Metrics().All() {
					if n := into.Len(); n > 0 && sameMetric(into.At(n-1), m) {
						movePoints(m, into.At(n-1))
						continue
					}
					m.MoveTo(into.AppendEmpty())
				}
			}
		}
	}
	return out
}

func sameResource(a, b pmetric.ResourceMetrics) bool {
	return a.SchemaUrl() == b.SchemaUrl() && reflect.DeepEqual(a.Resource().Attributes().AsRaw(), b.Resource().Attributes().AsRaw())
}

func sameScope(a, b pmetric.ScopeMetrics) bool {
	return a.SchemaUrl() == b.SchemaUrl() && a.Scope().Name() == b.Scope().Name() && a.Scope().Version() == b.Scope().Version() &&
		reflect.DeepEqual(a.Scope().Attributes().AsRaw(), b.Scope().Attributes().AsRaw())
}

func sameMetric(a, b pmetric.Metric) bool {
	return a.Name() == b.Name() && a.Type() == b.Type() && a.Unit() == b.Unit() && a.Description() == b.Description()
}

func movePoints(from, to pmetric.Metric) {
	switch from.Type() {
	case pmetric.MetricTypeGauge:
		from.Gauge().DataPoints().MoveAndAppendTo(to.Gauge().DataPoints())
	case pmetric.MetricTypeSum:
		from.Sum().DataPoints().MoveAndAppendTo(to.Sum().DataPoints())
	case pmetric.MetricTypeHistogram:
		from.Histogram().DataPoints().MoveAndAppendTo(to.Histogram().DataPoints())
	case pmetric.MetricTypeExponentialHistogram:
		from.ExponentialHistogram().DataPoints().MoveAndAppendTo(to.ExponentialHistogram().DataPoints())
	case pmetric.MetricTypeSummary:
		from.Summary().DataPoints().MoveAndAppendTo(to.Summary().DataPoints())
	}
}

// peerRequireEqualMetrics requires got to equal want exactly, with
// pmetrictest and without any Ignore option, and as protobuf bytes, which
// also covers what pmetrictest does not compare (dropped counts, metric
// metadata).
func peerRequireEqualMetrics(t *testing.T, want, got pmetric.Metrics) {
	t.Helper()
	require.NoError(t, pmetrictest.CompareMetrics(want, got))
	wantProto, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(want)
	require.NoError(t, err)
	gotProto, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(got)
	require.NoError(t, err)
	if !bytes.Equal(wantProto, gotProto) {
		wantJSON, _ := (&pmetric.JSONMarshaler{}).MarshalMetrics(want)
		gotJSON, _ := (&pmetric.JSONMarshaler{}).MarshalMetrics(got)
		require.JSONEq(t, string(wantJSON), string(gotJSON), "protobuf encodings differ")
		require.Fail(t, "protobuf encodings differ although the JSON is equal")
	}
}

// TestPeerWebhookExporterMetricsToOTLPReceiver: the webhook exporter in a
// metrics pipeline delivers to the stock otlp receiver of another
// collector, with the endpoint used as given (…/v1/metrics), as OTLP JSON,
// as gzipped OTLP protobuf, and as OTLP JSON split into requests of at most
// 6 KiB (a point with attributes of every type, under a resource and a
// scope with them too, takes 5.6 KB alone); every data point arrives
// equal, with its resource, scope and metric.
func TestPeerWebhookExporterMetricsToOTLPReceiver(t *testing.T) {
	jsonPort, protoPort, splitPort, otlpPort := harness.FreePort(t), harness.FreePort(t), harness.FreePort(t), harness.FreePort(t)
	receiver := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp/json:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
  otlp/proto:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
  otlp/split:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  file/json:
    path: {{dir}}/json.jsonl
    flush_interval: 100ms
  file/proto:
    path: {{dir}}/proto.jsonl
    flush_interval: 100ms
  file/split:
    path: {{dir}}/split.jsonl
    flush_interval: 100ms
service:%s
  pipelines:
    metrics/json:
      receivers: [otlp/json]
      exporters: [file/json]
    metrics/proto:
      receivers: [otlp/proto]
      exporters: [file/proto]
    metrics/split:
      receivers: [otlp/split]
      exporters: [file/split]
`, jsonPort, protoPort, splitPort, peerTelemetryMetricsOff))

	sender := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%[1]d
exporters:
  webhook/json:
    endpoint: http://127.0.0.1:%[2]d/v1/metrics
    test_connection:
  webhook/proto:
    endpoint: http://127.0.0.1:%[3]d/v1/metrics
    encoding: proto
    compression: gzip
  webhook/split:
    endpoint: http://127.0.0.1:%[4]d/v1/metrics
    max_request_body_size: 6144
service:%[5]s
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [webhook/json, webhook/proto, webhook/split]
`, otlpPort, jsonPort, protoPort, splitPort, peerTelemetryMetricsOff))

	want := peerMetrics()
	points := want.DataPointCount()
	peerPostMetrics(t, otlpPort, want)

	harness.WaitForDataPoints(t, filepath.Join(receiver.Dir, "proto.jsonl"), points)
	harness.WaitForDataPoints(t, filepath.Join(receiver.Dir, "split.jsonl"), points)
	harness.WaitForDataPoints(t, filepath.Join(receiver.Dir, "json.jsonl"), points)
	peerStop(sender, receiver)
	gotJSON := harness.ReadMetricsExport(t, filepath.Join(receiver.Dir, "json.jsonl"))
	gotProto := harness.ReadMetricsExport(t, filepath.Join(receiver.Dir, "proto.jsonl"))
	gotSplit := harness.ReadMetricsExport(t, filepath.Join(receiver.Dir, "split.jsonl"))
	t.Logf("sent %d data points; %d, %d and %d requests arrived as JSON, protobuf and split JSON", points, len(gotJSON), len(gotProto), len(gotSplit))

	t.Run("encoding json", func(t *testing.T) {
		require.Len(t, gotJSON, 1, "one request: the test connection's {} carries no data")
		peerRequireEqualMetrics(t, want, gotJSON[0])
	})
	t.Run("encoding proto", func(t *testing.T) {
		require.Len(t, gotProto, 1)
		peerRequireEqualMetrics(t, want, gotProto[0])
	})
	t.Run("split by max_request_body_size", func(t *testing.T) {
		assert.Greater(t, len(gotSplit), 2, "the batch is split")
		for i, md := range gotSplit {
			body, err := (&pmetric.JSONMarshaler{}).MarshalMetrics(md)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(body), 6144, "request %d", i)
		}
		peerRequireEqualMetrics(t, want, peerRegroup(gotSplit))
	})
	assert.False(t, peerLogHas(sender.Log.String(), "Exporting failed"))
}
