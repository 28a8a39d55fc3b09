package webhookreceiver

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var emptyKey = regexp.MustCompile(`""\s*:`)

func addBroadcastSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "broadcast", "*.json"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(oneSpan(`,"kind":"client","attributes":{"a":[1,{"b":null}]},"links":[{"traceId":"x"}]`)))
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"n","value":{"intValue":"1e400"}}]}}}]}]}]}]}`))
	f.Add([]byte("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"\xff\"}]}]}]}"))
}

// FuzzDecode checks that no body crashes the decoder, and that the
// normalizer is faithful: on a body pdata reads as it is, the normalized body
// must decode to the same traces.
func FuzzDecode(f *testing.F) {
	addBroadcastSeeds(f)
	lenient := &webhookReceiver{cfg: &Config{Lenient: true}}
	strict := &webhookReceiver{cfg: &Config{Lenient: false}}
	f.Fuzz(func(t *testing.T, body []byte) {
		lres, lerr := lenient.decode(formatJSON, body)
		sres, serr := strict.decode(formatJSON, body)
		if serr == nil {
			require.NoError(t, lerr, "lenient mode accepts what strict mode accepts")
			require.Equal(t, sres.traces.SpanCount(), lres.traces.SpanCount())
		}
		if lerr == nil {
			// Whatever was accepted must survive the pipeline's own encoding.
			_, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(lres.traces)
			require.NoError(t, err)
		}

		bad, deep := scanJSON(body, maxJSONDepth)
		// pdata's decoder reads an empty object key as the end of the object,
		// so it is no reference for bodies that have one.
		// Nor does it read the pre-1.0 names the normalizer reads.
		if bad >= 0 || deep >= 0 || !json.Valid(body) || emptyKey.Match(body) ||
			bytes.Contains(body, []byte(`"instrumentationLibrary`)) {
			return
		}
		want, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
		if err != nil {
			return
		}
		var repairs repairCounts
		canonical, err := newNormalizer(false, &repairs).normalize(body)
		require.NoError(t, err, "normalizer refused a body pdata reads")
		got, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(canonical)
		require.NoError(t, err, "pdata refused the normalized body: %s", canonical)
		// NaN never equals itself, so compare the encodings first: identical
		// bytes are identical traces, NaN attributes included.
		wantProto, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(want)
		require.NoError(t, err)
		gotProto, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(got)
		require.NoError(t, err)
		if !bytes.Equal(wantProto, gotProto) {
			require.NoError(t, ptracetest.CompareTraces(want, got))
		}
	})
}
