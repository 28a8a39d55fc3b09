package helicone

import (
	"bytes"
	"encoding/json"
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

// FuzzDecodeAsReference is the differential judge of the decoder: every
// delivery it accepts, the decoder on encoding/json it replaced
// (reference_test.go) accepted, into the same span and key, and what that
// refused it refuses. The one difference allowed: that decoder accepted an
// object followed by a stray '}' or ']', which is not JSON; this one
// refuses it.
func FuzzDecodeAsReference(f *testing.F) {
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "helicone", "*.json"))
	for _, s := range []string{
		`{"request_id":"r","request_id":"s","x":{"a":[1,2]},"\u0078":true,"model":5,"metadata":[1],"request_body":"{\"messages\":[]} trailing","response_body":{"choices":[]}}`,
		`{"a":1} }`, `{"a":1} {`, `{"request_body":"\ud83d","user_id":"\u00e9"}`, `{"metadata":{"cost":"0.5","latencyMs":12}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gotErr := Decode(body, arrival)
		want, wantErr := refDecode(body, arrival)
		if wantErr == nil && gotErr != nil && !json.Valid(bytes.TrimSpace(body)) {
			return
		}
		require.Equal(t, wantErr == nil, gotErr == nil, "reference: %v, decoder: %v", wantErr, gotErr)
		if wantErr != nil {
			return
		}
		require.Equal(t, want.Key, got.Key)
		ws := want.Traces.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
		gs := got.Traces.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
		// The reference put unknown fields in the order of a map's range.
		require.Equal(t, ws.Attributes().AsRaw(), gs.Attributes().AsRaw())
		ws.Attributes().Clear()
		gs.Attributes().Clear()
		m := ptrace.ProtoMarshaler{}
		wantPB, err := m.MarshalTraces(want.Traces)
		require.NoError(t, err)
		gotPB, err := m.MarshalTraces(got.Traces)
		require.NoError(t, err)
		require.Equal(t, wantPB, gotPB)
	})
}
