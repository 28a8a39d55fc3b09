package otlpjson

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// codec is what the checks need of one signal: our writer and pdata's
// marshalers.
type codec[T any] struct {
	write     func([]byte, T) []byte
	pdataJSON func(T) ([]byte, error)
	fromJSON  func([]byte) (T, error)
	proto     func(T) ([]byte, error)
}

var (
	tracesCodec = codec[ptrace.Traces]{
		write:     AppendTraces,
		pdataJSON: (&ptrace.JSONMarshaler{}).MarshalTraces,
		fromJSON:  (&ptrace.JSONUnmarshaler{}).UnmarshalTraces,
		proto:     (&ptrace.ProtoMarshaler{}).MarshalTraces,
	}
	logsCodec = codec[plog.Logs]{
		write:     AppendLogs,
		pdataJSON: (&plog.JSONMarshaler{}).MarshalLogs,
		fromJSON:  (&plog.JSONUnmarshaler{}).UnmarshalLogs,
		proto:     (&plog.ProtoMarshaler{}).MarshalLogs,
	}
	metricsCodec = codec[pmetric.Metrics]{
		write:     AppendMetrics,
		pdataJSON: (&pmetric.JSONMarshaler{}).MarshalMetrics,
		fromJSON:  (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics,
		proto:     (&pmetric.ProtoMarshaler{}).MarshalMetrics,
	}
)

// checkRoundTrip writes in and checks that the output is valid JSON in
// UTF-8, that pdata's JSON unmarshaler reads it back to want (compared as
// protobuf, so every field counts, NaN included), that writing after other
// bytes leaves them alone, and, when exact, that the output is what pdata's
// own JSON marshaler writes for in, byte for byte.
func checkRoundTrip[T any](t testing.TB, c codec[T], in, want T, exact bool) []byte {
	t.Helper()
	got := c.write(nil, in)
	require.True(t, json.Valid(got), "not valid JSON: %s", got)
	require.True(t, utf8.Valid(got), "not UTF-8: %q", got)

	back, err := c.fromJSON(got)
	require.NoError(t, err, "pdata cannot read %s", got)
	wantProto, err := c.proto(want)
	require.NoError(t, err)
	gotProto, err := c.proto(back)
	require.NoError(t, err)
	if !bytes.Equal(wantProto, gotProto) {
		wantJSON, _ := c.pdataJSON(want)
		backJSON, _ := c.pdataJSON(back)
		t.Fatalf("round trip changed the data\nwrote: %s\nwant (pdata): %s\ngot (pdata):  %s", got, wantJSON, backJSON)
	}

	prefixed := c.write([]byte("prefix"), in)
	require.Equal(t, "prefix"+string(got), string(prefixed), "writing after other bytes")

	if exact {
		pdataOut, err := c.pdataJSON(in)
		require.NoError(t, err)
		require.Equal(t, string(pdataOut), string(got), "not what pdata's JSON marshaler writes")
	}
	return got
}

// checkTraces, checkLogs and checkMetrics check data that reads back to
// itself and that pdata writes the same way.
func checkTraces(t testing.TB, td ptrace.Traces) []byte {
	t.Helper()
	return checkRoundTrip(t, tracesCodec, td, td, true)
}

func checkLogs(t testing.TB, ld plog.Logs) []byte {
	t.Helper()
	return checkRoundTrip(t, logsCodec, ld, ld, true)
}

func checkMetrics(t testing.TB, md pmetric.Metrics) []byte {
	t.Helper()
	return checkRoundTrip(t, metricsCodec, md, md, true)
}
