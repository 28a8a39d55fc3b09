package webhookconsoleextension

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// pageTestExporter is an exporter that keeps its deliveries in memory, as
// the page sees exporters through console.Exporter.
type pageTestExporter struct {
	id, signal, endpoint string
	test                 console.TestResult

	mu         sync.Mutex
	state      string
	deliveries []console.Delivery
	// calls records what the console asked, in order.
	calls []string
}

var _ console.Exporter = (*pageTestExporter)(nil)

func (e *pageTestExporter) ID() string       { return e.id }
func (e *pageTestExporter) Signal() string   { return e.signal }
func (e *pageTestExporter) Endpoint() string { return e.endpoint }

func (e *pageTestExporter) record(call string) {
	e.calls = append(e.calls, call)
}

func (e *pageTestExporter) called() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}

func (e *pageTestExporter) Status(context.Context) console.Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := console.Status{State: e.state}
	for _, d := range e.deliveries {
		if d.State == console.DeliveryDead {
			s.Dead++
		} else {
			s.Scheduled++
		}
	}
	return s
}

func (e *pageTestExporter) List(_ context.Context, f console.Filter) ([]console.Delivery, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []console.Delivery
	for _, d := range slices.Backward(e.deliveries) {
		if f.State == "" || d.State == f.State {
			out = append(out, d)
		}
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (e *pageTestExporter) find(id string) int {
	return slices.IndexFunc(e.deliveries, func(d console.Delivery) bool { return d.ID == id })
}

func (e *pageTestExporter) Get(_ context.Context, id string) (console.Delivery, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if i := e.find(id); i >= 0 {
		return e.deliveries[i], nil
	}
	return console.Delivery{}, console.ErrNotFound
}

func (e *pageTestExporter) Body(_ context.Context, id string) ([]byte, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.find(id) < 0 {
		return nil, "", console.ErrNotFound
	}
	return []byte(`<script>alert("body")</script>`), "text/html", nil
}

func (e *pageTestExporter) Replay(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	i := e.find(id)
	if i < 0 {
		return console.ErrNotFound
	}
	e.record("replay " + id)
	now := time.Now()
	e.deliveries[i].State, e.deliveries[i].NextAttemptAt = console.DeliveryScheduled, &now
	return nil
}

func (e *pageTestExporter) ReplayDead(_ context.Context, since time.Time) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.record("replay dead")
	n := 0
	for i := range e.deliveries {
		if d := &e.deliveries[i]; d.State == console.DeliveryDead && !d.CreatedAt.Before(since) {
			d.State = console.DeliveryScheduled
			n++
		}
	}
	return n, nil
}

func (e *pageTestExporter) Delete(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	i := e.find(id)
	if i < 0 {
		return console.ErrNotFound
	}
	e.record("delete " + id)
	e.deliveries = slices.Delete(e.deliveries, i, i+1)
	return nil
}

func (e *pageTestExporter) Enable(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.record("enable")
	e.state = console.StateActive
	return nil
}

func (e *pageTestExporter) TestConnection(context.Context) console.TestResult {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.record("test")
	return e.test
}
