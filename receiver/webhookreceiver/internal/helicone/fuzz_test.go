package helicone

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// FuzzDecode checks that no body crashes the decoder and that every JSON
// object it accepts becomes exactly one span with IDs and a dedup key,
// encodable by the pipeline.
func FuzzDecode(f *testing.F) {
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "helicone", "*.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := Decode(body, arrival)
		if err != nil {
			return
		}
		require.Equal(t, 1, d.Traces.SpanCount())
		require.NotEmpty(t, d.Key)
		span := d.Traces.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
		require.False(t, span.TraceID().IsEmpty())
		require.False(t, span.SpanID().IsEmpty())
		require.NotEmpty(t, span.Name())
		_, err = (&ptrace.ProtoMarshaler{}).MarshalTraces(d.Traces)
		require.NoError(t, err)
	})
}
