package otlp

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

const (
	traceA = "5b8efff798038103d269b633813fc60c"
	spanA  = "eee19b7ec3c1b174"
)

// decodeResult is what DecodeTraces returned, for the tests.
type decodeResult struct {
	traces        ptrace.Traces
	rejected      int
	rejectMessage string
	repairs       RepairCounts
}

func decodeWith(t *testing.T, lenient bool, body string) (decodeResult, error) {
	t.Helper()
	return decodeTracesAs(JSON, lenient, []byte(body))
}

func decodeTracesAs(enc Encoding, lenient bool, body []byte) (decodeResult, error) {
	td, res, err := DecodeTraces(enc, body, lenient)
	return decodeResult{traces: td, rejected: res.Rejected, rejectMessage: res.RejectMessage, repairs: res.Repairs}, err
}

// oneSpan wraps span fields into a payload with one span.
func oneSpan(fields string) string {
	return `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"openrouter"}}]},` +
		`"scopeSpans":[{"scope":{"name":"s"},"spans":[{"traceId":"` + traceA + `","spanId":"` + spanA + `","name":"chat"` + fields + `}]}]}]}`
}

func attr(key, value string) string {
	return `,"attributes":[{"key":"` + key + `","value":` + value + `}]`
}

func firstSpan(t *testing.T, td ptrace.Traces) ptrace.Span {
	t.Helper()
	require.Equal(t, 1, td.SpanCount())
	return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
}

func TestLenientDecoding(t *testing.T) {
	tests := []struct {
		name   string
		fields string
		repair string
		check  func(t *testing.T, s ptrace.Span)
		strict string // the error in strict mode; empty when strict accepts it too
	}{
		{
			name: "kind in lower case", fields: `,"kind":"client"`, repair: "enum",
			check:  func(t *testing.T, s ptrace.Span) { assert.Equal(t, ptrace.SpanKindClient, s.Kind()) },
			strict: `resourceSpans[0].scopeSpans[0].spans[0].kind: enum value "client" is not in canonical form (lenient: true would repair this)`,
		},
		{
			name: "unknown kind", fields: `,"kind":"SPAN_KIND_LLM"`, repair: "enum",
			check:  func(t *testing.T, s ptrace.Span) { assert.Equal(t, ptrace.SpanKindUnspecified, s.Kind()) },
			strict: `kind: unknown enum value "SPAN_KIND_LLM"`,
		},
		{
			name: "status code by short name", fields: `,"status":{"code":"error","message":"upstream timeout"}`, repair: "enum",
			check: func(t *testing.T, s ptrace.Span) {
				assert.Equal(t, ptrace.StatusCodeError, s.Status().Code())
				assert.Equal(t, "upstream timeout", s.Status().Message())
			},
			strict: `status.code: enum value "error"`,
		},
		{
			name: "boolValue as a string", fields: attr("stream", `{"boolValue":"true"}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "stream", true) },
			strict: `attributes[0].value.boolValue: boolValue must be true or false, got the string "true"`,
		},
		{
			name: "boolValue that is not a boolean is kept as a string", fields: attr("stream", `{"boolValue":"maybe"}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "stream", "maybe") },
			strict: `boolValue must be true or false, got the string "maybe"`,
		},
		{
			name: "intValue that is not a number is kept as a string", fields: attr("gen_ai.usage.prompt_tokens", `{"intValue":"n/a"}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "gen_ai.usage.prompt_tokens", "n/a") },
			strict: `intValue "n/a" is not a number`,
		},
		{
			name: "intValue with a fraction becomes a double", fields: attr("x", `{"intValue":12.5}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "x", 12.5) },
			strict: `intValue "12.5" is not an integer`,
		},
		{
			name: "intValue in exponent form", fields: attr("x", `{"intValue":1e3}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "x", int64(1000)) },
			strict: `intValue "1e3" is not an integer in int64 form`,
		},
		{
			name: "doubleValue that is not a number", fields: attr("gen_ai.usage.cost", `{"doubleValue":"free"}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "gen_ai.usage.cost", "free") },
			strict: `doubleValue "free" is not a number`,
		},
		{
			name: "stringValue as a number", fields: attr("trace.metadata.build", `{"stringValue":42}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "trace.metadata.build", "42") },
			strict: `stringValue must be a string, got a number`,
		},
		{
			name: "stringValue holding JSON", fields: attr("trace.metadata.ctx", `{"stringValue":{"a":[1,2]}}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "trace.metadata.ctx", `{"a":[1,2]}`) },
			strict: `stringValue must be a string, got an object`,
		},
		{
			name: "bytesValue in URL-safe base64", fields: attr("blob", `{"bytesValue":"-_8"}`), repair: "value_type",
			check: func(t *testing.T, s ptrace.Span) {
				v, _ := s.Attributes().Get("blob")
				assert.Equal(t, []byte{0xfb, 0xff}, v.Bytes().AsRaw())
			},
			strict: `bytesValue is not standard base64`,
		},
		{
			name: "plain JSON values without the OTLP wrapper", repair: "plain_value",
			fields: `,"attributes":[{"key":"s","value":"x"},{"key":"i","value":5},{"key":"d","value":0.25},{"key":"b","value":false},` +
				`{"key":"a","value":[1,"two"]},{"key":"m","value":{"k":null}}]`,
			check: func(t *testing.T, s ptrace.Span) {
				assert.Equal(t, map[string]any{
					"s": "x", "i": int64(5), "d": 0.25, "b": false,
					"a": []any{int64(1), "two"}, "m": nil,
				}, s.Attributes().AsRaw())
			},
			strict: `attributes[0].value: value must be an object such as {"stringValue": ...}, got a string`,
		},
		{
			name: "attributes as a JSON object", fields: `,"attributes":{"user.id":"u1","gen_ai.usage.prompt_tokens":"7"}`, repair: "attributes_object",
			check: func(t *testing.T, s ptrace.Span) {
				assert.Equal(t, map[string]any{"user.id": "u1", "gen_ai.usage.prompt_tokens": int64(7)}, s.Attributes().AsRaw())
			},
			strict: `attributes: attributes must be an array of {"key", "value"} objects, got an object`,
		},
		{
			name: "arrayValue as a bare array", fields: attr("tags", `{"arrayValue":[{"stringValue":"a"}]}`), repair: "value_type",
			check:  func(t *testing.T, s ptrace.Span) { assertAttr(t, s, "tags", []any{"a"}) },
			strict: `arrayValue must be {"values": [...]}, got an array`,
		},
		{
			name: "timestamp as a float", fields: `,"startTimeUnixNano":1.7053128e18`, repair: "timestamp",
			check: func(t *testing.T, s ptrace.Span) {
				assert.Equal(t, uint64(1705312800000000000), uint64(s.StartTimestamp()))
			},
			strict: `startTimeUnixNano: timestamp "1.7053128e18" is not an integer`,
		},
		{
			name: "timestamp in RFC 3339", fields: `,"endTimeUnixNano":"2024-01-15T10:00:01.5Z"`, repair: "timestamp",
			check: func(t *testing.T, s ptrace.Span) {
				assert.Equal(t, uint64(1705312801500000000), uint64(s.EndTimestamp()))
			},
			strict: `endTimeUnixNano: timestamp "2024-01-15T10:00:01.5Z" is not nanoseconds since the Unix epoch`,
		},
		{
			name: "64-bit trace ID is hashed", fields: `,"parentSpanId":"not-hex"`, repair: "id_hashed",
			check: func(t *testing.T, s ptrace.Span) {
				assert.False(t, s.ParentSpanID().IsEmpty())
				assertAttr(t, s, AttrOriginalParentSpanID, "not-hex")
			},
			strict: `parentSpanId: ID "not-hex" is not 16 hex characters`,
		},
		{
			name: "links with IDs that are not hex", repair: "id_hashed",
			fields: `,"links":[{"traceId":"trace-1","spanId":"span-1","attributes":[{"key":"link.kind","value":{"stringValue":"follows"}}]}]`,
			check: func(t *testing.T, s ptrace.Span) {
				require.Equal(t, 1, s.Links().Len())
				l := s.Links().At(0)
				assert.False(t, l.TraceID().IsEmpty())
				assert.Equal(t, map[string]any{
					"link.kind":         "follows",
					AttrOriginalTraceID: "trace-1",
					AttrOriginalSpanID:  "span-1",
				}, l.Attributes().AsRaw())
			},
			strict: `links[0].traceId: ID "trace-1" is not 32 hex characters`,
		},
		{
			name: "events and snake_case names", repair: "enum",
			fields: `,"kind":"server","events":[{"time_unix_nano":"1705312800500000000","name":"gen_ai.choice","attributes":[{"key":"index","value":{"int_value":"0"}}]}]`,
			check: func(t *testing.T, s ptrace.Span) {
				require.Equal(t, 1, s.Events().Len())
				ev := s.Events().At(0)
				assert.Equal(t, "gen_ai.choice", ev.Name())
				assert.Equal(t, uint64(1705312800500000000), uint64(ev.Timestamp()))
				assert.Equal(t, map[string]any{"index": int64(0)}, ev.Attributes().AsRaw())
			},
			strict: `kind: enum value "server"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := oneSpan(tt.fields)
			res, err := decodeWith(t, true, body)
			require.NoError(t, err)
			assert.Zero(t, res.rejected, res.rejectMessage)
			tt.check(t, firstSpan(t, res.traces))
			assert.Positive(t, repairCount(res.repairs, tt.repair), "repair %q counted", tt.repair)

			_, err = decodeWith(t, false, body)
			require.Error(t, err, "strict mode refuses it")
			assert.Contains(t, err.Error(), tt.strict)
		})
	}
}

func assertAttr(t *testing.T, s ptrace.Span, key string, want any) {
	t.Helper()
	v, ok := s.Attributes().Get(key)
	require.True(t, ok, "attribute %q present", key)
	assert.Equal(t, want, v.AsRaw())
}

func repairCount(c RepairCounts, name string) int {
	for k, n := range c.All() {
		if k == name {
			return n
		}
	}
	return 0
}

func TestIDForms(t *testing.T) {
	raw := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	b64 := base64.StdEncoding.EncodeToString(raw)
	res, err := decodeWith(t, true, strings.Replace(oneSpan(""), `"traceId":"`+traceA+`"`, `"traceId":"`+b64+`"`, 1))
	require.NoError(t, err)
	s := firstSpan(t, res.traces)
	assert.Equal(t, pcommon.TraceID(raw), s.TraceID(), "base64 IDs are decoded, not hashed")
	_, hasOriginal := s.Attributes().Get(AttrOriginalTraceID)
	assert.False(t, hasOriginal)
	assert.Equal(t, 1, repairCount(res.repairs, "id_base64"))

	// Upper-case hex is valid hex: the fast path takes it as it is.
	res, err = decodeWith(t, false, strings.Replace(oneSpan(""), traceA, strings.ToUpper(traceA), 1))
	require.NoError(t, err)
	assert.Equal(t, traceA, firstSpan(t, res.traces).TraceID().String())
}

// TestLegacyScopeSpans: OTLP before 1.0 put spans under
// instrumentationLibrarySpans. pdata reads such a body as one without spans,
// which would be answered as a test connection and lose them.
func TestLegacyScopeSpans(t *testing.T) {
	body := `{"resourceSpans":[{"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"lib","version":"1"},` +
		`"spans":[{"name":"chat","traceId":"` + traceA + `","spanId":"` + spanA + `"}]}]}]}`
	res, err := decodeWith(t, true, body)
	require.NoError(t, err)
	require.Equal(t, 1, res.traces.SpanCount())
	ss := res.traces.ResourceSpans().At(0).ScopeSpans().At(0)
	assert.Equal(t, "lib", ss.Scope().Name())
	assert.Equal(t, "chat", ss.Spans().At(0).Name())

	_, err = decodeWith(t, false, body)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"instrumentationLibrarySpans"`)
}

func TestRejectedSpans(t *testing.T) {
	body := `{"resourceSpans":[{"scopeSpans":[{"spans":[` +
		`{"name":"ok","traceId":"` + traceA + `","spanId":"` + spanA + `"},` +
		`{"name":"attribute not an object","attributes":[5]},` +
		`"not a span",` +
		`{"name":"bad time","endTimeUnixNano":"-5"},` +
		`{"name":"also ok","traceId":"t","spanId":"s","unknownField":{"deep":[1,2,3]}}` +
		`]}]}]}`
	res, err := decodeWith(t, true, body)
	require.NoError(t, err)
	assert.Equal(t, 3, res.rejected)
	assert.Contains(t, res.rejectMessage, `3 span(s) rejected; first: resourceSpans[0].scopeSpans[0].spans[1].attributes[0]: expected an attribute object, got a number`)
	require.Equal(t, 2, res.traces.SpanCount())
	spans := res.traces.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	assert.Equal(t, "ok", spans.At(0).Name())
	assert.Equal(t, "also ok", spans.At(1).Name())

	_, err = decodeWith(t, false, body)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `spans[1].attributes[0]: expected an attribute object, got a number`)
}

func TestFastPathRepairsAttributes(t *testing.T) {
	res, err := decodeWith(t, true, oneSpan(`,"attributes":[`+
		`{"key":"gen_ai.usage.prompt_tokens","value":{"stringValue":"100"}},`+
		`{"key":"gen_ai.usage.cost","value":{"stringValue":"0.25"}},`+
		`{"key":"gen_ai.response.finish_reasons","value":{"stringValue":"[\"stop\"]"}},`+
		`{"key":"trace.metadata.count","value":{"stringValue":"100"}}]`))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"gen_ai.usage.prompt_tokens":     int64(100),
		"gen_ai.usage.cost":              0.25,
		"gen_ai.response.finish_reasons": []any{"stop"},
		"trace.metadata.count":           "100",
	}, firstSpan(t, res.traces).Attributes().AsRaw())
	assert.Equal(t, 2, repairCount(res.repairs, "number_string"))
	assert.Equal(t, 1, repairCount(res.repairs, "finish_reasons"))
}

func TestProtobufBody(t *testing.T) {
	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName("chat")
	s.Attributes().PutStr("gen_ai.usage.prompt_tokens", "9")
	pb, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	res, err := decodeTracesAs(Proto, true, pb)
	require.NoError(t, err)
	assertAttr(t, firstSpan(t, res.traces), "gen_ai.usage.prompt_tokens", int64(9))

	_, err = decodeTracesAs(Proto, true, []byte{0xff, 0xff, 0xff})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "body is not a valid OTLP protobuf ExportTraceServiceRequest")
}

// oneRecord wraps log record fields into a payload with one record.
func oneRecord(fields string) string {
	return `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},` +
		`"scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"traceId":"` + traceA + `","spanId":"` + spanA + `"` + fields + `}]}]}]}`
}

// pdata's decoder skips a field OTLP does not have with json-iterator,
// which parses a number with an exponent as a float64 and refuses the body
// when it is out of range. Strict mode refuses what pdata refuses; lenient
// mode ignores the field.
func TestSkippedNumbersAsPdata(t *testing.T) {
	spans := `"scopeSpans":[{"spans":[{"name":"s"}]}]`
	for _, tc := range []struct {
		body      string
		pdataOK   bool
		badOffset string
	}{
		{`{"resourceSpans":[{"x":1e5,` + spans + `}],"y":[-2.5E-3,12345678901234567890123,0.5]}`, true, ""},
		{`{"resourceSpans":[{"x":1e400,` + spans + `}]}`, false, "23"},
		{`{"resourceSpans":[{` + spans + `,"x":{"y":[1,-1E+309]}}]}`, false, "71"},
		{`{"resourceSpans":[{` + spans + `}],"x":1e-400}`, true, ""},
	} {
		_, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(tc.body))
		require.Equal(t, tc.pdataOK, err == nil, "pdata on %s: %v", tc.body, err)
		_, err = decodeWith(t, false, tc.body)
		if tc.pdataOK {
			require.NoError(t, err, tc.body)
		} else {
			require.ErrorContains(t, err, "the number at byte "+tc.badOffset+", in a field OTLP does not have, is out of range for a float64")
		}
		res, err := decodeWith(t, true, tc.body)
		require.NoError(t, err, tc.body)
		require.Equal(t, 1, res.traces.SpanCount())
	}
}
