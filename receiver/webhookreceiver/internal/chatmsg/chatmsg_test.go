package chatmsg

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestOpenAIChat(t *testing.T) {
	system, msgs := InputMessages(decode(t, `{"messages":[
		{"role":"system","content":"Be brief."},
		{"role":"user","content":[{"type":"text","text":"What is in it?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},
		{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"look","arguments":"{\"q\":1}"}}]},
		{"role":"tool","tool_call_id":"c1","content":"a cat"}]}`))
	assert.Empty(t, system, "an OpenAI system message stays in the history")
	assert.JSONEq(t, `[
		{"role":"system","parts":[{"type":"text","content":"Be brief."}]},
		{"role":"user","parts":[{"type":"text","content":"What is in it?"},{"type":"uri","modality":"image","uri":"https://example.com/a.png"}]},
		{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"look","arguments":{"q":1}}]},
		{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":"a cat"}]}]`, asJSON(t, msgs))

	out := OutputMessages(decode(t, `{"object":"chat.completion","choices":[{"message":{"role":"assistant","content":"A cat."},"finish_reason":"stop"}]}`))
	assert.JSONEq(t, `[{"role":"assistant","parts":[{"type":"text","content":"A cat."}],"finish_reason":"stop"}]`, asJSON(t, out))
}

func TestAnthropic(t *testing.T) {
	system, msgs := InputMessages(decode(t, `{"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}`))
	assert.JSONEq(t, `[{"type":"text","content":"Be brief."}]`, asJSON(t, system))
	assert.JSONEq(t, `[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]`, asJSON(t, msgs))
	out := OutputMessages(decode(t, `{"type":"message","content":[{"type":"thinking","thinking":"hm"},{"type":"text","text":"Hello."}],"stop_reason":"end_turn"}`))
	assert.JSONEq(t, `[{"role":"assistant","finish_reason":"end_turn","parts":[{"type":"reasoning","content":"hm"},{"type":"text","content":"Hello."}]}]`, asJSON(t, out))
}

func TestNotChat(t *testing.T) {
	_, msgs := InputMessages(decode(t, `{"input":["a"]}`))
	assert.Empty(t, msgs)
	assert.Empty(t, OutputMessages(decode(t, `{"object":"list","data":[{"embedding":[0.1]}]}`)))
}
