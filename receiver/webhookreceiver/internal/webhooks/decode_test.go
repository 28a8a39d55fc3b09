package webhooks

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

var arrival = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func decode(t *testing.T, cfg Config, contentType, body string, h ...string) (Result, error) {
	t.Helper()
	m, err := New("route", cfg)
	require.NoError(t, err)
	header := http.Header{}
	for i := 0; i+1 < len(h); i += 2 {
		header.Set(h[i], h[i+1])
	}
	return m.Decode(Request{Body: []byte(body), Header: header, ContentType: contentType}, arrival)
}

func records(t *testing.T, r Result) []plog.LogRecord {
	t.Helper()
	var out []plog.LogRecord
	rl := r.Logs.ResourceLogs()
	for i := 0; i < rl.Len(); i++ {
		name, _ := rl.At(i).Resource().Attributes().Get("service.name")
		assert.Equal(t, "route", name.Str())
		sl := rl.At(i).ScopeLogs()
		for j := 0; j < sl.Len(); j++ {
			for k := 0; k < sl.At(j).LogRecords().Len(); k++ {
				out = append(out, sl.At(j).LogRecords().At(k))
			}
		}
	}
	return out
}

func TestJSONBodyTypes(t *testing.T) {
	r, err := decode(t, Config{}, "application/json", `{"event":"test","n":3,"f":2.5,"big":1e400,"ok":true,"none":null,"list":[1,"a"],"obj":{"k":"v"}}`)
	require.NoError(t, err)
	recs := records(t, r)
	require.Len(t, recs, 1)
	body := recs[0].Body().Map()
	assert.Equal(t, "test", mustGet(t, body.AsRaw(), "event"))
	assert.Equal(t, int64(3), mustGet(t, body.AsRaw(), "n"))
	assert.Equal(t, 2.5, mustGet(t, body.AsRaw(), "f"))
	assert.Equal(t, "1e400", mustGet(t, body.AsRaw(), "big"), "a number out of range keeps its text")
	assert.Equal(t, true, mustGet(t, body.AsRaw(), "ok"))
	assert.Nil(t, mustGet(t, body.AsRaw(), "none"))
	assert.Equal(t, []any{int64(1), "a"}, mustGet(t, body.AsRaw(), "list"))
	assert.Equal(t, map[string]any{"k": "v"}, mustGet(t, body.AsRaw(), "obj"))
	assert.Equal(t, plog.SeverityNumberInfo, recs[0].SeverityNumber())
	assert.Equal(t, "INFO", recs[0].SeverityText())
	assert.Zero(t, recs[0].Timestamp(), "no source, no timestamp")
	assert.Equal(t, arrival, recs[0].ObservedTimestamp().AsTime())
	assert.Equal(t, []string{""}, r.IDs)
	_, ok := recs[0].Attributes().Get(AttrEventID)
	assert.False(t, ok)

	// A top-level array without split is one record whose body is a slice.
	r, err = decode(t, Config{}, "application/json", `[1,2]`)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), int64(2)}, records(t, r)[0].Body().Slice().AsRaw())
}

func mustGet(t *testing.T, m map[string]any, k string) any {
	t.Helper()
	v, ok := m[k]
	require.True(t, ok, k)
	return v
}

func TestRawBody(t *testing.T) {
	r, err := decode(t, Config{Body: BodyRaw}, "text/plain", "not json {")
	require.NoError(t, err)
	assert.Equal(t, "not json {", records(t, r)[0].Body().Str())
	r, err = decode(t, Config{Body: BodyRaw, Split: Split{Mode: SplitNDJSON}}, "text/plain", "a\r\n\nb\n")
	require.NoError(t, err)
	recs := records(t, r)
	require.Len(t, recs, 2)
	assert.Equal(t, "b", recs[1].Body().Str())
}

func TestFormBodyWithSlackPayload(t *testing.T) {
	r, err := decode(t, Config{}, "application/x-www-form-urlencoded; charset=utf-8",
		`payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%7D&tag=a&tag=b&text=`)
	require.NoError(t, err)
	body := records(t, r)[0].Body().Map().AsRaw()
	assert.Equal(t, map[string]any{"type": "block_actions", "user": map[string]any{"id": "U1"}}, body["payload"])
	assert.Equal(t, []any{"a", "b"}, body["tag"])
	assert.Equal(t, "", body["text"])
}

func TestSplit(t *testing.T) {
	cfg := Config{Split: Split{Mode: SplitArray}, ID: &Source{Field: "id"}, EventName: &Source{Field: "kind"},
		Timestamp: &Timestamp{Field: "at", Format: FormatUnixMS}}
	r, err := decode(t, cfg, "application/json", `[{"id":"a","kind":"x","at":1700000000123},{"id":"b","kind":"y"}]`)
	require.NoError(t, err)
	recs := records(t, r)
	require.Len(t, recs, 2)
	assert.Equal(t, []string{"a", "b"}, r.IDs)
	assert.Equal(t, "x", recs[0].EventName())
	assert.Equal(t, "y", recs[1].EventName())
	assert.Equal(t, time.UnixMilli(1700000000123).UTC(), recs[0].Timestamp().AsTime())
	assert.Zero(t, recs[1].Timestamp())

	// An object with split array is one event.
	r, err = decode(t, cfg, "application/json", `{"id":"c"}`)
	require.NoError(t, err)
	assert.Equal(t, []string{"c"}, r.IDs)

	cfg.Split = Split{Field: "data.events"}
	r, err = decode(t, cfg, "application/json", `{"data":{"events":[{"id":"e1"},{"id":"e2"},{"id":"e3"}]}}`)
	require.NoError(t, err)
	assert.Equal(t, []string{"e1", "e2", "e3"}, r.IDs)
	_, err = decode(t, cfg, "application/json", `{"data":{"events":{"id":"e1"}}}`)
	assert.EqualError(t, err, "split: field: data.events: not an array, got an object")
	_, err = decode(t, cfg, "application/json", `{"data":{}}`)
	assert.EqualError(t, err, "split: field: data.events: the body has no such field")

	cfg.Split = Split{Mode: SplitNDJSON}
	r, err = decode(t, cfg, "application/x-ndjson", "{\"id\":\"l1\"}\n\n{\"id\":\"l2\"}\r\n")
	require.NoError(t, err)
	assert.Equal(t, []string{"l1", "l2"}, r.IDs)
	_, err = decode(t, cfg, "application/x-ndjson", "{\"id\":\"l1\"}\n{\"id\":")
	assert.ErrorContains(t, err, "line 2 is not JSON")

	// Header ids apply to every element, each keyed by its position.
	cfg = Config{Split: Split{Mode: SplitArray}, ID: &Source{Header: "X-Delivery"}}
	r, err = decode(t, cfg, "application/json", `[{},{}]`, "X-Delivery", "d-1")
	require.NoError(t, err)
	assert.Equal(t, []string{"d-1#0", "d-1#1"}, r.IDs)
	for _, rec := range records(t, r) {
		id, _ := rec.Attributes().Get(AttrEventID)
		assert.Equal(t, "d-1", id.Str())
	}
}

func TestBadJSON(t *testing.T) {
	_, err := decode(t, Config{}, "application/json", `{"event": "test", }`)
	assert.EqualError(t, err, "body is not JSON: invalid character '}' looking for beginning of object key string at byte 19")
	_, err = decode(t, Config{}, "application/json", `{"a":1} {"b":2}`)
	assert.ErrorContains(t, err, "body is not one JSON value: more follows after byte 7")
	_, err = decode(t, Config{}, "application/json", `{"a":`)
	assert.ErrorContains(t, err, "body is not JSON")
}

func TestTimestamps(t *testing.T) {
	tests := []struct {
		format, value string
		want          time.Time
		err           string
	}{
		{FormatAuto, `"2026-11-30T15:42:03.512Z"`, time.Date(2026, 11, 30, 15, 42, 3, 512e6, time.UTC), ""},
		{FormatAuto, `"2026-11-30t15:42:03+01:00"`, time.Date(2026, 11, 30, 14, 42, 3, 0, time.UTC), ""},
		{FormatAuto, `1700000000`, time.Unix(1700000000, 0), ""},
		{FormatAuto, `1700000000.25`, time.Unix(1700000000, 250e6), ""},
		{FormatUnixMS, `1700000000123.5`, time.Unix(0, 1700000000123500000), ""},
		{FormatAuto, `1.7e9`, time.Unix(1700000000, 0), ""},
		{FormatAuto, `"1700000000"`, time.Unix(1700000000, 0), ""},
		{FormatUnixS, `1700000000`, time.Unix(1700000000, 0), ""},
		{FormatUnixMS, `1700000000123`, time.UnixMilli(1700000000123), ""},
		{FormatUnixNS, `1700000000123456789`, time.Unix(0, 1700000000123456789), ""},
		{FormatRFC3339, `"2026-11-30T15:42:03Z"`, time.Date(2026, 11, 30, 15, 42, 3, 0, time.UTC), ""},
		{FormatRFC3339, `1700000000`, time.Time{}, `body: timestamp field at: 1700000000 is not an RFC 3339 time`},
		{FormatAuto, `"yesterday"`, time.Time{}, `body: timestamp field at: "yesterday" is neither an RFC 3339 time nor Unix seconds`},
		{FormatUnixS, `true`, time.Time{}, `body: timestamp field at: a boolean is not Unix seconds`},
		{FormatUnixS, `99999999999999999999`, time.Time{}, `out of range for Unix seconds`},
		{FormatUnixMS, `-5`, time.Time{}, `out of range for Unix milliseconds`},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.value, func(t *testing.T) {
			r, err := decode(t, Config{Timestamp: &Timestamp{Field: "at", Format: tt.format}}, "application/json", `{"at":`+tt.value+`}`)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want.UTC(), records(t, r)[0].Timestamp().AsTime())
		})
	}
	// From a header.
	r, err := decode(t, Config{Timestamp: &Timestamp{Header: "X-At"}}, "application/json", `{}`, "X-At", "2026-11-30T15:42:03Z")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 30, 15, 42, 3, 0, time.UTC), records(t, r)[0].Timestamp().AsTime())
}

func TestSeverity(t *testing.T) {
	cfg := Config{Severity: &Severity{Field: "level", Map: map[string]string{"crit": "fatal", "notice": "warn"}}}
	for value, want := range map[string]plog.SeverityNumber{
		`"crit"`: plog.SeverityNumberFatal, `"NOTICE"`: plog.SeverityNumberWarn, `"error"`: plog.SeverityNumberError,
		`"whatever"`: plog.SeverityNumberInfo, `3`: plog.SeverityNumberInfo,
	} {
		r, err := decode(t, cfg, "application/json", `{"level":`+value+`}`)
		require.NoError(t, err)
		assert.Equal(t, want, records(t, r)[0].SeverityNumber(), value)
	}
	r, err := decode(t, cfg, "application/json", `{"level":"crit"}`)
	require.NoError(t, err)
	assert.Equal(t, "crit", records(t, r)[0].SeverityText(), "the text is the value as sent")

	r, err = decode(t, Config{Severity: &Severity{Text: "WARN"}}, "application/json", `{}`)
	require.NoError(t, err)
	assert.Equal(t, plog.SeverityNumberWarn, records(t, r)[0].SeverityNumber())
	r, err = decode(t, Config{Severity: &Severity{Text: "Notice", Number: 10}}, "application/json", `{}`)
	require.NoError(t, err)
	assert.Equal(t, plog.SeverityNumberInfo2, records(t, r)[0].SeverityNumber())
	assert.Equal(t, "Notice", records(t, r)[0].SeverityText())
}

func TestAttributesAndHeaders(t *testing.T) {
	cfg := Config{Attributes: map[string]string{"repo": "repository.full_name", "first": "list.0", "obj": "repository", "gone": "nope"},
		Headers: []string{"X-GitHub-Hook-ID", "user-agent"}}
	m, err := New("route", cfg)
	require.NoError(t, err)
	h := http.Header{}
	h.Set("X-GitHub-Hook-ID", "42")
	h.Add("User-Agent", "GitHub-Hookshot/abc")
	h.Add("User-Agent", "second")
	r, err := m.Decode(Request{Body: []byte(`{"repository":{"full_name":"o/r"},"list":[7]}`), Header: h, ContentType: "application/json"}, arrival)
	require.NoError(t, err)
	attrs := records(t, r)[0].Attributes().AsRaw()
	assert.Equal(t, map[string]any{
		"repo":                                 "o/r",
		"first":                                int64(7),
		"obj":                                  map[string]any{"full_name": "o/r"},
		"http.request.header.x-github-hook-id": []any{"42"},
		"http.request.header.user-agent":       []any{"GitHub-Hookshot/abc", "second"},
	}, attrs)
}

func TestEventNameAlternativesAndParts(t *testing.T) {
	// GitHub: the header, and .action when the body has one.
	r, err := decode(t, Config{Preset: "github"}, "application/json", `{"action":"opened"}`, "X-GitHub-Event", "issues")
	require.NoError(t, err)
	assert.Equal(t, "issues.opened", records(t, r)[0].EventName())
	r, err = decode(t, Config{Preset: "github"}, "application/json", `{"ref":"refs/heads/main"}`, "X-GitHub-Event", "push")
	require.NoError(t, err)
	assert.Equal(t, "push", records(t, r)[0].EventName())
	// Slack: the inner event's type for event_callback, else the type.
	r, err = decode(t, Config{Preset: "slack"}, "application/json", `{"type":"event_callback","event":{"type":"app_mention"}}`)
	require.NoError(t, err)
	assert.Equal(t, "app_mention", records(t, r)[0].EventName())
	r, err = decode(t, Config{Preset: "slack"}, "application/json", `{"type":"app_rate_limited"}`)
	require.NoError(t, err)
	assert.Equal(t, "app_rate_limited", records(t, r)[0].EventName())
	// A key of the route overrides the preset.
	r, err = decode(t, Config{Preset: "github", EventName: &Source{Field: "hook.type"}}, "application/json", `{"hook":{"type":"Repository"}}`, "X-GitHub-Event", "ping2")
	require.NoError(t, err)
	assert.Equal(t, "Repository", records(t, r)[0].EventName())
	// Numbers are names and ids too.
	r, err = decode(t, Config{ID: &Source{Field: "id"}}, "application/json", `{"id":12345}`)
	require.NoError(t, err)
	assert.Equal(t, []string{"12345"}, r.IDs)
}

func TestSpecials(t *testing.T) {
	r, err := decode(t, Config{Preset: "slack"}, "application/json", `{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	require.NoError(t, err)
	require.NotNil(t, r.Special)
	require.NotNil(t, r.Special.Reply)
	assert.JSONEq(t, `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`, string(r.Special.Reply.Body))
	assert.Equal(t, "application/json", r.Special.Reply.ContentType)

	r, err = decode(t, Config{Preset: "github"}, "application/json", `{"zen":"Keep it logically awesome.","hook_id":1}`, "X-GitHub-Event", "ping")
	require.NoError(t, err)
	require.NotNil(t, r.Special)
	assert.True(t, r.Special.Test)
	assert.Nil(t, r.Special.Reply)
}

func TestAccepts(t *testing.T) {
	m, err := New("r", Config{})
	require.NoError(t, err)
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/cloudevents+json", "application/x-www-form-urlencoded"} {
		ok, _ := m.Accepts(ct)
		assert.True(t, ok, ct)
	}
	ok, hint := m.Accepts("text/plain")
	assert.False(t, ok)
	assert.Equal(t, `unsupported Content-Type "text/plain": use application/json or application/x-www-form-urlencoded, or set body: raw to take any body as text`, hint)
	ok, _ = m.Accepts("")
	assert.False(t, ok)
	nd, err := New("r", Config{Split: Split{Mode: SplitNDJSON}})
	require.NoError(t, err)
	ok, _ = nd.Accepts("application/x-ndjson")
	assert.True(t, ok)
	raw, err := New("r", Config{Body: BodyRaw})
	require.NoError(t, err)
	ok, _ = raw.Accepts("application/octet-stream")
	assert.True(t, ok)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Preset: "gitlub"}, `"preset": unknown "gitlub": one of calendly, discord, dropbox, github, gitlab, hubspot, linear, mailgun, openrouter, paddle, pagerduty, sendgrid, sentry, shopify, slack, square, standard_webhooks, stripe, twilio, twitch, typeform, zoom`},
		{Config{Body: "xml"}, `"body": unknown "xml": one of json, raw`},
		{Config{Split: Split{Mode: "lines"}}, `"split": unknown "lines"`},
		{Config{Body: BodyRaw, Split: Split{Mode: SplitArray}}, `"split": array needs body json`},
		{Config{Split: Split{Field: "a..b"}}, `"split::field": "a..b" has an empty segment`},
		{Config{EventName: &Source{}}, `"event_name": set field (a dotted path) or header`},
		{Config{ID: &Source{Field: "a", Header: "b"}}, `"id": set field or header, not both`},
		{Config{ID: &Source{Header: "bad header"}}, `"id::header": "bad header" is not a valid header name`},
		{Config{Timestamp: &Timestamp{Field: "t", Format: "iso"}}, `"timestamp::format": unknown "iso"`},
		{Config{Severity: &Severity{}}, `"severity": set text (and number) or field (and map)`},
		{Config{Severity: &Severity{Text: "loud"}}, `"severity::text": "loud" is not a severity name`},
		{Config{Severity: &Severity{Field: "l", Map: map[string]string{"x": "loud"}}}, `"severity::map::x": "loud" is not a severity name`},
		{Config{Severity: &Severity{Text: "x", Number: 30}}, `"severity::number": 30 is not a severity number`},
		{Config{Attributes: map[string]string{"a": ""}}, `"attributes::a": the path is empty`},
		{Config{Headers: []string{"no good"}}, `"headers[0]": "no good" is not a valid header name`},
	}
	for _, tt := range tests {
		assert.ErrorContains(t, tt.cfg.Validate(), tt.want)
	}
	assert.NoError(t, (&Config{Preset: "stripe", Split: Split{Field: "events"}, Severity: &Severity{Text: "warn"}}).Validate())
}
