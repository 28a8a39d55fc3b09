package openrouterevents

import (
	"path/filepath"
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
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := Decode(body, arrival)
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
