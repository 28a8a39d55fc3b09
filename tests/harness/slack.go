package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// SlackMessage is the body of a Slack incoming webhook: text (required
// unless there are blocks), blocks, username and icon_emoji.
type SlackMessage struct {
	Text      string       `json:"text"`
	Blocks    []SlackBlock `json:"blocks"`
	Username  string       `json:"username"`
	IconEmoji string       `json:"icon_emoji"`
}

// SlackBlock is one Block Kit layout block of the kinds a notification
// uses: section (text or fields), header (plain_text), context (elements)
// and divider.
type SlackBlock struct {
	Type     string      `json:"type"`
	Text     *SlackText  `json:"text"`
	Fields   []SlackText `json:"fields"`
	Elements []SlackText `json:"elements"`
}

// SlackText is a text object: mrkdwn or plain_text.
type SlackText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji"`
}

// SlackSink is a loopback server that reads every body as a Slack incoming
// webhook does, strictly: one JSON object with only the keys above, text or
// blocks, well-formed blocks. It answers 200 "ok" to a valid message and
// 400 "invalid_payload" (or "no_text") to anything else, as Slack does.
type SlackSink struct {
	*httptest.Server
	mu       sync.Mutex
	messages []SlackMessage
	refused  []string
}

// StartSlackSink starts a SlackSink, closed when the test ends.
func StartSlackSink(t testing.TB) *SlackSink {
	t.Helper()
	s := &SlackSink{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *SlackSink) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		var msg SlackMessage
		if msg, err = ParseSlackMessage(r.Method, r.Header.Get("Content-Type"), body); err == nil {
			s.mu.Lock()
			s.messages = append(s.messages, msg)
			s.mu.Unlock()
			_, _ = w.Write([]byte("ok"))
			return
		}
	}
	s.mu.Lock()
	s.refused = append(s.refused, fmt.Sprintf("%v: %s", err, body))
	s.mu.Unlock()
	w.WriteHeader(http.StatusBadRequest)
	if errors.Is(err, errSlackNoText) {
		_, _ = w.Write([]byte("no_text"))
		return
	}
	_, _ = w.Write([]byte("invalid_payload"))
}

// Messages returns the messages accepted so far.
func (s *SlackSink) Messages() []SlackMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SlackMessage(nil), s.messages...)
}

// Refused returns why each refused body was refused, with the body.
func (s *SlackSink) Refused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.refused...)
}

var errSlackNoText = errors.New("a message needs text or blocks")

// ParseSlackMessage reads a request as Slack's incoming webhooks do.
func ParseSlackMessage(method, contentType string, body []byte) (SlackMessage, error) {
	var msg SlackMessage
	if method != http.MethodPost {
		return msg, fmt.Errorf("method %s: Slack takes POST", method)
	}
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/json" {
		return msg, fmt.Errorf("Content-Type %q: Slack takes application/json", contentType)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&msg); err != nil {
		return msg, fmt.Errorf("not a Slack message: %w", err)
	}
	if dec.More() {
		return msg, errors.New("data after the message")
	}
	if msg.Text == "" && len(msg.Blocks) == 0 {
		return msg, errSlackNoText
	}
	for i, b := range msg.Blocks {
		if err := b.check(); err != nil {
			return msg, fmt.Errorf("blocks[%d]: %w", i, err)
		}
	}
	return msg, nil
}

func (b SlackBlock) check() error {
	switch b.Type {
	case "section":
		if b.Text == nil && len(b.Fields) == 0 {
			return errors.New("a section needs text or fields")
		}
		if b.Text != nil {
			if err := b.Text.check("mrkdwn", "plain_text"); err != nil {
				return err
			}
		}
		for _, f := range b.Fields {
			if err := f.check("mrkdwn", "plain_text"); err != nil {
				return err
			}
		}
	case "header":
		if b.Text == nil {
			return errors.New("a header needs text")
		}
		return b.Text.check("plain_text")
	case "context":
		if len(b.Elements) == 0 {
			return errors.New("a context needs elements")
		}
		for _, e := range b.Elements {
			if err := e.check("mrkdwn", "plain_text"); err != nil {
				return err
			}
		}
	case "divider":
	default:
		return fmt.Errorf("unknown block type %q", b.Type)
	}
	return nil
}

func (t SlackText) check(types ...string) error {
	for _, ok := range types {
		if t.Type == ok {
			if t.Text == "" {
				return fmt.Errorf("empty %s text", t.Type)
			}
			return nil
		}
	}
	return fmt.Errorf("text type %q, want one of %v", t.Type, types)
}
