package webhookexporter

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// encodedSize is the size of d's body with the OTLP encoding enc.
func encodedSize[D any](t *testing.T, s signal[D], enc Encoding, d D) int {
	t.Helper()
	b, err := s.marshal[enc](d)
	require.NoError(t, err)
	return len(b)
}

func TestSplitBySize(t *testing.T) {
	allSignals(t, testSplitBySize, testSplitBySize, testSplitBySize)
}

func testSplitBySize[D any](t *testing.T, s signal[D]) {
	for _, enc := range []Encoding{EncodingJSON, EncodingProto} {
		t.Run(string(enc), func(t *testing.T) {
			srv := newTestServer(t, statuses(http.StatusOK))
			data := s.data(3, 2, 10)
			limit := encodedSize(t, s, enc, data) / 6
			cfg := testConfig(srv.URL)
			cfg.Encoding = enc
			cfg.MaxRequestBodySize = limit
			exp := startSignal(t, s, cfg, nopSettings())

			input := s.clone(data)
			require.NoError(t, exp.consume(t.Context(), data))

			reqs := srv.requests()
			require.GreaterOrEqual(t, len(reqs), 6)
			for i, r := range reqs {
				assert.LessOrEqual(t, len(r.Body), limit, "request %d", i)
			}
			requireSameItems(t, s, input, decodeBodies(t, s, enc, reqs)...)
		})
	}
}

func TestSplitOversizeItemIsDroppedAndNamed(t *testing.T) {
	allSignals(t, testSplitOversizeItemIsDroppedAndNamed, testSplitOversizeItemIsDroppedAndNamed, testSplitOversizeItemIsDroppedAndNamed)
}

func testSplitOversizeItemIsDroppedAndNamed[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	data := s.data(1, 1, 6)
	s.items(data)[2].attributes.PutStr("payload", "HUGE-"+strings.Repeat("x", 5000))
	cfg := testConfig(srv.URL)
	cfg.MaxRequestBodySize = 2000
	exp := startSignal(t, s, cfg, nopSettings())

	named := s.named(data, 2)
	err := exp.consume(t.Context(), data)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	for _, name := range named {
		assert.Contains(t, err.Error(), name)
	}
	assert.Contains(t, err.Error(), "max_request_body_size of 2000 bytes")

	reqs := srv.requests()
	require.NotEmpty(t, reqs)
	sent := 0
	for _, d := range decodeBodies(t, s, EncodingJSON, reqs) {
		sent += s.count(d)
	}
	assert.Equal(t, 5, sent, "the other items are sent")
	for i, r := range reqs {
		assert.LessOrEqual(t, len(r.Body), 2000, "request %d", i)
		assert.NotContains(t, string(r.Body), "HUGE-")
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
	s := tracesSignal
	td := s.data(1, 1, 12)
	cfg := testConfig(srv.URL)
	cfg.MaxRequestBodySize = encodedSize(t, s, EncodingJSON, td) / 4
	exp := startSignal(t, s, cfg, nopSettings())

	err := exp.consume(t.Context(), td)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), "chunk refused")
	reqs := srv.requests()
	require.GreaterOrEqual(t, len(reqs), 4)
	total := 0
	for _, d := range decodeBodies(t, s, EncodingJSON, reqs) {
		total += d.SpanCount()
	}
	assert.Equal(t, 12, total, "every chunk after the refused one is sent")
}

func TestSplitRetryResendsFailedChunkWithSameID(t *testing.T) {
	allSignals(t, testSplitRetryResendsFailedChunkWithSameID, testSplitRetryResendsFailedChunkWithSameID, testSplitRetryResendsFailedChunkWithSameID)
}

func testSplitRetryResendsFailedChunkWithSameID[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, func(i int, _ recordedRequest, w http.ResponseWriter) {
		if i == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	data := s.data(2, 1, 10)
	cfg := testConfig(srv.URL)
	cfg.MaxRequestBodySize = encodedSize(t, s, EncodingJSON, data) / 4
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp := startSignal(t, s, cfg, nopSettings())

	input := s.clone(data)
	require.NoError(t, exp.consume(t.Context(), data))

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
	requireSameItems(t, s, input, decodeBodies(t, s, EncodingJSON, delivered)...)
}
