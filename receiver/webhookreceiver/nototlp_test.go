package webhookreceiver

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A JSON object without any OTLP field is another sender's webhook: pdata
// would read it as a request without data, and it would be answered as a
// test connection and lost. It is refused, in both modes, on both paths,
// and counted as refused.
func TestNotOTLPBodiesAreRefused(t *testing.T) {
	const message = `body is not OTLP: top-level fields "data", "event"; other webhook senders need a route under "webhooks"`
	for _, lenient := range []bool{true, false} {
		env := startBoth(t, func(c *Config) { c.Lenient = lenient })
		for _, path := range []string{"/v1/traces", "/v1/logs"} {
			resp := env.do(http.MethodPost, path, []byte(`{"event":"test","data":"hello world","event":"again"}`), "Content-Type", "application/json")
			require.Equal(t, http.StatusBadRequest, resp.status, "lenient %v, %s: %s", lenient, path, resp.body)
			assert.Equal(t, message, gjson(t, resp.body, "message"))
		}
		resp := env.do(http.MethodPost, "/v1/logs", tracesJSON(t, [2]string{traceA, spanA}), "Content-Type", "application/json")
		require.Equal(t, http.StatusBadRequest, resp.status)
		assert.Contains(t, resp.body, `body is not OTLP logs: it has \"resourceSpans\", the field of OTLP traces`)

		// The request is counted as refused, with the items known: none.
		_, err := env.tel.GetMetric(metricRefused)
		assert.NoError(t, err, "a refused-spans data point for the refused body")
		assert.Zero(t, env.counter(metricRefused))

		// Bodies without data are still test connections.
		for _, body := range [][]byte{[]byte(`{}`), []byte(`{"resourceSpans":[]}`), []byte(`{"resourceSpans":[],"note":"unknown fields next to OTLP are ignored"}`), readTestdata(t, "test_connection.json")} {
			resp := env.postJSON(body)
			require.Equal(t, http.StatusOK, resp.status, "%s: %s", body, resp.body)
		}
		assert.Equal(t, int64(4), env.counter(metricTestConnections))
		assert.Empty(t, env.sink.AllTraces())
		assert.Empty(t, env.logs.AllLogs())
	}
}

// A body refused as a whole counts the spans the decoder had read as
// refused.
func TestDecodeErrorsCountRefusedSpans(t *testing.T) {
	env := startReceiver(t, nil, nil)
	body := tracesJSON(t, [2]string{traceA, spanA}, [2]string{traceB, spanB})
	body = append(body[:len(body)-1], ',') // cut the closing brace: a syntax error at the end
	resp := env.postJSON(body)
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, gjson(t, resp.body, "message"), "body is not valid JSON: unexpected end of JSON input")
	assert.Equal(t, int64(2), env.counter(metricRefused))
	assert.Zero(t, env.counter(metricAccepted))
	assert.Empty(t, env.sink.AllTraces())
}
