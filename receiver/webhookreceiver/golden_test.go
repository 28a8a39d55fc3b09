package webhookreceiver

import (
	"flag"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

var updateGolden = flag.Bool("update", false, "rewrite the expected golden files from the receiver's output")

// TestGoldenPayloads posts each Broadcast payload from testdata/broadcast to
// a real server and compares what reaches the pipeline with the expected
// traces next to it.
func TestGoldenPayloads(t *testing.T) {
	tests := []struct {
		payload  string
		expected string
		modify   func(*Config)
		rejected int64
	}{
		{payload: "chat_privacy_off.json", expected: "chat_privacy_off.yaml"},
		{payload: "chat_privacy_on.json", expected: "chat_privacy_on.yaml"},
		{
			payload:  "chat_privacy_off.json",
			expected: "chat_privacy_off_semconv_redacted.yaml",
			modify: func(c *Config) {
				c.Semconv = true
				c.RedactContent = true
			},
		},
		{payload: "numbers_as_strings.json", expected: "numbers_as_strings.yaml"},
		{payload: "numbers_as_strings.json", expected: "numbers_as_strings_strict.yaml", modify: func(c *Config) { c.Lenient = false }},
		{payload: "docs_example.json", expected: "docs_example.yaml"},
		{payload: "agent_trace_uuid_ids.json", expected: "agent_trace_uuid_ids.yaml", rejected: 1},
		// As live Broadcast spans carry the cost: input, output and total.
		{payload: "live_chat_total_cost.json", expected: "live_chat_total_cost.yaml"},
		{payload: "live_chat_total_cost.json", expected: "live_chat_total_cost_semconv.yaml", modify: func(c *Config) { c.Semconv = true }},
	}
	for _, tt := range tests {
		t.Run(tt.expected, func(t *testing.T) {
			env := startReceiver(t, tt.modify, nil)
			resp := env.postJSON(readTestdata(t, tt.payload))
			require.Equal(t, http.StatusOK, resp.status, resp.body)
			out := ptraceotlp.NewExportResponse()
			require.NoError(t, out.UnmarshalJSON([]byte(resp.body)))
			assert.Equal(t, tt.rejected, out.PartialSuccess().RejectedSpans())

			require.Len(t, env.sink.AllTraces(), 1)
			actual := env.sink.AllTraces()[0]
			path := filepath.Join("..", "..", "testdata", "broadcast", tt.expected)
			if *updateGolden {
				require.NoError(t, golden.WriteTraces(t, path, actual))
			}
			expected, err := golden.ReadTraces(path)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(expected, actual))
		})
	}
}

func TestGoldenTestConnectionPushesNothing(t *testing.T) {
	env := startReceiver(t, nil, nil)
	resp := env.postJSON(readTestdata(t, "test_connection.json"), "X-Test-Connection", "true")
	require.Equal(t, http.StatusOK, resp.status)
	assert.Empty(t, env.sink.AllTraces())
	assert.Equal(t, int64(1), env.counter(metricTestConnections))
}

// TestHashedIDsKeepParentLinks checks what the golden file for the agent
// trace shows: IDs that are not hex map to the same hashed ID everywhere.
func TestHashedIDsKeepParentLinks(t *testing.T) {
	env := startReceiver(t, nil, nil)
	require.Equal(t, http.StatusOK, env.postJSON(readTestdata(t, "agent_trace_uuid_ids.json")).status)
	spans := env.spans()
	require.Len(t, spans, 2)
	root, child := spans[0], spans[1]
	assert.Equal(t, root.TraceID(), child.TraceID())
	assert.Equal(t, root.SpanID(), child.ParentSpanID())
	assert.False(t, root.TraceID().IsEmpty())
	assert.Equal(t, ptrace.SpanKindServer, root.Kind())
	assert.Equal(t, ptrace.SpanKindClient, child.Kind())
	orig, ok := child.Attributes().Get(AttrOriginalParentSpanID)
	require.True(t, ok)
	assert.Equal(t, "root-7f3e2a10", orig.Str())

	// The same input always maps to the same IDs.
	again := startReceiver(t, nil, nil)
	require.Equal(t, http.StatusOK, again.postJSON(readTestdata(t, "agent_trace_uuid_ids.json")).status)
	assert.Equal(t, root.TraceID(), again.spans()[0].TraceID())
	assert.Equal(t, child.SpanID(), again.spans()[1].SpanID())
}
