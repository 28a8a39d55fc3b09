package webhookexporter

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// regroup concatenates batches and merges neighbouring resources and scopes
// that are equal, undoing a split.
func regroup(batches ...ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	for _, td := range batches {
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			var rsOut ptrace.ResourceSpans
			merged := false
			if n := out.ResourceSpans().Len(); n > 0 {
				last := out.ResourceSpans().At(n - 1)
				if last.SchemaUrl() == rs.SchemaUrl() && reflect.DeepEqual(last.Resource().Attributes().AsRaw(), rs.Resource().Attributes().AsRaw()) {
					rsOut, merged = last, true
				}
			}
			if !merged {
				rsOut = out.ResourceSpans().AppendEmpty()
				rs.Resource().CopyTo(rsOut.Resource())
				rsOut.SetSchemaUrl(rs.SchemaUrl())
			}
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				ss := rs.ScopeSpans().At(j)
				var ssOut ptrace.ScopeSpans
				mergedScope := false
				if n := rsOut.ScopeSpans().Len(); n > 0 {
					last := rsOut.ScopeSpans().At(n - 1)
					if last.SchemaUrl() == ss.SchemaUrl() && last.Scope().Name() == ss.Scope().Name() && last.Scope().Version() == ss.Scope().Version() {
						ssOut, mergedScope = last, true
					}
				}
				if !mergedScope {
					ssOut = rsOut.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(ssOut.Scope())
					ssOut.SetSchemaUrl(ss.SchemaUrl())
				}
				for k := 0; k < ss.Spans().Len(); k++ {
					ss.Spans().At(k).CopyTo(ssOut.Spans().AppendEmpty())
				}
			}
		}
	}
	return out
}

func decodeAll(t *testing.T, reqs []recordedRequest, u ptrace.Unmarshaler) []ptrace.Traces {
	t.Helper()
	out := make([]ptrace.Traces, 0, len(reqs))
	for _, r := range reqs {
		td, err := u.UnmarshalTraces(r.Body)
		require.NoError(t, err)
		out = append(out, td)
	}
	return out
}

func bodySize(t *testing.T, m ptrace.Marshaler, td ptrace.Traces) int {
	t.Helper()
	b, err := m.MarshalTraces(td)
	require.NoError(t, err)
	return len(b)
}

func TestSplitBySize(t *testing.T) {
	for _, enc := range []struct {
		encoding Encoding
		m        ptrace.Marshaler
		u        ptrace.Unmarshaler
	}{
		{EncodingJSON, &ptrace.JSONMarshaler{}, &ptrace.JSONUnmarshaler{}},
		{EncodingProto, &ptrace.ProtoMarshaler{}, &ptrace.ProtoUnmarshaler{}},
	} {
		t.Run(string(enc.encoding), func(t *testing.T) {
			srv := newTestServer(t, statuses(http.StatusOK))
			td := testTraces(3, 2, 10)
			limit := bodySize(t, enc.m, td) / 6
			cfg := testConfig(srv.URL)
			cfg.Encoding = enc.encoding
			cfg.MaxRequestBodySize = limit
			exp := startExporter(t, cfg, nopSettings())

			input := cloneTraces(td)
			require.NoError(t, exp.ConsumeTraces(t.Context(), td))

			reqs := srv.requests()
			require.GreaterOrEqual(t, len(reqs), 6)
			for i, r := range reqs {
				assert.LessOrEqual(t, len(r.Body), limit, "request %d", i)
			}
			got := regroup(decodeAll(t, reqs, enc.u)...)
			assert.Equal(t, input.SpanCount(), got.SpanCount())
			require.NoError(t, ptracetest.CompareTraces(input, got))
		})
	}
}

func TestSplitOversizeSpanIsDroppedAndNamed(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	td := testTraces(1, 1, 6)
	big := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(2)
	big.SetName("huge completion")
	big.Attributes().PutStr("payload", strings.Repeat("x", 5000))
	cfg := testConfig(srv.URL)
	cfg.MaxRequestBodySize = 2000
	exp := startExporter(t, cfg, nopSettings())

	err := exp.ConsumeTraces(t.Context(), td)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), `span "huge completion"`)
	assert.Contains(t, err.Error(), big.TraceID().String())
	assert.Contains(t, err.Error(), big.SpanID().String())
	assert.Contains(t, err.Error(), "max_request_body_size of 2000 bytes")

	reqs := srv.requests()
	require.NotEmpty(t, reqs)
	got := regroup(decodeAll(t, reqs, &ptrace.JSONUnmarshaler{})...)
	assert.Equal(t, 5, got.SpanCount(), "the other spans are sent")
	for i, r := range reqs {
		assert.LessOrEqual(t, len(r.Body), 2000, "request %d", i)
		assert.NotContains(t, string(r.Body), "huge completion")
	}
}

func TestSplitPermanentChunkFailureDoesNotStopOthers(t *testing.T) {
	srv := newTestServer(t, func(i int, _ recordedRequest, w http.ResponseWriter) {
		if i == 1 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte("chunk refused"))
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	td := testTraces(1, 1, 12)
	cfg := testConfig(srv.URL)
	cfg.MaxRequestBodySize = bodySize(t, &ptrace.JSONMarshaler{}, td) / 4
	exp := startExporter(t, cfg, nopSettings())

	err := exp.ConsumeTraces(t.Context(), td)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), "chunk refused")
	reqs := srv.requests()
	require.GreaterOrEqual(t, len(reqs), 4)
	sent := 0
	for i, td := range decodeAll(t, reqs, &ptrace.JSONUnmarshaler{}) {
		if i != 1 {
			sent += td.SpanCount()
		}
	}
	refused, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(reqs[1].Body)
	require.NoError(t, err)
	assert.Equal(t, 12, sent+refused.SpanCount(), "every chunk after the refused one is sent")
}

func TestSplitRetryResendsFailedChunkWithSameID(t *testing.T) {
	srv := newTestServer(t, func(i int, _ recordedRequest, w http.ResponseWriter) {
		if i == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	td := testTraces(2, 1, 10)
	cfg := testConfig(srv.URL)
	cfg.MaxRequestBodySize = bodySize(t, &ptrace.JSONMarshaler{}, td) / 4
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp := startExporter(t, cfg, nopSettings())

	input := cloneTraces(td)
	require.NoError(t, exp.ConsumeTraces(t.Context(), td))

	reqs := srv.requests()
	require.GreaterOrEqual(t, len(reqs), 5)
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		ids[i] = r.Header.Get(signature.HeaderWebhookID)
		assert.Equal(t, signature.DeliveryID(r.Body), ids[i])
	}
	assert.Equal(t, ids[1], ids[2], "the failed chunk is retried with its webhook-id")
	assert.Equal(t, reqs[1].Body, reqs[2].Body, "the failed chunk is retried with the same bytes")
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
	}
	assert.Len(t, seen, len(reqs)-1, "only the failed chunk was sent twice")
	assert.Equal(t, 1, seen[ids[0]], "the chunk accepted before the failure is not sent again")

	// Delivered once each (dropping the refused attempt), the chunks are the input.
	delivered := append([]recordedRequest{reqs[0]}, reqs[2:]...)
	require.NoError(t, ptracetest.CompareTraces(input, regroup(decodeAll(t, delivered, &ptrace.JSONUnmarshaler{})...)))
}

func TestSplitterIsStableFromAnyChunk(t *testing.T) {
	td := testTraces(3, 2, 7)
	enc := otlp.NewJSON()
	limit := bodySize(t, &ptrace.JSONMarshaler{}, td) / 7
	newTracesSplitter := func(td ptrace.Traces) (*splitter, *encoding.Traces) {
		items := encoding.NewTraces(td)
		return newSplitter(items, enc.Traces(items), limit, 0), items
	}

	all := func(s *splitter) []chunk {
		var out []chunk
		for !s.done() {
			c, err := s.next()
			require.NoError(t, err)
			require.LessOrEqual(t, len(c.body), limit)
			out = append(out, c)
		}
		return out
	}
	s, items := newTracesSplitter(td)
	chunks := all(s)
	require.Greater(t, len(chunks), 6)
	for k, c := range chunks {
		rest, _ := newTracesSplitter(items.Slice(c.start, items.Len()))
		restChunks := all(rest)
		require.Len(t, restChunks, len(chunks)-k)
		for i := range restChunks {
			assert.Equal(t, string(chunks[k+i].body), string(restChunks[i].body), "chunk %d re-split from chunk %d", k+i, k)
		}
	}
	// Each chunk is as long as possible: one more span would not fit.
	for _, c := range chunks[:len(chunks)-1] {
		body, err := s.batch.Encode(c.start, c.end+1)
		require.NoError(t, err)
		assert.Greater(t, len(body), limit)
	}
}
