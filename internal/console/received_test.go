package console

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
)

type fakeReceivedConsole struct {
	fakeConsole
}

func (*fakeReceivedConsole) RegisterReceiver(ReceiverInfo) (ReceivedLog, func()) {
	return nil, func() {}
}

func TestFindReceived(t *testing.T) {
	assert.Nil(t, FindReceived(nil))
	assert.Nil(t, FindReceived(componenttest.NewNopHost()))
	assert.Nil(t, FindReceived(host{component.MustNewID("webhook_console"): &fakeConsole{}}), "a console for exporters only")
	a, b := &fakeReceivedConsole{}, &fakeReceivedConsole{}
	for range 20 {
		h := host{component.MustNewIDWithName("webhook_console", "b"): b, component.MustNewIDWithName("webhook_console", "a"): a}
		assert.Same(t, a, FindReceived(h), "the same one every time")
		assert.Same(t, Console(a), Find(h), "the one the exporters find")
	}
}

func TestReceivedJSON(t *testing.T) {
	// The console's JSON field names are part of its API.
	body := `{"a":1}`
	r := Received{At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Receiver: "webhook", Route: "github", Method: "POST",
		Path: "/github", Source: "203.0.113.7", Status: 401, Outcome: OutcomeUnauthorized, Message: "no",
		DurationMS: 0.25, Headers: Headers{{Name: "B", Value: "2"}, {Name: "A", Value: "<1>"}}}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"at":"2026-01-02T03:04:05Z","receiver":"webhook","route":"github","method":"POST","path":"/github",
		"source":"203.0.113.7","status":401,"outcome":"unauthorized","message":"no","items":0,"duplicates":0,
		"duration_ms":0.25,"headers":{"B":"2","A":"<1>"}}`, string(b))
	r.Body, r.BodySize, r.BodyTruncated = &body, 100, true
	b, err = json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"body":"{\"a\":1}","body_size":100,"body_truncated":true}`)

	var back Received
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r.Headers, back.Headers, "headers keep their order")
}
