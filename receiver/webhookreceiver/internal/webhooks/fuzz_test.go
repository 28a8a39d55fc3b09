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
	// The handshakes of the presets, and events they read in their own way.
	for _, s := range []string{
		`{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`,
		`{"id":"1","token":"t","type":1,"version":1}`, `{"type":0}`, `{"type":2,"data":{"name":"blep"},"id":"2"}`,
		`{"version":1,"type":1,"event":{"type":"ENTITLEMENT_CREATE","timestamp":"2024-10-18T18:41:21.109604"}}`,
		`{"challenge":"pogchamp","subscription":{"type":"channel.follow"}}`,
		`{"event":{"event_type":"pagey.ping","occurred_at":"2021-03-02T13:35:11.682Z"}}`,
		`[{"eventId":1,"subscriptionType":"contact.creation","occurredAt":1564113600000}]`,
		`{"signature":{"token":"t","timestamp":"1","signature":"s"},"event-data":{"id":"x","event":"delivered","timestamp":1521472262.908181}}`,
	} {
		f.Add([]byte(s))
	}

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
		m, err := New("fuzz", c, "secret-one", "secret-two")
		require.NoError(f, err)
		mappings = append(mappings, m)
	}
	h := http.Header{}
	h.Set("X-Id", "d-1")
	h.Set("X-GitHub-Event", "issues")
	h.Set("X-Shopify-Triggered-At", "2024-12-02T10:15:27Z")
	h.Set("webhook-id", "msg_1")
	h.Set("X-OpenRouter-Idempotency-Key", "abc123-failed")
	h.Set("Sentry-Hook-Resource", "issue")
	h.Set("Sentry-Hook-Timestamp", "1733400000")
	h.Set("Twitch-Eventsub-Message-Timestamp", "2019-11-16T10:11:12.634234626Z")
	// The headers of the handshakes that a header announces.
	handshake := h.Clone()
	handshake.Set("Twitch-Eventsub-Message-Type", "webhook_callback_verification")
	handshake.Set("X-GitHub-Event", "ping")
	handshake.Set("X-Zm-Signature", "v0=00")

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, m := range mappings {
			for _, req := range []Request{
				{Body: body, Header: h, ContentType: "application/json"},
				{Body: body, Header: h, ContentType: formType},
				{Body: body, Header: handshake, ContentType: "application/json"},
			} {
				res, err := m.Decode(req, arrival)
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
