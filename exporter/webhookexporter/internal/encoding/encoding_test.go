package encoding

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// twoResources has spans a, b under resource r0 (scopes s0, s1) and c under
// r1.
func twoResources() ptrace.Traces {
	td := ptrace.NewTraces()
	for r, scopes := range [][][]string{{{"a"}, {"b"}}, {{"c"}}} {
		rs := td.ResourceSpans().AppendEmpty()
		rs.SetSchemaUrl("https://example.com/r")
		rs.Resource().Attributes().PutInt("r", int64(r))
		for s, names := range scopes {
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName("scope")
			ss.Scope().Attributes().PutInt("s", int64(s))
			for _, name := range names {
				ss.Spans().AppendEmpty().SetName(name)
			}
		}
	}
	return td
}

func TestTracesSliceKeepsResourceAndScope(t *testing.T) {
	items := NewTraces(twoResources())
	require.Equal(t, 3, items.Len())
	out := items.Slice(1, 3)
	require.Equal(t, 2, out.ResourceSpans().Len(), "b and c keep their own resources")
	b := out.ResourceSpans().At(0)
	assert.Equal(t, map[string]any{"r": int64(0)}, b.Resource().Attributes().AsRaw())
	assert.Equal(t, "https://example.com/r", b.SchemaUrl())
	assert.Equal(t, map[string]any{"s": int64(1)}, b.ScopeSpans().At(0).Scope().Attributes().AsRaw())
	assert.Equal(t, "b", b.ScopeSpans().At(0).Spans().At(0).Name())
	assert.Equal(t, "c", out.ResourceSpans().At(1).ScopeSpans().At(0).Spans().At(0).Name())

	rs, ss, span := items.At(2)
	assert.Equal(t, "c", span.Name())
	assert.Equal(t, int64(1), rs.Resource().Attributes().AsRaw()["r"])
	assert.Equal(t, int64(0), ss.Scope().Attributes().AsRaw()["s"])
	assert.Equal(t, `span "c" (trace_id , span_id )`, items.Describe(2))
}

func TestLogsSliceAndDescribe(t *testing.T) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "openrouter")
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	for _, name := range []string{"credit.low_balance", "model.status_change"} {
		rec := records.AppendEmpty()
		rec.SetEventName(name)
		rec.SetTimestamp(pcommon.NewTimestampFromTime(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)))
	}
	items := NewLogs(ld)
	out := items.Slice(1, 2)
	require.Equal(t, 1, out.LogRecordCount())
	assert.Equal(t, "openrouter", out.ResourceLogs().At(0).Resource().Attributes().AsRaw()["service.name"])
	assert.Equal(t, "model.status_change", out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).EventName())
	assert.Equal(t, `log record 1 of the batch (event_name "model.status_change", time 2026-03-04T05:06:07.000000000Z)`, items.Describe(1))
}

func TestFields(t *testing.T) {
	assert.Equal(t, "client", SpanKind(ptrace.SpanKindClient))
	assert.Equal(t, "unspecified", SpanKind(ptrace.SpanKindUnspecified))
	assert.Equal(t, "error", StatusCode(ptrace.StatusCodeError))
	assert.Equal(t, "unset", StatusCode(ptrace.StatusCodeUnset))
	assert.Empty(t, ID(pcommon.TraceID{}))
	assert.Equal(t, "0102030405060708", ID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8}))
	assert.Equal(t, "2026-03-04T05:06:07.000000001Z", FormatTime(pcommon.Timestamp(1772600767000000001)))
	assert.True(t, Time(0).IsZero(), "unset is the zero time")

	m := pcommon.NewMap()
	m.PutDouble("nan", math.NaN())
	m.PutDouble("inf", math.Inf(-1))
	m.PutEmptyBytes("b").FromRaw([]byte("hi"))
	m.PutEmptySlice("l").AppendEmpty().SetInt(1)
	m.PutEmpty("e")
	assert.Equal(t, map[string]any{"nan": "NaN", "inf": "-Infinity", "b": "aGk=", "l": []any{int64(1)}, "e": nil}, RawMap(m))
}

// AppendTime writes what time.Format writes with TimeLayout.
func TestAppendTimeMatchesTheLayout(t *testing.T) {
	for _, at := range []time.Time{
		time.Unix(0, 0), time.Unix(0, 1), time.Date(2024, 1, 15, 10, 0, 1, 250000000, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2262, 4, 11, 23, 47, 16, 854775807, time.UTC),
	} {
		ts := pcommon.NewTimestampFromTime(at)
		assert.Equal(t, ts.AsTime().UTC().Format(TimeLayout), string(AppendTime([]byte("x"), ts))[1:], "%v", at)
	}
}
