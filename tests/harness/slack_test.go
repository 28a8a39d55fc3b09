package harness

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Slack sink refuses what Slack refuses, so a test that passes against
// it sends real Slack messages.
func TestParseSlackMessage(t *testing.T) {
	valid := []string{
		`{"text": "hello"}`,
		`{"text": "hi", "username": "bot", "icon_emoji": ":robot_face:"}`,
		`{"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*bold*"}}]}`,
		`{"text": "t", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "H", "emoji": true}}, {"type": "divider"},
		  {"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}]}, {"type": "context", "elements": [{"type": "plain_text", "text": "c"}]}]}`,
	}
	for _, body := range valid {
		_, err := ParseSlackMessage(http.MethodPost, "application/json", []byte(body))
		assert.NoError(t, err, body)
	}
	refused := []struct{ method, contentType, body, why string }{
		{"POST", "application/json", `{}`, "needs text or blocks"},
		{"POST", "application/json", `{"text": ""}`, "needs text or blocks"},
		{"POST", "application/json", `{"txt": "typo"}`, `unknown field "txt"`},
		{"POST", "application/json", `{"resourceLogs": []}`, `unknown field "resourceLogs"`},
		{"POST", "application/json", `{"text": "a"}{"text": "b"}`, "data after the message"},
		{"POST", "application/json", `{"text": "a", `, "not a Slack message"},
		{"POST", "application/json", `["text"]`, "not a Slack message"},
		{"POST", "application/json", `{"blocks": [{"type": "sektion", "text": {"type": "mrkdwn", "text": "x"}}]}`, `unknown block type "sektion"`},
		{"POST", "application/json", `{"blocks": [{"type": "section"}]}`, "a section needs text or fields"},
		{"POST", "application/json", `{"blocks": [{"type": "section", "text": {"type": "markdown", "text": "x"}}]}`, `text type "markdown"`},
		{"POST", "application/json", `{"blocks": [{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}]}`, `text type "mrkdwn"`},
		{"POST", "text/plain", `{"text": "hello"}`, "Slack takes application/json"},
		{"PUT", "application/json", `{"text": "hello"}`, "Slack takes POST"},
	}
	for _, tc := range refused {
		_, err := ParseSlackMessage(tc.method, tc.contentType, []byte(tc.body))
		require.Error(t, err, tc.body)
		assert.Contains(t, err.Error(), tc.why, tc.body)
	}
}
