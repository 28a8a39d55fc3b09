package webhooks

import (
	"net/http"
	"path/filepath"
	"strings"
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

// FuzzParseJSON is the differential judge of parseJSON: for every body,
// the value the one on the tokenizer reads is what the one on
// encoding/json's Decoder read (reference_test.go), and an error is an
// error of both, of the same kind (more than one value, a value cut short,
// not JSON; the words of a syntax error are the tokenizer's).
func FuzzParseJSON(f *testing.F) {
	root := filepath.Join("..", "..", "..", "..", "testdata", "webhooks")
	harness.SeedCorpus(f, filepath.Join(root, "*", "*.json"))
	for _, s := range []string{`{"event": "test", }`, `{"a":1} {"b":2}`, `{"a":`, ``, ` `, `[1,2,]`, "\"\xff\"", `{"a":1,"a":2}`, `1e999`, `{"x":tru}`, `[01]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gotErr := parseJSON(body, "body")
		want, wantErr := refParseJSON(body, "body")
		if wantErr != nil {
			require.Error(t, gotErr)
			require.Equal(t, errorKind(wantErr), errorKind(gotErr), "reference: %v, parseJSON: %v", wantErr, gotErr)
			return
		}
		require.NoError(t, gotErr)
		require.Equal(t, want, got)
	})
}

func errorKind(err error) string {
	for _, kind := range []string{"more follows", "before the value does", "is not JSON"} {
		if strings.Contains(err.Error(), kind) {
			return kind
		}
	}
	return err.Error()
}
