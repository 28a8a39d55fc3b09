package console

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
)

type host map[component.ID]component.Component

func (h host) GetExtensions() map[component.ID]component.Component { return h }

type other struct {
	component.StartFunc
	component.ShutdownFunc
}

type fakeConsole struct {
	other
	got []Exporter
}

func (c *fakeConsole) RegisterExporter(e Exporter) func() {
	c.got = append(c.got, e)
	return func() {}
}

func TestFind(t *testing.T) {
	assert.Nil(t, Find(nil))
	assert.Nil(t, Find(componenttest.NewNopHost()))
	assert.Nil(t, Find(host{component.MustNewID("health_check"): other{}}))
	c := &fakeConsole{}
	found := Find(host{component.MustNewID("health_check"): other{}, component.MustNewIDWithName("webhook_console", "ops"): c})
	assert.Same(t, c, found, "found by what it implements, whatever its name")
	first := &fakeConsole{}
	for range 20 {
		found = Find(host{component.MustNewIDWithName("webhook_console", "b"): c, component.MustNewIDWithName("webhook_console", "a"): first})
		assert.Same(t, first, found, "the same one every time")
	}
}

func TestDeliveryJSON(t *testing.T) {
	// The console's JSON field names are part of its API.
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := Delivery{ID: "x", State: DeliveryDead, CreatedAt: at, Attempts: []Attempt{{At: at, Status: 401}}}
	b, err := json.Marshal(d)
	assert.NoError(t, err)
	assert.JSONEq(t, `{"id":"x","exporter":"","signal":"","state":"dead","webhook_id":"","items":0,"bytes":0,
		"created_at":"2026-01-02T03:04:05Z","next_attempt_at":null,"reason":"","headers":null,
		"attempts":[{"at":"2026-01-02T03:04:05Z","duration_ms":0,"status":401,"error":"","response":""}]}`, string(b))
}
