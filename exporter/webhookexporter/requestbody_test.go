package webhookexporter

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The body goes back to its pool only once the exporter has released it
// and every reader the transport was given is closed, each counted once.
func TestSharedBodyIsRecycledWhenNothingReadsIt(t *testing.T) {
	var recycled [][]byte
	body := []byte(`{"resourceSpans":[]}`)
	shared := newSharedBody(body, func(b []byte) { recycled = append(recycled, b) })
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", http.NoBody)
	require.NoError(t, err)
	shared.attach(req)
	assert.Equal(t, int64(len(body)), req.ContentLength)

	retry, err := req.GetBody() // as the transport does to resend on a new connection
	require.NoError(t, err)
	got, err := io.ReadAll(retry)
	require.NoError(t, err)
	assert.Equal(t, string(body), string(got), "each reader reads the whole body")

	shared.release() // Client.Do returned
	assert.Empty(t, recycled, "the transport still holds two readers")
	require.NoError(t, req.Body.Close())
	require.NoError(t, req.Body.Close())
	assert.Empty(t, recycled, "closing a reader twice counts once")
	require.NoError(t, retry.Close())
	require.Len(t, recycled, 1)
	assert.Equal(t, &body[0], &recycled[0][0])
}

func TestSharedBodyWithoutBytesOrPool(t *testing.T) {
	recycled := 0
	shared := newSharedBody(nil, func([]byte) { recycled++ })
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", http.NoBody)
	require.NoError(t, err)
	shared.attach(req)
	assert.Equal(t, http.NoBody, req.Body)
	shared.release()
	assert.Equal(t, 1, recycled)

	// Without a pool nothing is handed back.
	shared = newSharedBody([]byte("x"), nil)
	shared.attach(req)
	require.NoError(t, req.Body.Close())
	shared.release()
}

// A server that answers before it has read the body leaves the transport
// writing the body after Client.Do has returned. The next batches are
// written into pooled buffers meanwhile: with the race detector on, a body
// recycled too early is a data race, and a body overwritten while it is
// sent arrives corrupted at the server that reads it.
func TestPooledBodiesAreNotReusedWhileSent(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if n%2 == 0 {
			w.WriteHeader(http.StatusOK) // answer first, leave the body unread
			return
		}
		body, err := io.ReadAll(r.Body)
		if !assert.NoError(t, err) {
			return
		}
		_, err = (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
		assert.NoError(t, err, "a body read whole is OTLP JSON")
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	exp := startExporter(t, testConfig(srv.URL), nopSettings())

	big := strings.Repeat("a long prompt ", 40_000) // larger than the server's discard window
	for i := range 20 {
		td := testTraces(1, 1, 3)
		span := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
		span.Attributes().PutStr("gen_ai.prompt", big[:len(big)-i])
		// The answer to an unread body may arrive as a broken connection;
		// what counts is that no body is corrupted or raced.
		_ = exp.ConsumeTraces(context.Background(), td)
	}
	assert.Positive(t, requests.Load())
}
