package openrouterevents

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// FuzzDecode checks that no delivery crashes the decoder, and that what it
// accepts is whole: one record per event that is not a test, each with its
// id, type and time, and encodable by the pipeline.
func FuzzDecode(f *testing.F) {
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "openrouter_events", "*.json"))
	f.Add([]byte(`{"type":"video.generation.failed","created_at":"2026-04-24T12:00:00.000Z","data":{"id":"abc123","status":"failed","generation_id":null,"error":"x"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		// A delivery with OpenRouter's idempotency key decodes what one
		// without does, and more: events without an id take the key.
		keyed, keyedErr := DecodeKeyed(body, arrival, "job-failed")
		ev, err := Decode(body, arrival)
		if err == nil {
			require.NoError(t, keyedErr)
			require.Equal(t, ev.IDs, keyed.IDs)
		}
		if keyedErr == nil {
			for _, id := range keyed.IDs {
				require.NotEmpty(t, id)
			}
		}
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		require.Equal(t, len(ev.IDs), ev.Logs.LogRecordCount())
		records := ev.Logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		for i := 0; i < records.Len(); i++ {
			r := records.At(i)
			id, _ := r.Attributes().Get(AttrEventID)
			require.Equal(t, ev.IDs[i], id.Str())
			require.NotEmpty(t, ev.IDs[i])
			require.NotEmpty(t, r.EventName())
			require.NotEqual(t, TypeTest, r.EventName())
		}
		_, err = (&plog.ProtoMarshaler{}).MarshalLogs(ev.Logs)
		require.NoError(t, err)
	})
}

// FuzzDecodeAsReference is the differential judge of the decoder: for every
// delivery, it decodes what the decoder on encoding/json it replaced
// (reference_test.go) decoded, the same records with their attributes in
// the same order and the same ids, and refuses what that refused, in the
// same words but for the words of a syntax error, which are the
// tokenizer's.
func FuzzDecodeAsReference(f *testing.F) {
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "openrouter_events", "*.json"))
	for _, s := range []string{
		`[{"id":"a","type":"t","created_at":"2026-01-01T00:00:00Z","data":{"x":{"y":[1,{"z":null}]},"x":2,"\u0061":{}}, "extra":{"k":"v"}}, 5]`,
		`[]`, `[{"id":"a"`, `{"id":1}`, "{\"id\":\"\xff\",\"type\":\"t\",\"created_at\":\"2026-01-01t00:00:00z\",\"data\":null}",
	} {
		f.Add([]byte(s))
	}
	m := plog.ProtoMarshaler{}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gotErr := Decode(body, arrival)
		want, wantErr := refDecode(body, arrival)
		require.Equal(t, wantErr == nil, gotErr == nil, "reference: %v, decoder: %v", wantErr, gotErr)
		if wantErr != nil {
			if !strings.HasPrefix(wantErr.Error(), "body is not valid JSON") {
				require.Equal(t, wantErr.Error(), gotErr.Error())
			}
			return
		}
		require.Equal(t, want.IDs, got.IDs)
		require.Equal(t, want.Tests, got.Tests)
		wantPB, err := m.MarshalLogs(want.Logs)
		require.NoError(t, err)
		gotPB, err := m.MarshalLogs(got.Logs)
		require.NoError(t, err)
		require.Equal(t, wantPB, gotPB)
	})
}
