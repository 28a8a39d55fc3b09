package ndjson

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

var update = flag.Bool("update", false, "rewrite the golden files with the current output")

// goldenConfigs are the configurations every input is encoded with; the
// golden file of input X with configuration Y is testdata/X<Y>.ndjson.
var goldenConfigs = map[string]Config{
	"":               {},
	"_flat":          {FlattenAttributes: true},
	"_flat_prefixed": {FlattenAttributes: true, AttributePrefix: "attr."},
}

func encodeInput(t *testing.T, input string, cfg Config) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", input+".json"))
	require.NoError(t, err)
	enc := New(cfg)
	var batch encoding.Batch
	var n int
	switch input {
	case "spans":
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(raw)
		require.NoError(t, err)
		items := encoding.NewTraces(td)
		batch, n = enc.Traces(items), items.Len()
	case "logs":
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(raw)
		require.NoError(t, err)
		items := encoding.NewLogs(ld)
		batch, n = enc.Logs(items), items.Len()
	case "metrics":
		md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(raw)
		require.NoError(t, err)
		items := encoding.NewMetrics(md)
		batch, n = enc.Metrics(items), items.Len()
	}
	body, err := batch.Encode(0, n)
	require.NoError(t, err)
	return body
}

// TestGolden: the rows of testdata/spans.json, testdata/logs.json and
// testdata/metrics.json are the golden files, byte for byte. Regenerate after an intended change with
// `go test ./exporter/webhookexporter/internal/encoding/ndjson -run TestGolden -update`
// and review the diff: the schema is a contract with the tables users made.
func TestGolden(t *testing.T) {
	for _, input := range []string{"spans", "logs", "metrics"} {
		for suffix, cfg := range goldenConfigs {
			t.Run(input+suffix, func(t *testing.T) {
				got := encodeInput(t, input, cfg)
				path := filepath.Join("testdata", input+suffix+".ndjson")
				if *update {
					require.NoError(t, os.WriteFile(path, got, 0o600))
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got))
				requireRows(t, got)
			})
		}
	}
}

// requireRows checks that body is NDJSON: every line, newline-terminated, is
// one JSON object with unique keys.
func requireRows(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	require.True(t, bytes.HasSuffix(body, []byte("\n")), "the last row ends with a newline")
	var rows []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
		require.True(t, json.Valid([]byte(line)), "row %d is not JSON: %s", i, line)
		keys := map[string]bool{}
		dec := json.NewDecoder(strings.NewReader(line))
		_, err := dec.Token() // {
		require.NoError(t, err)
		for dec.More() {
			tok, err := dec.Token()
			require.NoError(t, err)
			key := tok.(string)
			require.False(t, keys[key], "row %d has key %q twice", i, key)
			keys[key] = true
			var skip json.RawMessage
			require.NoError(t, dec.Decode(&skip))
		}
		var row map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &row))
		rows = append(rows, row)
	}
	return rows
}
