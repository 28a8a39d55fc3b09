package otlpjson

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"
)

// gen builds pdata from fuzz bytes: every field of every signal, every
// value and metric type, drawn from the bytes in order (zeros once they run
// out). The same bytes build the same structure twice: as drawn (raw) and as
// the writer's output reads back (clean: invalid UTF-8 replaced by U+FFFD
// byte by byte, every NaN the one NaN that "NaN" parses to).
type gen struct {
	data []byte
	raw  bool
	// values bounds the attribute values of one build, so that nested
	// maps and slices keep a run of the fuzzer fast.
	values int
	// exact is cleared when a string holds invalid UTF-8, U+2028 or
	// U+2029, the only text the writer writes differently from pdata.
	exact bool
}

func newGen(data []byte, raw bool) *gen { return &gen{data: data, raw: raw, values: 200, exact: true} }

func (g *gen) byte() byte {
	if len(g.data) == 0 {
		return 0
	}
	c := g.data[0]
	g.data = g.data[1:]
	return c
}

// n is a count from 0 to limit.
func (g *gen) n(limit int) int { return int(g.byte()) % (limit + 1) }

func (g *gen) take(n int) []byte {
	n = min(n, len(g.data))
	b := g.data[:n]
	g.data = g.data[n:]
	return b
}

func (g *gen) u64() uint64 {
	var b [8]byte
	copy(b[:], g.take(8))
	return binary.LittleEndian.Uint64(b[:])
}

// small is 0 or a number of up to 32 bits, so that zero, which pdata
// leaves out, is common.
func (g *gen) small() uint32 {
	if g.byte()%2 == 0 {
		return 0
	}
	return uint32(g.u64())
}

func (g *gen) i64() int64 {
	switch g.byte() % 4 {
	case 0:
		return 0
	case 1:
		return math.MinInt64
	case 2:
		return math.MaxInt64
	}
	return int64(g.u64())
}

var specialFloats = []float64{
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-7, 1e21, 1e20,
	0.1, -2.5, math.MaxFloat64, math.SmallestNonzeroFloat64, 123456789.125,
}

func (g *gen) f64() float64 {
	c := int(g.byte())
	var f float64
	if c < 2*len(specialFloats) {
		f = specialFloats[c%len(specialFloats)]
	} else {
		f = math.Float64frombits(g.u64())
	}
	if !g.raw && math.IsNaN(f) {
		return math.NaN()
	}
	return f
}

var runes = []rune{'a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', 0, 0x1f, 0x7f, 'é', '日', '🙂', '\u2028', '\u2029', utf8.RuneError, '<'}

func (g *gen) str() string {
	var s string
	n := g.n(12)
	if g.byte()%2 == 0 {
		s = string(g.take(n)) // mostly not UTF-8
	} else {
		var sb strings.Builder
		for range n {
			sb.WriteRune(runes[int(g.byte())%len(runes)])
		}
		s = sb.String()
	}
	if !utf8.ValidString(s) || strings.ContainsAny(s, "\u2028\u2029") {
		g.exact = false
	}
	if !g.raw {
		s = string([]rune(s)) // U+FFFD for every byte that is not UTF-8
	}
	return s
}

func (g *gen) traceID() pcommon.TraceID {
	var id pcommon.TraceID
	if g.byte()%3 != 0 {
		copy(id[:], g.take(16))
	}
	return id
}

func (g *gen) spanID() pcommon.SpanID {
	var id pcommon.SpanID
	if g.byte()%3 != 0 {
		copy(id[:], g.take(8))
	}
	return id
}

func (g *gen) time() pcommon.Timestamp {
	if g.byte()%2 == 0 {
		return 0
	}
	return pcommon.Timestamp(g.u64())
}

// attributes fills m with keys that stay distinct once their invalid UTF-8
// is replaced: two keys that differ only there are both written, as the
// same key (TestKeysThatDifferOnlyInInvalidUTF8), which a pcommon.Map built
// through its API cannot hold for the comparison.
func (g *gen) attributes(m pcommon.Map, depth int) {
	var written []string
	for range g.n(3) {
		k := g.str()
		clean := string([]rune(k))
		if slices.Contains(written, clean) {
			g.value(pcommon.NewValueEmpty(), depth) // drawn all the same, to keep both builds in step
			continue
		}
		written = append(written, clean)
		g.value(m.PutEmpty(k), depth)
	}
}

func (g *gen) value(v pcommon.Value, depth int) {
	if g.values == 0 {
		return // left empty
	}
	g.values--
	switch g.byte() % 8 {
	case 0: // empty
	case 1:
		v.SetStr(g.str())
	case 2:
		v.SetInt(g.i64())
	case 3:
		v.SetDouble(g.f64())
	case 4:
		v.SetBool(g.byte()%2 == 0)
	case 5:
		m := v.SetEmptyMap()
		if depth < 3 {
			g.attributes(m, depth+1)
		}
	case 6:
		s := v.SetEmptySlice()
		if depth < 3 {
			for range g.n(3) {
				g.value(s.AppendEmpty(), depth+1)
			}
		}
	case 7:
		n := g.n(255)
		if g.byte()%8 == 0 {
			n *= 8 // over one base64 chunk
		}
		b := make([]byte, n)
		copy(b, g.take(n))
		v.SetEmptyBytes().FromRaw(b)
	}
}

func (g *gen) resource(r pcommon.Resource) {
	g.attributes(r.Attributes(), 0)
	r.SetDroppedAttributesCount(g.small())
	refs := entity.ResourceEntityRefs(r)
	for range g.n(2) {
		ref := refs.AppendEmpty()
		ref.SetSchemaUrl(g.str())
		ref.SetType(g.str())
		for range g.n(2) {
			ref.IdKeys().Append(g.str())
		}
		for range g.n(2) {
			ref.DescriptionKeys().Append(g.str())
		}
	}
}

func (g *gen) scope(s pcommon.InstrumentationScope) {
	s.SetName(g.str())
	s.SetVersion(g.str())
	g.attributes(s.Attributes(), 0)
	s.SetDroppedAttributesCount(g.small())
}

func (g *gen) traces() ptrace.Traces {
	td := ptrace.NewTraces()
	for range g.n(2) {
		rs := td.ResourceSpans().AppendEmpty()
		g.resource(rs.Resource())
		rs.SetSchemaUrl(g.str())
		for range g.n(2) {
			ss := rs.ScopeSpans().AppendEmpty()
			g.scope(ss.Scope())
			ss.SetSchemaUrl(g.str())
			for range g.n(3) {
				g.span(ss.Spans().AppendEmpty())
			}
		}
	}
	return td
}

func (g *gen) span(s ptrace.Span) {
	s.SetTraceID(g.traceID())
	s.SetSpanID(g.spanID())
	s.TraceState().FromRaw(g.str())
	s.SetParentSpanID(g.spanID())
	s.SetFlags(g.small())
	s.SetName(g.str())
	s.SetKind(ptrace.SpanKind(g.n(6)))
	s.SetStartTimestamp(g.time())
	s.SetEndTimestamp(g.time())
	g.attributes(s.Attributes(), 0)
	s.SetDroppedAttributesCount(g.small())
	for range g.n(2) {
		e := s.Events().AppendEmpty()
		e.SetTimestamp(g.time())
		e.SetName(g.str())
		g.attributes(e.Attributes(), 0)
		e.SetDroppedAttributesCount(g.small())
	}
	s.SetDroppedEventsCount(g.small())
	for range g.n(2) {
		l := s.Links().AppendEmpty()
		l.SetTraceID(g.traceID())
		l.SetSpanID(g.spanID())
		l.TraceState().FromRaw(g.str())
		g.attributes(l.Attributes(), 0)
		l.SetDroppedAttributesCount(g.small())
		l.SetFlags(g.small())
	}
	s.SetDroppedLinksCount(g.small())
	s.Status().SetMessage(g.str())
	s.Status().SetCode(ptrace.StatusCode(g.n(3)))
}

func (g *gen) logs() plog.Logs {
	ld := plog.NewLogs()
	for range g.n(2) {
		rl := ld.ResourceLogs().AppendEmpty()
		g.resource(rl.Resource())
		rl.SetSchemaUrl(g.str())
		for range g.n(2) {
			sl := rl.ScopeLogs().AppendEmpty()
			g.scope(sl.Scope())
			sl.SetSchemaUrl(g.str())
			for range g.n(3) {
				g.logRecord(sl.LogRecords().AppendEmpty())
			}
		}
	}
	return ld
}

func (g *gen) logRecord(l plog.LogRecord) {
	l.SetTimestamp(g.time())
	l.SetObservedTimestamp(g.time())
	l.SetSeverityNumber(plog.SeverityNumber(g.n(25)))
	l.SetSeverityText(g.str())
	g.value(l.Body(), 0)
	g.attributes(l.Attributes(), 0)
	l.SetDroppedAttributesCount(g.small())
	l.SetFlags(plog.LogRecordFlags(g.small()))
	l.SetTraceID(g.traceID())
	l.SetSpanID(g.spanID())
	l.SetEventName(g.str())
}
