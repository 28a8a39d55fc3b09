package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"context"
	"net/http"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// consoleExporter is what the exporter registers with the webhook console.
// Without delivery mode it holds no deliveries, but shows its endpoint and
// can test the connection.
type consoleExporter struct{ e *webhookExporter }

var _ console.Exporter = consoleExporter{}

func (c consoleExporter) ID() string       { return c.e.id.String() }
func (c consoleExporter) Signal() string   { return c.e.signal }
func (c consoleExporter) Endpoint() string { return c.e.safeURL }

func (c consoleExporter) Status(context.Context) console.Status {
	if c.e.delivery == nil {
		return console.Status{State: console.StateActive}
	}
	return c.e.delivery.Status()
}

func (c consoleExporter) List(_ context.Context, f console.Filter) ([]console.Delivery, error) {
	if c.e.delivery == nil {
		return nil, nil
	}
	return c.e.delivery.List(f), nil
}

func (c consoleExporter) Get(_ context.Context, id string) (console.Delivery, error) {
	if c.e.delivery == nil {
		return console.Delivery{}, console.ErrNotFound
	}
	return c.e.delivery.Get(id)
}

func (c consoleExporter) Body(ctx context.Context, id string) ([]byte, string, error) {
	if c.e.delivery == nil {
		return nil, "", console.ErrNotFound
	}
	return c.e.delivery.Body(ctx, id)
}

func (c consoleExporter) Replay(ctx context.Context, id string) error {
	if c.e.delivery == nil {
		return console.ErrNotFound
	}
	return c.e.delivery.Replay(ctx, id)
}

func (c consoleExporter) ReplayDead(ctx context.Context, since time.Time) (int, error) {
	if c.e.delivery == nil {
		return 0, nil
	}
	return c.e.delivery.ReplayDead(ctx, since), nil
}

func (c consoleExporter) Delete(ctx context.Context, id string) error {
	if c.e.delivery == nil {
		return console.ErrNotFound
	}
	return c.e.delivery.Delete(ctx, id)
}

func (c consoleExporter) Enable(ctx context.Context) error {
	if c.e.delivery == nil {
		return nil
	}
	return c.e.delivery.Enable(ctx)
}

// TestConnection sends the encoding's empty payload marked with
// X-Test-Connection, as at start, and reports what came back.
func (c consoleExporter) TestConnection(ctx context.Context) console.TestResult {
	e := c.e
	start := time.Now()
	resp, err := e.do(ctx, e.encoder.TestBody(), true, nil)
	res := console.TestResult{DurationMS: time.Since(start).Milliseconds()}
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Status = resp.StatusCode
	res.Response = readExcerpt(resp)
	closeBody(resp)
	res.OK = isSuccess(resp.StatusCode) || resp.StatusCode == http.StatusBadRequest
	if !res.OK {
		res.Error = "HTTP " + statusText(resp.StatusCode)
	}
	return res
}
