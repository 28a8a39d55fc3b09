package webhooks

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// FuzzDecode feeds arbitrary bodies to every preset and split mode, as JSON
// and as a form: nothing may panic, an error says something, and what is
// accepted is whole: one id per record, records the pipeline can encode.
func FuzzDecode(f *testing.F) {
	root := filepath.Join("..", "..", "..", "..", "testdata", "webhooks")
	harness.SeedCorpus(f, filepath.Join(root, "*", "*.json"))
	harness.SeedCorpus(f, filepath.Join(root, "*", "*.txt"))
	f.Add([]byte("{\"id\":1}\n[2]\n\"x\"\n"))
	f.Add([]byte(`{"events":[{"id":"a","at":"2026-12-02T09:00:00Z"},{"at":1.5e400}],"event":{"type":7}}`))

	var mappings []*Mapping
	configs := []Config{
		{Split: Split{Mode: SplitArray}, ID: &Source{Field: "id"}, Timestamp: &Timestamp{Field: "at"}},
		{Split: Split{Mode: SplitNDJSON}, ID: &Source{Field: "id"}, Severity: &Severity{Field: "level", Map: map[string]string{"x": "fatal"}}},
		{Split: Split{Field: "events"}, ID: &Source{Header: "X-Id"}, Timestamp: &Timestamp{Field: "at", Format: FormatUnixMS}},
		{Body: BodyRaw, Split: Split{Mode: SplitNDJSON}},
		{Attributes: map[string]string{"a": "data.object.id", "b": "events.0"}, Headers: []string{"X-Id"}},
	}
	for _, name := range PresetNames() {
		configs = append(configs, Config{Preset: name})
	}
	for _, c := range configs {
		m, err := New("fuzz", c)
		require.NoError(f, err)
		mappings = append(mappings, m)
	}
	h := http.Header{}
	h.Set("X-Id", "d-1")
	h.Set("X-GitHub-Event", "issues")
	h.Set("X-Shopify-Triggered-At", "2024-12-02T10:15:27Z")
	h.Set("webhook-id", "msg_1")

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, m := range mappings {
			for _, ct := range []string{"application/json", formType} {
				res, err := m.Decode(Request{Body: body, Header: h, ContentType: ct}, arrival)
				if err != nil {
					require.NotEmpty(t, err.Error())
					continue
				}
				if res.Special != nil {
					continue
				}
				require.Equal(t, len(res.IDs), res.Logs.LogRecordCount())
				_, err = (&plog.ProtoMarshaler{}).MarshalLogs(res.Logs)
				require.NoError(t, err)
			}
		}
	})
}
