package litellm

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// FuzzDecode checks that no body crashes the decoder and that what it
// accepts is one span per dedup key, each with IDs and a name, encodable by
// the pipeline; the alert decoder is held to the same on the same bodies.
func FuzzDecode(f *testing.F) {
	dir := filepath.Join("..", "..", "..", "..", "testdata", "litellm")
	harness.SeedCorpus(f, filepath.Join(dir, "*.json"))
	harness.SeedCorpus(f, filepath.Join(dir, "*.ndjson"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if c, err := Decode(body, arrival); err == nil {
			require.Equal(t, len(c.Keys), c.Traces.SpanCount())
			spans := c.Traces.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
			for i := 0; i < spans.Len(); i++ {
				s := spans.At(i)
				require.False(t, s.TraceID().IsEmpty())
				require.False(t, s.SpanID().IsEmpty())
				require.NotEmpty(t, s.Name())
				require.NotEmpty(t, c.Keys[i])
			}
			_, err = (&ptrace.ProtoMarshaler{}).MarshalTraces(c.Traces)
			require.NoError(t, err)
		}
		if a, err := DecodeAlert(body, arrival); err == nil {
			require.Equal(t, 1, a.Logs.LogRecordCount())
			require.NotEmpty(t, a.Key)
			_, err = (&plog.ProtoMarshaler{}).MarshalLogs(a.Logs)
			require.NoError(t, err)
		}
	})
}

// FuzzDecodeAsReference is the differential judge of the decoder: every
// body it accepts, the decoder on encoding/json it replaced (reference_test.go)
// accepts too, into the same spans, attributes in the same order, and the
// same keys; what one refuses the other refuses, and but for syntax errors
// (whose words and offsets are the tokenizer's) with the same message.
func FuzzDecodeAsReference(f *testing.F) {
	dir := filepath.Join("..", "..", "..", "..", "testdata", "litellm")
	harness.SeedCorpus(f, filepath.Join(dir, "*.json"))
	harness.SeedCorpus(f, filepath.Join(dir, "*.ndjson"))
	for _, s := range []string{
		`{"a":1,"a":{"x":2},"metadata":{"b":1,"b":[2]},"metadata":{"c":null}}`,
		`[{"model_map_information":{"model_map_value":{"z":1,"a":"<&>"},"k":"v"}}, {"id":"x\u00e9","messages":[{"role":"user","content":"hi"}],"response":{"id":"r","choices":[]}}]`,
		"{\"id\":\"\xff\",\"\xfe\":1}\n{\"prompt_tokens\":12.0}",
		`{"startTime":"2025-01-24 09:20:46.847371","endTime":1737710448.1e0,"cache_hit":true,"request_tags":["a",null]}`,
		`{"prompt_tokens":1.5x}`, `[{}] ]`, `{} 5`, `{"metadata":{"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}`,
	} {
		f.Add([]byte(s))
	}
	m := ptrace.ProtoMarshaler{}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gotErr := Decode(body, arrival)
		want, wantErr := refDecode(body, arrival)
		require.Equal(t, wantErr == nil, gotErr == nil, "reference: %v, decoder: %v", wantErr, gotErr)
		if wantErr != nil {
			if !strings.HasPrefix(wantErr.Error(), "body is not valid JSON") && !strings.HasPrefix(gotErr.Error(), "body is not valid JSON") {
				require.Equal(t, wantErr.Error(), gotErr.Error())
			}
			return
		}
		require.Equal(t, want.Keys, got.Keys)
		wantPB, err := m.MarshalTraces(want.Traces)
		require.NoError(t, err)
		gotPB, err := m.MarshalTraces(got.Traces)
		require.NoError(t, err)
		require.Equal(t, wantPB, gotPB)
	})
}
