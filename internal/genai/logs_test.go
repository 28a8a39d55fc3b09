package genai

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestRedactLogs(t *testing.T) {
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	first := records.AppendEmpty()
	first.Attributes().PutStr("gen_ai.prompt", "secret prompt")
	first.Attributes().PutStr("gen_ai.output.messages", "[]")
	first.Attributes().PutStr("gen_ai.completion.0.content", "secret answer")
	first.Attributes().PutStr("gen_ai.request.model", "openai/gpt-4o")
	first.Body().SetStr(`{"gen_ai.prompt":"kept: bodies are not redacted"}`)
	second := records.AppendEmpty()
	second.Attributes().PutStr("openrouter.event.type", "credit.low_balance")
	second.Attributes().PutDouble("openrouter.data.current_balance", 4.2)

	assert.Equal(t, 3, RedactLogs(ld))
	assert.Equal(t, map[string]any{"gen_ai.request.model": "openai/gpt-4o"}, first.Attributes().AsRaw())
	assert.Equal(t, `{"gen_ai.prompt":"kept: bodies are not redacted"}`, first.Body().Str())
	assert.Equal(t, map[string]any{
		"openrouter.event.type":           "credit.low_balance",
		"openrouter.data.current_balance": 4.2,
	}, second.Attributes().AsRaw())
}
