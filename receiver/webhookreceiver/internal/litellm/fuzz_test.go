package litellm

import (
	"path/filepath"
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
