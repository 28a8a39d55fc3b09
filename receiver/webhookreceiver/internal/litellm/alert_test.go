package litellm

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

func decodeAlert(t *testing.T, body []byte) (plog.LogRecord, string) {
	t.Helper()
	a, err := DecodeAlert(body, arrival)
	require.NoError(t, err)
	require.Equal(t, 1, a.Logs.LogRecordCount())
	return a.Logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0), a.Key
}

func TestAlert(t *testing.T) {
	body := readTestdata(t, "alert_threshold_crossed.json")
	lr, key := decodeAlert(t, body)
	sum := sha256.Sum256(body)
	assert.Equal(t, hex.EncodeToString(sum[:]), key, "the body's SHA-256 is the delivery key")
	assert.Equal(t, "threshold_crossed", lr.EventName())
	assert.Equal(t, plog.SeverityNumberWarn, lr.SeverityNumber())
	assert.Equal(t, "WARN", lr.SeverityText())
	assert.Equal(t, arrival, lr.ObservedTimestamp().AsTime())
	assert.Zero(t, lr.Timestamp(), "an alert carries no time of its own")
	assert.Equal(t, string(body), lr.Body().Str())
	a := lr.Attributes().AsRaw()
	assert.Equal(t, 85.0, a["litellm.spend"])
	assert.Equal(t, "key", a["litellm.event_group"])
	assert.Equal(t, "Key Budget: Threshold Crossed (85% of budget)", a["litellm.event_message"])
	assert.Contains(t, a, "litellm.customer_id", "a null field is kept, as an empty value")
	assert.Nil(t, a["litellm.customer_id"])
}

func TestAlertSeverities(t *testing.T) {
	for event, warn := range map[string]bool{
		"budget_crossed": true, "soft_budget_crossed": true, "threshold_crossed": true, "projected_limit_exceeded": true,
		"key_created": false, "internal_user_created": false, "spend_tracked": false, "something_new": false,
	} {
		lr, _ := decodeAlert(t, []byte(`{"event":"`+event+`","spend":1}`))
		want := plog.SeverityNumberInfo
		if warn {
			want = plog.SeverityNumberWarn
		}
		assert.Equal(t, want, lr.SeverityNumber(), event)
	}
}

func TestAlertKeepsWhateverArrives(t *testing.T) {
	// LiteLLM's docs spell projected_exceeded_data; the type, _date.
	lr, _ := decodeAlert(t, readTestdata(t, "alert_budget_crossed_docs.json"))
	a := lr.Attributes().AsRaw()
	assert.Contains(t, a, "litellm.projected_exceeded_data")
	assert.Equal(t, int64(1), a["litellm.spend"])
	lr, _ = decodeAlert(t, readTestdata(t, "alert_projected_limit_exceeded.json"))
	assert.Equal(t, "2026-12-19", lr.Attributes().AsRaw()["litellm.projected_exceeded_date"])
	lr, _ = decodeAlert(t, []byte(`{"event":"key_created","alert_emails":["a@example.com"],"extra":{"x":1}}`))
	a = lr.Attributes().AsRaw()
	assert.Equal(t, []any{"a@example.com"}, a["litellm.alert_emails"])
	assert.Equal(t, int64(1), a["litellm.extra.x"])
}

func TestAlertRefusals(t *testing.T) {
	for body, want := range map[string]string{
		``:                 "the body must be one LiteLLM alert object, got nothing",
		`[{"event":"x"}]`:  "got an array",
		`{"spend":1}`:      "alert.event: missing",
		`{"event":null}`:   "alert.event: missing",
		`{"event":5}`:      "alert.event: not a string, got a number",
		`{"event":"x"`:     "body is not valid JSON",
		`{"event":"x"} {}`: "body is not valid JSON",
	} {
		_, err := DecodeAlert([]byte(body), arrival)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
	}
}
