package otlpjson

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/testdata"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

func TestWritesWhatPdataWrites(t *testing.T) {
	checkTraces(t, benchdata.Traces(10))
	for _, n := range []int{0, 1, 5} {
		checkTraces(t, testdata.GenerateTraces(n))
		checkLogs(t, testdata.GenerateLogs(n))
		checkMetrics(t, testdata.GenerateMetrics(n))
	}
	checkMetrics(t, testdata.GenerateMetricsAllTypes())
	checkMetrics(t, testdata.GenerateMetricsAllTypesEmpty())
	checkMetrics(t, testdata.GenerateMetricsMetricTypeInvalid())
}

func TestEmptyContainers(t *testing.T) {
	assert.JSONEq(t, `{}`, string(checkTraces(t, ptrace.NewTraces())))
	assert.JSONEq(t, `{}`, string(checkLogs(t, plog.NewLogs())))
	assert.JSONEq(t, `{}`, string(checkMetrics(t, pmetric.NewMetrics())))

	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty()                            // no scopes
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty() // a scope without spans
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.Attributes().PutEmptyMap("map")
	span.Attributes().PutEmptySlice("slice")
	span.Attributes().PutEmptyBytes("bytes")
	span.Attributes().PutEmpty("empty")
	span.Attributes().PutStr("", "no key")
	assert.Equal(t, `{"resourceSpans":[{"resource":{}},{"resource":{},"scopeSpans":[{"scope":{}}]},{"resource":{},"scopeSpans":[{"scope":{},"spans":[{"attributes":[`+
		`{"key":"map","value":{"kvlistValue":{}}},{"key":"slice","value":{"arrayValue":{}}},{"key":"bytes","value":{"bytesValue":""}},{"key":"empty","value":{}},{"value":{"stringValue":"no key"}}],`+
		`"status":{}}]}]}]}`, string(checkTraces(t, td)))

	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	assert.Equal(t, `{"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[{"body":{}}]}]}]}`, string(checkLogs(t, ld)),
		"an empty log record keeps its body")
}

func TestNestedValues(t *testing.T) {
	ld := plog.NewLogs()
	body := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body()
	m := body.SetEmptyMap()
	for depth := range 6 {
		s := m.PutEmptySlice("level")
		s.AppendEmpty().SetInt(int64(depth))
		s.AppendEmpty().SetEmptySlice().AppendEmpty().SetStr("inner")
		m = s.AppendEmpty().SetEmptyMap()
	}
	m.PutBool("leaf", true)
	out := checkLogs(t, ld)
	assert.Contains(t, string(out), `{"key":"leaf","value":{"boolValue":true}}`)
}

func TestBytesValues(t *testing.T) {
	td := ptrace.NewTraces()
	attrs := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	// Lengths around the padding of base64 and around the chunks it is
	// encoded in.
	for _, n := range []int{0, 1, 2, 3, 4, bytesChunk - 1, bytesChunk, bytesChunk + 1, 3*bytesChunk + 2} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i * 7)
		}
		attrs.PutEmptyBytes(strings.Repeat("b", n%50+1)).FromRaw(b)
	}
	checkTraces(t, td)
}

func TestNumbers(t *testing.T) {
	md := pmetric.NewMetrics()
	metrics := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	floats := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 1e-7, 1e-6, 1e20, 1e21, 5e-324, math.MaxFloat64, 0.1, 1.0 / 3}
	points := metrics.AppendEmpty().SetEmptyGauge().DataPoints()
	for _, f := range floats {
		points.AppendEmpty().SetDoubleValue(f)
	}
	for _, i := range []int64{0, -1, math.MinInt64, math.MaxInt64} {
		points.AppendEmpty().SetIntValue(i)
	}
	h := metrics.AppendEmpty().SetEmptyHistogram().DataPoints().AppendEmpty()
	h.SetSum(math.Copysign(0, -1)) // an optional sum is written even when it is -0
	h.SetMin(math.Inf(-1))
	h.SetMax(math.NaN())
	h.ExplicitBounds().FromRaw(floats)
	h.BucketCounts().FromRaw([]uint64{0, 1, math.MaxUint64})
	h.SetTimestamp(pcommon.Timestamp(math.MaxUint64))
	out := string(checkMetrics(t, md))
	for _, want := range []string{`"asDouble":"NaN"`, `"asDouble":"Infinity"`, `"asDouble":"-Infinity"`, `"asDouble":-0`, `"asDouble":1e-07`,
		`"asDouble":1e+21`, `"asDouble":100000000000000000000`, `"asInt":"-9223372036854775808"`, `"sum":-0`, `"max":"NaN"`,
		`"bucketCounts":["0","1","18446744073709551615"]`, `"timeUnixNano":"18446744073709551615"`} {
		assert.Contains(t, out, want)
	}
}

// pdata copies invalid UTF-8 into its JSON, which is then not valid JSON
// (and which the webhook receiver refuses); the writer replaces each bad
// byte with U+FFFD, as encoding/json does, everywhere a string is written.
func TestInvalidUTF8IsReplaced(t *testing.T) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.SetSchemaUrl("https://example.com/\xff")
	rs.Resource().Attributes().PutStr("service.\xc3", "ok")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("scope\xe6\x97")
	span := ss.Spans().AppendEmpty()
	span.SetName("chat \xed\xa0\x80")
	span.Attributes().PutEmptyMap("nested").PutEmptySlice("list").AppendEmpty().SetStr("a\xffb")
	span.Status().SetMessage("\x80")

	want := ptrace.NewTraces()
	rs = want.ResourceSpans().AppendEmpty()
	rs.SetSchemaUrl("https://example.com/\uFFFD")
	rs.Resource().Attributes().PutStr("service.\uFFFD", "ok")
	ss = rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("scope\uFFFD\uFFFD")
	span = ss.Spans().AppendEmpty()
	span.SetName("chat \uFFFD\uFFFD\uFFFD")
	span.Attributes().PutEmptyMap("nested").PutEmptySlice("list").AppendEmpty().SetStr("a\uFFFDb")
	span.Status().SetMessage("\uFFFD")

	checkRoundTrip(t, tracesCodec, td, want, false)
	pdataOut, err := tracesCodec.pdataJSON(td)
	require.NoError(t, err)
	assert.Contains(t, string(pdataOut), "\xff", "pdata's marshaler copies invalid UTF-8")
}

// Two keys that differ only in invalid UTF-8 are both written, under the
// same replaced key: nothing is dropped, and pdata reads both back.
func TestKeysThatDifferOnlyInInvalidUTF8(t *testing.T) {
	td := ptrace.NewTraces()
	attrs := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	attrs.PutStr("k\xff", "first")
	attrs.PutStr("k\xfe", "second")
	out := AppendTraces(nil, td)
	assert.Contains(t, string(out), `"attributes":[{"key":"k\ufffd","value":{"stringValue":"first"}},{"key":"k\ufffd","value":{"stringValue":"second"}}]`)
	back, err := tracesCodec.fromJSON(out)
	require.NoError(t, err)
	assert.Equal(t, 2, back.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Len())
}

// U+2028 and U+2029 are escaped, which pdata does not do; both read back to
// the same text.
func TestLineSeparatorsAreEscaped(t *testing.T) {
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("a\u2028b\u2029c")
	out := checkRoundTrip(t, logsCodec, ld, ld, false)
	assert.Contains(t, string(out), `"a\u2028b\u2029c"`)
}

func TestEntityRefs(t *testing.T) {
	checkTraces(t, tracesWithEntityRefs())
}

func tracesWithEntityRefs() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	rs.Resource().Attributes().PutStr("host.id", "h-1")
	refs := entity.ResourceEntityRefs(rs.Resource())
	service := refs.AppendEmpty()
	service.SetType("service")
	service.SetSchemaUrl("https://opentelemetry.io/schemas/1.38.0")
	service.IdKeys().Append("service.name")
	host := refs.AppendEmpty()
	host.SetType("host")
	host.IdKeys().Append("host.id")
	host.DescriptionKeys().Append("host.name", "host.arch")
	rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("GET /cart")
	return td
}

// Every run of a batch of three resources, with scopes and spans of their
// own, is written as AppendTraces writes a copy of the run.
func TestRunsAreWrittenAsTheirCopies(t *testing.T) {
	td := ptrace.NewTraces()
	logs := plog.NewLogs()
	md := pmetric.NewMetrics()
	for r, scopes := range [][]int{{2, 0, 1}, {}, {3}} {
		rs := td.ResourceSpans().AppendEmpty()
		rl := logs.ResourceLogs().AppendEmpty()
		rm := md.ResourceMetrics().AppendEmpty()
		for _, res := range []pcommon.Resource{rs.Resource(), rl.Resource(), rm.Resource()} {
			res.Attributes().PutInt("r", int64(r))
		}
		rs.SetSchemaUrl("https://example.com/r")
		rl.SetSchemaUrl("https://example.com/r")
		rm.SetSchemaUrl("https://example.com/r")
		for s, n := range scopes {
			ss, sl, sm := rs.ScopeSpans().AppendEmpty(), rl.ScopeLogs().AppendEmpty(), rm.ScopeMetrics().AppendEmpty()
			for _, sc := range []pcommon.InstrumentationScope{ss.Scope(), sl.Scope(), sm.Scope()} {
				sc.SetName("scope")
				sc.Attributes().PutInt("s", int64(s))
			}
			ss.SetSchemaUrl("https://example.com/s")
			for i := range n {
				ss.Spans().AppendEmpty().SetName(string(rune('a' + i)))
				sl.LogRecords().AppendEmpty().Body().SetInt(int64(i))
				sm.Metrics().AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(int64(i))
			}
		}
	}
	checkSpanRuns(t, td)
	checkLogRuns(t, logs)
	checkMetricRuns(t, md)
	assert.Equal(t, `{"resourceSpans":[{"resource":{"attributes":[{"key":"r","value":{"intValue":"0"}}]},"scopeSpans":[`+
		`{"scope":{"name":"scope","attributes":[{"key":"s","value":{"intValue":"0"}}]},"spans":[{"name":"b","status":{}}],"schemaUrl":"https://example.com/s"},`+
		`{"scope":{"name":"scope","attributes":[{"key":"s","value":{"intValue":"2"}}]},"spans":[{"name":"a","status":{}}],"schemaUrl":"https://example.com/s"}],`+
		`"schemaUrl":"https://example.com/r"}]}`,
		string(AppendSpans(nil, td, 1, 3)), "the empty scope between the two is left out")
}
