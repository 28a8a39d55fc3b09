package otlp

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// pdata's decoder reads an empty object key as the end of the object, so
// it is no reference for bodies that have one.
var emptyKey = regexp.MustCompile(`""\s*:`)

func addBroadcastSeeds(f *testing.F) {
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "broadcast", "*.json"))
	f.Add([]byte(oneSpan(`,"kind":"client","attributes":{"a":[1,{"b":null}]},"links":[{"traceId":"x"}]`)))
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"n","value":{"intValue":"1e400"}}]}}}]}]}]}]}`))
	f.Add([]byte("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"\xff\"}]}]}]}"))
	for _, fields := range []string{
		// Repeated attribute keys, at the top and in a kvlist.
		attrs(`{"key":"a","value":{"intValue":"1"}},{"key":"a","value":{"stringValue":"2"}}`),
		attrs(`{"key":"m","value":{"kvlistValue":{"values":[{"key":"x"},{"key":"x","value":{"boolValue":true}}]}}}`),
		// String-table indexes, which the public API does not build.
		attrs(`{"key":"s","keyStrindex":3,"value":{"stringValueStrindex":"7"}}`),
		// Numbers json-iterator reads wrapped around, and at the limits.
		`,"startTimeUnixNano":50000000000000000000,"flags":5000000000,"droppedLinksCount":"4294967295"` + attrs(`{"key":"i","value":{"intValue":-9223372036854775808}}`),
		`,"kind":99,"status":{"code":-7}`,
		// Surrogates as json-iterator reads them, escaped keys.
		`,"name":"\uD800\uD800\uDC00 \uDE00x \uD83D\uDE00","\u006eame2":1,"trace\u0053tate":"k=v"` + attrs(`{"\u006bey":"gen_ai.usage.cost","value":{"stringValue":" 0.5 "}}`),
		// Bytes, doubles as strings, finish reasons.
		attrs(`{"key":"b","value":{"bytesValue":"aGk="}},{"key":"e","value":{"bytesValue":""}},{"key":"n","value":{"doubleValue":"-Infinity"}},{"key":"gen_ai.response.finish_reasons","value":{"stringValue":"[\"stop\"]"}}`),
	} {
		f.Add([]byte(oneSpan(fields)))
	}
	f.Add([]byte(`{"resourceSpans":[{"deprecatedScopeSpans":[{"spans":[{"name":"old"}]}]},{"scopeSpans":[],"deprecated_scope_spans":[{"spans":[{"name":"dropped"}]}]}]}`))
	f.Add([]byte(`{"resourceSpans":[{"resource":{"entityRefs":[{"type":"service","idKeys":["service.name",null],"descriptionKeys":[]},null],"droppedAttributesCount":"2"}}]}`))
	f.Add([]byte(`{"event":"test","data":"hello world"}`))
	// A number json-iterator refuses to skip, and one it skips.
	f.Add([]byte(`{"resourceSpans":[{"x":[1e400],"scopeSpans":[{"spans":[{"name":"s","y":{"z":-1E-400}}]}]}]}`))
}

func attrs(list string) string { return `,"attributes":[` + list + `]` }

// differential is what the fuzz targets need of a signal.
type differential[T any] struct {
	decode   func(Encoding, []byte, bool) (T, Result, error)
	count    func(T) int
	fromJSON func([]byte) (T, error)
	toProto  func(T) ([]byte, error)
	repair   func(T, *RepairCounts)
	diff     func(want, got T) string
	otlpKeys []string
	keys     func(T) []SpanKey
	// legacy is a key pdata does not read and the decoder does.
	legacy []byte
}

// fuzzDecode checks that no body crashes the decoder, and that it gives
// what pdata's decoder gives for every body pdata reads: strict mode
// exactly that, lenient mode that after the lenient walk over attributes.
// Strict mode refuses every body pdata refuses.
func fuzzDecode[T any](t *testing.T, d differential[T], body []byte) {
	ldata, lres, lerr := d.decode(JSON, body, true)
	sdata, sres, serr := d.decode(JSON, body, false)
	if serr == nil {
		require.NoError(t, lerr, "lenient mode accepts what strict mode accepts")
		require.Equal(t, d.count(sdata), d.count(ldata))
	}
	if lerr == nil {
		// Whatever was accepted must survive the pipeline's own encoding.
		_, err := d.toProto(ldata)
		require.NoError(t, err)
		if d.keys != nil {
			if want := d.keys(ldata); len(want)+len(lres.SpanKeys) > 0 {
				require.Equal(t, want, lres.SpanKeys, "a key for every span, in order")
			}
		}
	}
	if !json.Valid(body) || jsontok.Valid(body, MaxJSONDepth) != nil {
		require.Error(t, lerr)
		require.Error(t, serr)
		return
	}
	if emptyKey.Match(body) || bytes.Contains(body, d.legacy) {
		return
	}
	ref := body
	if !utf8.Valid(body) {
		require.ErrorContains(t, serr, "is not valid UTF-8")
		// Lenient mode reads it as pdata reads the body made valid.
		ref = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	want, err := d.fromJSON(ref)
	if err != nil {
		require.Error(t, serr, "strict mode accepted a body pdata refuses: %v", err)
		return
	}
	if notOTLPBody(ref, d.otlpKeys) {
		require.ErrorContains(t, lerr, "body is not OTLP")
		if utf8.Valid(body) {
			require.ErrorContains(t, serr, "body is not OTLP")
		}
		return
	}
	if utf8.Valid(body) {
		require.NoError(t, serr, "strict mode refused a body pdata reads")
		require.Empty(t, d.diff(want, sdata), "strict mode")
		require.Zero(t, sres.Rejected)
	}
	require.NoError(t, lerr, "lenient mode refused a body pdata reads")
	require.Zero(t, lres.Rejected)
	d.repair(want, new(RepairCounts))
	require.Empty(t, d.diff(want, ldata), "lenient mode")
}

// notOTLPBody reports whether body is an object with fields but none of
// keys.
func notOTLPBody(body []byte, keys []string) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil || len(top) == 0 {
		return false
	}
	for _, k := range keys {
		if _, ok := top[k]; ok {
			return false
		}
	}
	return true
}

var tracesDifferential = differential[ptrace.Traces]{
	decode:   DecodeTraces,
	count:    ptrace.Traces.SpanCount,
	fromJSON: (&ptrace.JSONUnmarshaler{}).UnmarshalTraces,
	toProto:  (&ptrace.ProtoMarshaler{}).MarshalTraces,
	repair:   repairSpanAttributes,
	diff:     diffTraces,
	otlpKeys: []string{"resourceSpans", "resource_spans"},
	keys:     func(td ptrace.Traces) []SpanKey { return appendSpanKeys(nil, td) },
	legacy:   []byte(`"instrumentationLibrary`),
}

var logsDifferential = differential[plog.Logs]{
	decode:   DecodeLogs,
	count:    plog.Logs.LogRecordCount,
	fromJSON: (&plog.JSONUnmarshaler{}).UnmarshalLogs,
	toProto:  (&plog.ProtoMarshaler{}).MarshalLogs,
	repair:   repairLogAttributes,
	diff:     diffLogs,
	otlpKeys: []string{"resourceLogs", "resource_logs"},
	legacy:   []byte(`"instrumentationLibrary`),
}

// FuzzDecode is the differential test of the traces decoder.
func FuzzDecode(f *testing.F) {
	addBroadcastSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) { fuzzDecode(t, tracesDifferential, body) })
}

// FuzzDecodeLogs is the differential test of the logs decoder.
func FuzzDecodeLogs(f *testing.F) {
	f.Add([]byte(oneRecord(`,"severityNumber":"SEVERITY_NUMBER_WARN","body":{"stringValue":"credit low"},"attributes":[{"key":"gen_ai.usage.input_tokens","value":{"stringValue":"12"}}]`)))
	f.Add([]byte(oneRecord(`,"severityNumber":"warn","body":"plain","attributes":{"a":1},"traceId":"abc123...","timeUnixNano":1.7e18`)))
	f.Add([]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{"values":[{"key":"k","value":{"intValue":"1"}}]}},"body":{}}]}]}]}`))
	f.Add([]byte(`{"resourceLogs":[{"deprecatedScopeLogs":[{"logRecords":[{"eventName":"e"}]}]}]}`))
	f.Add([]byte(oneRecord(`,"severityNumber":"SEVERITY_NUMBER_TRACE ","body":{"arrayValue":{"values":[{"stringValue":"a"},null]}},"body":{"boolValue":true},"flags":"3","observedTimeUnixNano":"17"`)))
	f.Add([]byte(oneRecord(`,"body":{"stringValueStrindex":1},"attributes":[{"key":"a"},{"key":"a"}]`)))
	f.Fuzz(func(t *testing.T, body []byte) { fuzzDecode(t, logsDifferential, body) })
}
