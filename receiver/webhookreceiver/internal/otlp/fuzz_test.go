package otlp

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

var emptyKey = regexp.MustCompile(`""\s*:`)

func addBroadcastSeeds(f *testing.F) {
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "broadcast", "*.json"))
	f.Add([]byte(oneSpan(`,"kind":"client","attributes":{"a":[1,{"b":null}]},"links":[{"traceId":"x"}]`)))
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"n","value":{"intValue":"1e400"}}]}}}]}]}]}]}`))
	f.Add([]byte("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"\xff\"}]}]}]}"))
}

// differential is what the fuzz targets need of a signal.
type differential[T any] struct {
	decode    func(Encoding, []byte, bool) (T, Result, error)
	count     func(T) int
	normalize func(*normalizer, []byte) ([]byte, error)
	fromJSON  func([]byte) (T, error)
	toProto   func(T) ([]byte, error)
	compare   func(want, got T) error
	// legacy is a key pdata does not read and the normalizer does.
	legacy []byte
}

// fuzzDecode checks that no body crashes the decoder, and that the
// normalizer is faithful: on a body pdata reads as it is, the normalized body
// must decode to the same data.
func fuzzDecode[T any](t *testing.T, d differential[T], body []byte) {
	ldata, _, lerr := d.decode(JSON, body, true)
	sdata, _, serr := d.decode(JSON, body, false)
	if serr == nil {
		require.NoError(t, lerr, "lenient mode accepts what strict mode accepts")
		require.Equal(t, d.count(sdata), d.count(ldata))
	}
	if lerr == nil {
		// Whatever was accepted must survive the pipeline's own encoding.
		_, err := d.toProto(ldata)
		require.NoError(t, err)
	}

	bad, deep := scanJSON(body, MaxJSONDepth)
	// pdata's decoder reads an empty object key as the end of the object,
	// so it is no reference for bodies that have one.
	// Nor does it read the pre-1.0 names the normalizer reads.
	if bad >= 0 || deep >= 0 || !json.Valid(body) || emptyKey.Match(body) || bytes.Contains(body, d.legacy) {
		return
	}
	want, err := d.fromJSON(body)
	if err != nil {
		return
	}
	var repairs RepairCounts
	canonical, err := d.normalize(newNormalizer(false, &repairs), body)
	require.NoError(t, err, "normalizer refused a body pdata reads")
	got, err := d.fromJSON(canonical)
	require.NoError(t, err, "pdata refused the normalized body: %s", canonical)
	// NaN never equals itself, so compare the encodings first: identical
	// bytes are identical data, NaN attributes included.
	wantProto, err := d.toProto(want)
	require.NoError(t, err)
	gotProto, err := d.toProto(got)
	require.NoError(t, err)
	if !bytes.Equal(wantProto, gotProto) {
		require.NoError(t, d.compare(want, got))
	}
}

var tracesDifferential = differential[ptrace.Traces]{
	decode:    DecodeTraces,
	count:     ptrace.Traces.SpanCount,
	normalize: (*normalizer).normalizeTraces,
	fromJSON:  (&ptrace.JSONUnmarshaler{}).UnmarshalTraces,
	toProto:   (&ptrace.ProtoMarshaler{}).MarshalTraces,
	compare:   func(want, got ptrace.Traces) error { return ptracetest.CompareTraces(want, got) },
	legacy:    []byte(`"instrumentationLibrary`),
}

var logsDifferential = differential[plog.Logs]{
	decode:    DecodeLogs,
	count:     plog.Logs.LogRecordCount,
	normalize: (*normalizer).normalizeLogs,
	fromJSON:  (&plog.JSONUnmarshaler{}).UnmarshalLogs,
	toProto:   (&plog.ProtoMarshaler{}).MarshalLogs,
	compare:   func(want, got plog.Logs) error { return plogtest.CompareLogs(want, got) },
	legacy:    []byte(`"instrumentationLibrary`),
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
	f.Fuzz(func(t *testing.T, body []byte) { fuzzDecode(t, logsDifferential, body) })
}
