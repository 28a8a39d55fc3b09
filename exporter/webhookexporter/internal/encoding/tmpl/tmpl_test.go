package tmpl

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

var eventTime = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// alerts are OpenRouter events as the webhook receiver turns them into log
// records.
func alerts() *encoding.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "openrouter")
	records := rl.ScopeLogs().AppendEmpty().LogRecords()

	credit := records.AppendEmpty()
	credit.SetEventName("credit.low_balance")
	credit.SetTimestamp(pcommon.NewTimestampFromTime(eventTime))
	credit.SetSeverityNumber(plog.SeverityNumberWarn)
	credit.SetSeverityText("WARN")
	credit.Body().SetStr(`{"type":"credit.low_balance"}`)
	credit.Attributes().PutStr("openrouter.event.id", "evt_1")
	credit.Attributes().PutDouble("openrouter.data.current_balance", 4.2)
	credit.Attributes().PutInt("openrouter.data.threshold_amount", 10)
	credit.Attributes().PutStr("openrouter.data.currency", "USD")

	status := records.AppendEmpty()
	status.SetEventName("model.status_change")
	status.SetTimestamp(pcommon.NewTimestampFromTime(eventTime.Add(time.Minute)))
	status.Attributes().PutStr("openrouter.data.model_id", "openai/gpt-4o")
	status.Attributes().PutStr("openrouter.data.new_status", `degraded "partially"`)
	status.Attributes().PutStr("openrouter.data.timestamp", "2026-03-04T05:16:00Z")
	return encoding.NewLogs(ld)
}

func chatSpans() *encoding.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "openrouter")
	rs.Resource().Attributes().PutStr("deployment.environment", "prod")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("openrouter.broadcast")
	for i := range 3 {
		span := ss.Spans().AppendEmpty()
		span.SetName(fmt.Sprintf("chat %d", i))
		span.SetTraceID(pcommon.TraceID{0x5b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, byte(i)})
		span.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, byte(i)})
		span.SetKind(ptrace.SpanKindClient)
		span.SetStartTimestamp(pcommon.NewTimestampFromTime(eventTime))
		span.SetEndTimestamp(pcommon.NewTimestampFromTime(eventTime.Add(1250 * time.Millisecond)))
		span.Status().SetCode(ptrace.StatusCodeOk)
		span.Attributes().PutStr("gen_ai.request.model", "openai/gpt-4o")
		span.Attributes().PutInt("gen_ai.usage.total_tokens", int64(100+i))
		span.Attributes().PutDouble("gen_ai.usage.cost", 0.000671)
		span.Attributes().PutStr("user.id", "user_12345")
		span.Events().AppendEmpty().SetName("gen_ai.choice")
	}
	return encoding.NewTraces(td)
}

func newEncoder(t *testing.T, body string, per Per, contentType string) *Encoder {
	t.Helper()
	e, err := New(Config{Body: body, Per: per, ContentType: contentType})
	require.NoError(t, err)
	return e
}

func render(t *testing.T, b encoding.Batch, from, to int) string {
	t.Helper()
	body, err := b.Encode(from, to)
	require.NoError(t, err)
	return string(body)
}

func TestPerItemLogRecordFields(t *testing.T) {
	const body = `{"text": {{printf "%s: balance %v %s (threshold %v) at %s" .EventName (attr "openrouter.data.current_balance") (attr "openrouter.data.currency") (attr "openrouter.data.threshold_amount") (date "2006-01-02 15:04 MST" .Time) | json}},
 "severity": {{json .SeverityText}}, "number": {{.SeverityNumber}}, "service": {{json (resource "service.name")}},
 "balance": {{json (attr "openrouter.data.current_balance")}}, "missing": {{json (attr "nope")}}, "body": {{json .Body}}}`
	b := newEncoder(t, body, PerItem, "").Logs(alerts())
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(render(t, b, 0, 1)), &got))
	assert.Equal(t, map[string]any{
		"text":     "credit.low_balance: balance 4.2 USD (threshold 10) at 2026-03-04 05:06 UTC",
		"severity": "WARN",
		"number":   float64(13),
		"service":  "openrouter",
		"balance":  4.2,
		"missing":  "",
		"body":     `{"type":"credit.low_balance"}`,
	}, got)
}

func TestPerItemSpanFields(t *testing.T) {
	const body = `{{.Name}}|{{.Kind}}|{{.StatusCode}}|{{.TraceID}}|{{.SpanID}}|{{.Duration}}|{{.StartTime.Unix}}|{{attr "gen_ai.usage.total_tokens"}}|{{len .Events}}|{{resource "deployment.environment"}}|{{.ServiceName}}|{{.ScopeName}}`
	b := newEncoder(t, body, PerItem, "text/plain").Traces(chatSpans())
	assert.Equal(t, "chat 1|client|ok|5b0102030405060708090a0b0c0d0e01|0102030405060701|1.25s|1772600767|101|1|prod|openrouter|openrouter.broadcast", render(t, b, 1, 2))
}

func TestJSONFunctionEscapes(t *testing.T) {
	b := newEncoder(t, `{"text": {{json (attr "openrouter.data.new_status")}}, "all": {{json .Attributes}}}`, PerItem, "").Logs(alerts())
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(render(t, b, 1, 2)), &got))
	assert.Equal(t, `degraded "partially"`, got["text"])
	assert.Equal(t, "openai/gpt-4o", got["all"].(map[string]any)["openrouter.data.model_id"])
}

func TestFunctions(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"default keeps a value", `{{attr "openrouter.data.currency" | default "n/a"}}`, "USD"},
		{"default replaces an absent attribute", `{{attr "missing" | default "n/a"}}`, "n/a"},
		{"default replaces zero", `{{default 5 0}}`, "5"},
		{"default in Helm's order", `{{default "fallback" ""}}`, "fallback"},
		{"absent attribute prints nothing", `[{{attr "missing"}}]`, "[]"},
		{"attr keeps the type", `{{printf "%T" (attr "openrouter.data.threshold_amount")}}`, "int64"},
		{"truncate cuts with an ellipsis", `{{truncate 5 "abcdefgh"}}`, "abcd…"},
		{"truncate counts characters", `{{truncate 3 "日本語です"}}`, "日本…"},
		{"truncate leaves short text", `{{truncate 10 "short"}}`, "short"},
		{"truncate prints numbers", `{{truncate 2 (attr "openrouter.data.current_balance")}}`, "4…"},
		{"date of a time field", `{{date "15:04:05" .Time}}`, "05:06:07"},
		{"date of RFC 3339 text", `{{date "2006-01-02" "2026-12-31T23:59:59+02:00"}}`, "2026-12-31"},
		{"attr of an explicit item", `{{attr "openrouter.event.id" .}}`, "evt_1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newEncoder(t, tt.body, PerItem, "text/plain").Logs(alerts())
			assert.Equal(t, tt.want, render(t, b, 0, 1))
		})
	}
}

func TestPerRequestRendersTheRun(t *testing.T) {
	const body = `[{{range $i, $s := .}}{{if $i}},{{end}}{"name": {{json $s.Name}}, "tokens": {{json (attr "gen_ai.usage.total_tokens" $s)}}}{{end}}]`
	e := newEncoder(t, body, PerRequest, "")
	assert.False(t, e.PerItem())
	b := e.Traces(chatSpans())
	assert.JSONEq(t, `[{"name":"chat 1","tokens":101},{"name":"chat 2","tokens":102}]`, render(t, b, 1, 3))
	assert.JSONEq(t, `[{"name":"chat 0","tokens":100}]`, render(t, b, 0, 1))
}

func TestEmptyRenderingSendsNothing(t *testing.T) {
	const body = `{{if eq .EventName "credit.low_balance"}}{"text": "low balance"}{{end}}
`
	b := newEncoder(t, body, PerItem, "").Logs(alerts())
	assert.JSONEq(t, `{"text": "low balance"}`, render(t, b, 0, 1))
	out, err := b.Encode(1, 2)
	require.NoError(t, err)
	assert.Empty(t, out, "white space only: nothing to send, not an error")
}

func TestParseErrorsNameTheLine(t *testing.T) {
	tests := []struct{ body, want string }{
		{"{\n  \"text\": {{json .Name}\n}", `line 2: bad character U+007D '}'`},
		{"ok\n{{nosuch .Name}}", `line 2: function "nosuch" not defined`},
		{"{{if .Name}}\nopen", `line 2: unexpected EOF`},
		{"a\nb\n{{.Name", `line 3: unclosed action`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.body)
		require.Error(t, err, tt.body)
		assert.Equal(t, tt.want, err.Error())
	}
}

func TestRenderErrorsAreClear(t *testing.T) {
	tests := []struct {
		name, body string
		per        Per
		want       []string
	}{
		{"invalid JSON", `{"text": "{{.EventName}}", }`, PerItem, []string{"the rendered body is not valid JSON (Content-Type application/json)", "at byte", "use the json function"}},
		{"unknown field", `{{.Nmae}}`, PerItem, []string{"line 1, column 2, in <.Nmae>: can't evaluate field Nmae"}},
		{"attr without an item in per: request", `{{range .}}{{attr "k"}}{{end}}`, PerRequest, []string{"attr KEY without an item only works with per: item", "{{attr KEY $item}}"}},
		{"attr of something else", `{{attr "k" "x"}}`, PerItem, []string{"attr: the item must be a span, a log record or a data point, got string"}},
		{"date of bad text", `{{date "2006" "yesterday"}}`, PerItem, []string{`date: "yesterday" is not an RFC 3339 time`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newEncoder(t, tt.body, tt.per, "").Logs(alerts()).Encode(0, 1)
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.NotContains(t, err.Error(), "credit.low_balance", "the rendered body is not quoted")
		})
	}
}

func TestContentTypes(t *testing.T) {
	assert.True(t, IsJSON("application/json"))
	assert.True(t, IsJSON("application/json; charset=utf-8"))
	assert.True(t, IsJSON("application/vnd.api+json"))
	assert.False(t, IsJSON("text/plain"))
	assert.False(t, IsJSON("application/x-www-form-urlencoded"))

	e := newEncoder(t, `text={{.EventName}}`, PerItem, "application/x-www-form-urlencoded")
	assert.Equal(t, "application/x-www-form-urlencoded", e.ContentType())
	assert.Equal(t, "text=credit.low_balance", render(t, e.Logs(alerts()), 0, 1), "not JSON, not checked as JSON")
	assert.Equal(t, "application/json", newEncoder(t, `{}`, PerItem, "").ContentType())
	assert.Empty(t, e.TestBody())
}

func TestNewRefusesBadConfig(t *testing.T) {
	_, err := New(Config{Body: "{}", Per: "batch"})
	assert.EqualError(t, err, `per must be item or request, got "batch"`)
	_, err = New(Config{Body: "{{", Per: PerItem})
	assert.ErrorContains(t, err, "line 1:")
}

// attr reads the item each rendering is for, also when items are rendered
// at the same time.
func TestConcurrentRenderingsKeepTheirItems(t *testing.T) {
	e := newEncoder(t, `{{attr "gen_ai.usage.total_tokens"}}`, PerItem, "text/plain")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := e.Traces(chatSpans())
			for n := range 200 {
				i := (g + n) % 3
				body, err := b.Encode(i, i+1)
				assert.NoError(t, err)
				assert.Equal(t, fmt.Sprint(100+i), strings.TrimSpace(string(body)))
			}
		}()
	}
	wg.Wait()
}

// The README's Elasticsearch _bulk template: an action line before each
// document, every line JSON.
func TestBulkFramingTemplate(t *testing.T) {
	const body = "{{range .}}{\"create\": {}}\n{{json .}}\n{{end}}\n"
	e := newEncoder(t, body, PerRequest, "application/x-ndjson")
	out := render(t, e.Traces(chatSpans()), 0, 2)
	lines := strings.Split(strings.TrimSuffix(out, "\n\n"), "\n")
	require.Len(t, lines, 4)
	for i, line := range lines {
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &v), "line %d: %s", i, line)
		if i%2 == 0 {
			assert.Equal(t, map[string]any{"create": map[string]any{}}, v)
		} else {
			assert.Equal(t, fmt.Sprintf("chat %d", i/2), v["name"])
			assert.Equal(t, "openai/gpt-4o", v["attributes"].(map[string]any)["gen_ai.request.model"])
		}
	}
}
