package webhookexporter

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
)

// ndjsonRows parses an ndjson body into its rows.
func ndjsonRows(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	require.True(t, bytes.HasSuffix(body, []byte("\n")), "every row ends with a newline")
	var rows []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
		var row map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &row), "row %s", line)
		rows = append(rows, row)
	}
	return rows
}

func ndjsonConfig(endpoint string, flatten bool) *Config {
	cfg := testConfig(endpoint)
	cfg.Encoding = EncodingNDJSON
	cfg.NDJSON = configoptional.Some(NDJSONConfig{FlattenAttributes: flatten})
	return cfg
}

func TestNDJSONSendsOneRowPerItem(t *testing.T) {
	allSignals(t, testNDJSONSendsOneRowPerItem, testNDJSONSendsOneRowPerItem, testNDJSONSendsOneRowPerItem)
}

func testNDJSONSendsOneRowPerItem[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := ndjsonConfig(srv.URL, true)
	cfg.Method = MethodPut
	exp := startSignal(t, s, cfg, nopSettings())

	data := s.data(2, 2, 3)
	items := s.items(data)
	require.NoError(t, exp.consume(t.Context(), data))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, "application/x-ndjson", reqs[0].Header.Get("Content-Type"))
	rows := ndjsonRows(t, reqs[0].Body)
	require.Len(t, rows, len(items))
	for i, row := range rows {
		svc, _ := items[i].resource.Attributes().Get("service.name")
		assert.Equal(t, svc.Str(), row["service_name"], "row %d", i)
		assert.Equal(t, svc.Str(), row["resource.service.name"], "row %d", i)
		assert.Equal(t, items[i].scope.Name(), row["scope_name"], "row %d", i)
		assert.Equal(t, "openai/gpt-4o", row["gen_ai.request.model"], "row %d: attributes are lifted", i)
		tokens, _ := items[i].attributes.Get("gen_ai.usage.input_tokens")
		assert.Equal(t, float64(tokens.Int()), row["gen_ai.usage.input_tokens"], "row %d: numbers stay numbers", i)
	}
}

// Split on row boundaries: every request is whole rows, and the requests
// together are the rows of the batch sent at once.
func TestNDJSONSplitsOnRowBoundaries(t *testing.T) {
	allSignals(t, testNDJSONSplitsOnRowBoundaries, testNDJSONSplitsOnRowBoundaries, testNDJSONSplitsOnRowBoundaries)
}

func testNDJSONSplitsOnRowBoundaries[D any](t *testing.T, s signal[D]) {
	whole := newTestServer(t, statuses(http.StatusOK))
	data := s.data(3, 2, 10)
	require.NoError(t, startSignal(t, s, ndjsonConfig(whole.URL, false), nopSettings()).consume(t.Context(), s.clone(data)))
	require.Len(t, whole.requests(), 1)
	all := whole.requests()[0].Body

	split := newTestServer(t, statuses(http.StatusOK))
	cfg := ndjsonConfig(split.URL, false)
	cfg.MaxRequestBodySize = len(all) / 6
	require.NoError(t, startSignal(t, s, cfg, nopSettings()).consume(t.Context(), data))

	reqs := split.requests()
	require.GreaterOrEqual(t, len(reqs), 6)
	var joined []byte
	for i, r := range reqs {
		assert.LessOrEqual(t, len(r.Body), cfg.MaxRequestBodySize, "request %d", i)
		ndjsonRows(t, r.Body)
		joined = append(joined, r.Body...)
	}
	assert.Equal(t, string(all), string(joined))
}

func TestNDJSONRedactsContent(t *testing.T) {
	allSignals(t, testNDJSONRedactsContent, testNDJSONRedactsContent, testNDJSONRedactsContent)
}

func testNDJSONRedactsContent[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := ndjsonConfig(srv.URL, false)
	cfg.RedactContent = true
	require.NoError(t, startSignal(t, s, cfg, nopSettings()).consume(t.Context(), s.data(1, 1, 3)))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.NotContains(t, string(reqs[0].Body), "prompt text")
	assert.NotContains(t, string(reqs[0].Body), "completion text")
	for _, row := range ndjsonRows(t, reqs[0].Body) {
		attrs := row["attributes"].(map[string]any)
		assert.NotContains(t, attrs, "gen_ai.prompt")
		assert.Equal(t, "openai/gpt-4o", attrs["gen_ai.request.model"])
	}
}
