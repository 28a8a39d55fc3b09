package openrouterevents

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

var arrival = time.Date(2026, 11, 30, 12, 0, 1, 0, time.UTC)

func eventJSON(typ, data string) string {
	return `{"id":"evt_1","type":"` + typ + `","created_at":"2026-11-30T12:00:00Z","data":` + data + `}`
}

func decodeOne(t *testing.T, body string) plog.LogRecord {
	t.Helper()
	ev, err := Decode([]byte(body), arrival)
	require.NoError(t, err)
	require.Equal(t, 1, ev.Logs.LogRecordCount())
	return ev.Logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}

func TestRecordFields(t *testing.T) {
	r := decodeOne(t, ` `+eventJSON("credit.low_balance", `{"current_balance":4.2,"threshold_amount":10}`)+"\n")
	assert.Equal(t, "credit.low_balance", r.EventName())
	assert.Equal(t, time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), r.Timestamp().AsTime())
	assert.Equal(t, arrival, r.ObservedTimestamp().AsTime())
	assert.Equal(t, plog.SeverityNumberWarn, r.SeverityNumber())
	assert.Equal(t, "WARN", r.SeverityText())
	assert.Equal(t, eventJSON("credit.low_balance", `{"current_balance":4.2,"threshold_amount":10}`), r.Body().Str())
	assert.Equal(t, map[string]any{
		AttrEventID:                         "evt_1",
		AttrEventType:                       "credit.low_balance",
		AttrDataPrefix + "current_balance":  4.2,
		AttrDataPrefix + "threshold_amount": int64(10),
	}, r.Attributes().AsRaw())
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		typ, data string
		want      plog.SeverityNumber
	}{
		{"usage.threshold", `{}`, plog.SeverityNumberWarn},
		{"credit.low_balance", `{}`, plog.SeverityNumberWarn},
		{"key.expiring", `{}`, plog.SeverityNumberWarn},
		{"key.created", `{}`, plog.SeverityNumberInfo},
		{"key.revoked", `{}`, plog.SeverityNumberInfo},
		{"model.status_change", `{"new_status":"degraded"}`, plog.SeverityNumberWarn},
		{"model.status_change", `{"new_status":"outage"}`, plog.SeverityNumberWarn},
		{"model.status_change", `{}`, plog.SeverityNumberWarn},
		{"model.status_change", `{"new_status":"Operational"}`, plog.SeverityNumberInfo},
		{"model.status_change", `{"new_status":" recovered "}`, plog.SeverityNumberInfo},
		{"model.status_change", `{"new_status":"available"}`, plog.SeverityNumberInfo},
		{"some.future_event", `{}`, plog.SeverityNumberInfo},
	}
	for _, tt := range tests {
		t.Run(tt.typ+tt.data, func(t *testing.T) {
			assert.Equal(t, tt.want, decodeOne(t, eventJSON(tt.typ, tt.data)).SeverityNumber())
		})
	}
}

func TestDataValues(t *testing.T) {
	r := decodeOne(t, eventJSON("x.y", `{
		"int": 42, "big": 12345678901234567890, "float": 0.25, "exp": 1e3, "huge": 1e999,
		"numeric_string": "0042", "text": "héllo", "yes": true, "nothing": null,
		"nested": {"a": {"b": 1}, "c": "d"}, "empty": {},
		"list": [1, "two", {"three": 3}, [4], null, false]
	}`))
	got := r.Attributes().AsRaw()
	want := map[string]any{
		AttrEventID: "evt_1", AttrEventType: "x.y",
		"openrouter.data.int":            int64(42),
		"openrouter.data.big":            1.2345678901234567e19,
		"openrouter.data.float":          0.25,
		"openrouter.data.exp":            1000.0,
		"openrouter.data.huge":           "1e999",
		"openrouter.data.numeric_string": "0042",
		"openrouter.data.text":           "héllo",
		"openrouter.data.yes":            true,
		"openrouter.data.nothing":        nil,
		"openrouter.data.nested.a.b":     int64(1),
		"openrouter.data.nested.c":       "d",
		"openrouter.data.empty":          map[string]any{},
		"openrouter.data.list":           []any{int64(1), "two", map[string]any{"three": int64(3)}, []any{int64(4)}, nil, false},
	}
	assert.Equal(t, want, got)
}

func TestOtherTopLevelFieldsAreKept(t *testing.T) {
	r := decodeOne(t, `{"id":"evt_1","type":"a.b","created_at":"2026-11-30T12:00:00Z","api_version":"v2","meta":{"region":"eu"}}`)
	assert.Equal(t, map[string]any{
		AttrEventID: "evt_1", AttrEventType: "a.b",
		"openrouter.event.api_version": "v2",
		"openrouter.event.meta.region": "eu",
	}, r.Attributes().AsRaw())
}

func TestTimes(t *testing.T) {
	for text, want := range map[string]time.Time{
		"2026-11-30T12:00:00Z":           time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		"2026-11-30T13:00:00+01:00":      time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		"2026-11-30T07:00:00.25-05:00":   time.Date(2026, 11, 30, 12, 0, 0, 250_000_000, time.UTC),
		"2026-11-30t12:00:00z":           time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		"2026-11-30T12:00:00.123456789Z": time.Date(2026, 11, 30, 12, 0, 0, 123456789, time.UTC),
	} {
		r := decodeOne(t, `{"id":"e","type":"t","created_at":"`+text+`"}`)
		assert.True(t, want.Equal(r.Timestamp().AsTime()), "%s: got %s", text, r.Timestamp().AsTime())
	}
}

func TestBatchAndTestEvents(t *testing.T) {
	body := `[` + eventJSON("key.created", `{}`) + `,` +
		strings.Replace(eventJSON("webhook.test", `{"webhook_id":"wh_1"}`), "evt_1", "evt_t", 1) + `,` +
		strings.Replace(eventJSON("key.revoked", `null`), "evt_1", "evt_2", 1) + `]`
	ev, err := Decode([]byte(body), arrival)
	require.NoError(t, err)
	assert.Equal(t, 1, ev.Tests)
	assert.Equal(t, []string{"evt_1", "evt_2"}, ev.IDs)
	records := ev.Logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	require.Equal(t, 2, records.Len())
	assert.Equal(t, "key.revoked", records.At(1).EventName())
	rl := ev.Logs.ResourceLogs().At(0)
	assert.Equal(t, map[string]any{"service.name": "openrouter"}, rl.Resource().Attributes().AsRaw())
	assert.Equal(t, ScopeName, rl.ScopeLogs().At(0).Scope().Name())
}

func TestErrorsNameTheEventAndField(t *testing.T) {
	ok := eventJSON("key.created", `{}`)
	tests := []struct{ name, body, want string }{
		{"not JSON", `hello`, "the body must be an event object or an array of events, got text that is not JSON"},
		{"a string", `"evt"`, "got a string"},
		{"empty body", ``, "got nothing"},
		{"empty array", `[]`, "the delivery is an empty array: expected at least one event"},
		{"broken array", `[` + ok + `,`, "body is not valid JSON"},
		{"broken object", `{"id":"e",`, "body is not valid JSON"},
		{"trailing data", ok + `{}`, "body is not valid JSON"},
		{"element not an object", `[` + ok + `,"x"]`, "events[1]: expected an event object, got a string"},
		{"missing id", `{"type":"t","created_at":"2026-11-30T12:00:00Z"}`, "event.id: missing: every event needs its id"},
		{"empty id", `[` + ok + `,{"id":"","type":"t","created_at":"2026-11-30T12:00:00Z"}]`, "events[1].id: missing"},
		{"id is a number", `{"id":7,"type":"t","created_at":"2026-11-30T12:00:00Z"}`, "event.id: must be a string, got a number"},
		{"missing type", `{"id":"e","created_at":"2026-11-30T12:00:00Z"}`, "event.type: missing"},
		{"type is an object", `{"id":"e","type":{},"created_at":"x"}`, "event.type: must be a string, got an object"},
		{"missing created_at", `{"id":"e","type":"t"}`, "event.created_at: missing"},
		{"created_at not a time", `[` + ok + `,` + ok + `,{"id":"e","type":"t","created_at":"yesterday"}]`, `events[2].created_at: not an RFC 3339 time: "yesterday"`},
		{"created_at as a number", `{"id":"e","type":"t","created_at":1732968000}`, "event.created_at: must be a string, got a number"},
		{"created_at without zone", `{"id":"e","type":"t","created_at":"2026-11-30T12:00:00"}`, "event.created_at: not an RFC 3339 time"},
		{"data is an array", `{"id":"e","type":"t","created_at":"2026-11-30T12:00:00Z","data":[1]}`, "event.data: must be an object, got an array"},
		{"data is a string", `{"id":"e","type":"t","created_at":"2026-11-30T12:00:00Z","data":"x"}`, "event.data: must be an object, got a string"},
		{"nested too deep", `{"id":"e","type":"t","created_at":"2026-11-30T12:00:00Z","data":` + strings.Repeat(`{"a":`, 70) + `1` + strings.Repeat(`}`, 70) + `}`, "nested more than 64 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.body), arrival)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// OpenRouter's signed callbacks have no event id: the delivery's
// X-OpenRouter-Idempotency-Key stands for it, and for each event of an
// array with its index; an event's own id wins.
func TestDecodeKeyed(t *testing.T) {
	callback := `{"type":"video.generation.failed","created_at":"2026-04-24T12:00:00.000Z","data":{"id":"abc123","status":"failed","error":"Content policy violation"}}`
	ev, err := DecodeKeyed([]byte(callback), arrival, "abc123-failed")
	require.NoError(t, err)
	assert.Equal(t, []string{"abc123-failed"}, ev.IDs)
	lr := ev.Logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, plog.SeverityNumberError, lr.SeverityNumber())
	assert.Equal(t, "ERROR", lr.SeverityText())
	v, ok := lr.Attributes().Get(AttrDataPrefix + "error")
	require.True(t, ok)
	assert.Equal(t, "Content policy violation", v.Str())

	ev, err = DecodeKeyed([]byte(`[`+callback+`,`+eventJSON("key.created", `{}`)+`]`), arrival, "k")
	require.NoError(t, err)
	assert.Equal(t, []string{"k#0", "evt_1"}, ev.IDs)

	_, err = Decode([]byte(callback), arrival)
	assert.ErrorContains(t, err, "event.id: missing")
}

func TestSeverityOfCallbacks(t *testing.T) {
	for typ, want := range map[string]plog.SeverityNumber{
		"video.generation.completed": plog.SeverityNumberInfo,
		"video.generation.failed":    plog.SeverityNumberError,
		"video.generation.cancelled": plog.SeverityNumberWarn,
		"video.generation.expired":   plog.SeverityNumberWarn,
		"credit.low_balance":         plog.SeverityNumberWarn,
		"key.created":                plog.SeverityNumberInfo,
	} {
		assert.Equal(t, want, Severity(typ, "", false), typ)
	}
	assert.Equal(t, plog.SeverityNumberWarn, Severity(StatusChangeType, "degraded", true))
	assert.Equal(t, plog.SeverityNumberInfo, Severity(StatusChangeType, "Operational", true))
}
