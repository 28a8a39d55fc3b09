package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

const (
	defaultListLimit = 100
	maxListLimit     = 10000
)

// exporterRoutes serves the deliveries of the webhook exporters.
func (c *webhookConsole) exporterRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/exporters", c.listExporters)
	mux.HandleFunc("POST /api/v1/exporters/enable", c.enableExporter)
	mux.HandleFunc("POST /api/v1/exporters/test", c.testExporter)
	mux.HandleFunc("GET /api/v1/deliveries", c.listDeliveries)
	mux.HandleFunc("GET /api/v1/deliveries/{id}", c.getDelivery)
	mux.HandleFunc("GET /api/v1/deliveries/{id}/body", c.getBody)
	mux.HandleFunc("POST /api/v1/deliveries/{id}/replay", c.replayDelivery)
	mux.HandleFunc("DELETE /api/v1/deliveries/{id}", c.deleteDelivery)
	mux.HandleFunc("POST /api/v1/replay", c.replayMany)
}

// exporterEntry is one exporter in GET /api/v1/exporters.
type exporterEntry struct {
	Exporter string `json:"exporter"`
	Signal   string `json:"signal"`
	Endpoint string `json:"endpoint"`
	console.Status
}

func entryOf(ctx context.Context, e console.Exporter) exporterEntry {
	return exporterEntry{Exporter: e.ID(), Signal: e.Signal(), Endpoint: e.Endpoint(), Status: e.Status(ctx)}
}

func (c *webhookConsole) listExporters(w http.ResponseWriter, r *http.Request) {
	list := []exporterEntry{}
	for _, e := range c.registry.allExporters() {
		list = append(list, entryOf(r.Context(), e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"exporters": list})
}

// exporterRequest is the body of the requests that name one exporter.
type exporterRequest struct {
	Exporter string `json:"exporter"`
	Signal   string `json:"signal"`
}

// findExporter reads an exporterRequest and answers 400 or 404 when it
// does not name one registered exporter.
func (c *webhookConsole) findExporter(w http.ResponseWriter, r *http.Request) (console.Exporter, bool) {
	var req exporterRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	return c.lookup(w, req.Exporter, req.Signal)
}

func (c *webhookConsole) lookup(w http.ResponseWriter, id, signal string) (console.Exporter, bool) {
	e, err := c.registry.exporter(id, signal)
	if err != nil {
		status := http.StatusBadRequest
		if le, ok := errors.AsType[*lookupError](err); ok && le.notFound {
			status = http.StatusNotFound
		}
		writeError(w, status, err.Error())
		return nil, false
	}
	return e, true
}

func (c *webhookConsole) enableExporter(w http.ResponseWriter, r *http.Request) {
	e, ok := c.findExporter(w, r)
	if !ok {
		return
	}
	if err := e.Enable(r.Context()); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, entryOf(r.Context(), e))
}

func (c *webhookConsole) testExporter(w http.ResponseWriter, r *http.Request) {
	e, ok := c.findExporter(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, e.TestConnection(r.Context()))
}

func (c *webhookConsole) listDeliveries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := checkParams(q, "exporter", "signal", "state", "limit"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	state := q.Get("state")
	if state != "" && state != console.DeliveryScheduled && state != console.DeliveryDead {
		writeError(w, http.StatusBadRequest, fmt.Sprintf(`"state" must be scheduled or dead, got %q`, state))
		return
	}
	limit := defaultListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			writeError(w, http.StatusBadRequest, fmt.Sprintf(`"limit" must be a whole number from 1 to %d, got %q`, maxListLimit, v))
			return
		}
		limit = n
	}
	exporters := c.registry.allExporters()
	if id := q.Get("exporter"); id != "" {
		exporters = slices.DeleteFunc(exporters, func(e console.Exporter) bool {
			return e.ID() != id || (q.Get("signal") != "" && e.Signal() != q.Get("signal"))
		})
		if len(exporters) == 0 {
			_, _ = c.lookup(w, id, q.Get("signal"))
			return
		}
	} else if q.Get("signal") != "" {
		writeError(w, http.StatusBadRequest, `"signal" needs "exporter"`)
		return
	}
	list := []console.Delivery{}
	for _, e := range exporters {
		found, err := e.List(r.Context(), console.Filter{State: state, Limit: limit})
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		list = append(list, found...)
	}
	slices.SortStableFunc(list, func(a, b console.Delivery) int { return b.CreatedAt.Compare(a.CreatedAt) })
	if len(list) > limit {
		list = list[:limit]
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": list})
}

// onDelivery finds the exporter holding the delivery named in the path and
// runs do with it; ErrNotFound from every exporter is a 404.
func (c *webhookConsole) onDelivery(w http.ResponseWriter, r *http.Request, do func(console.Exporter, string) error) {
	id := r.PathValue("id")
	if id == "" {
		writeError(w, http.StatusBadRequest, "the delivery id is empty")
		return
	}
	for _, e := range c.registry.allExporters() {
		err := do(e, id)
		if errors.Is(err, console.ErrNotFound) {
			continue
		}
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
		}
		return
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("no delivery %q", id))
}

func (c *webhookConsole) getDelivery(w http.ResponseWriter, r *http.Request) {
	c.onDelivery(w, r, func(e console.Exporter, id string) error {
		d, err := e.Get(r.Context(), id)
		if err == nil {
			writeJSON(w, http.StatusOK, d)
		}
		return err
	})
}

func (c *webhookConsole) getBody(w http.ResponseWriter, r *http.Request) {
	c.onDelivery(w, r, func(e console.Exporter, id string) error {
		body, contentType, err := e.Body(r.Context(), id)
		if err == nil {
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			// A body is data, never a page of the console's origin, and
			// loads nothing.
			w.Header().Set("Content-Security-Policy", apiCSP)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
		}
		return err
	})
}

func (c *webhookConsole) replayDelivery(w http.ResponseWriter, r *http.Request) {
	c.onDelivery(w, r, func(e console.Exporter, id string) error {
		err := e.Replay(r.Context(), id)
		if err == nil {
			writeJSON(w, http.StatusOK, map[string]int{"replayed": 1})
		}
		return err
	})
}

func (c *webhookConsole) deleteDelivery(w http.ResponseWriter, r *http.Request) {
	c.onDelivery(w, r, func(e console.Exporter, id string) error {
		err := e.Delete(r.Context(), id)
		if err == nil {
			writeJSON(w, http.StatusOK, map[string]int{"deleted": 1})
		}
		return err
	})
}

// replayRequest is the body of POST /api/v1/replay.
type replayRequest struct {
	Exporter string `json:"exporter"`
	Signal   string `json:"signal"`
	State    string `json:"state"`
	Since    string `json:"since"`
}

func (c *webhookConsole) replayMany(w http.ResponseWriter, r *http.Request) {
	var req replayRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if req.State != "" && req.State != console.DeliveryDead {
		writeError(w, http.StatusBadRequest, fmt.Sprintf(`"state" must be "dead" (only dead letters are replayed in bulk), got %q`, req.State))
		return
	}
	var since time.Time
	if req.Since != "" {
		t, err := time.Parse(time.RFC3339Nano, req.Since)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf(`"since" must be an RFC 3339 time such as 2026-01-02T15:04:05Z, got %q`, req.Since))
			return
		}
		since = t
	}
	e, ok := c.lookup(w, req.Exporter, req.Signal)
	if !ok {
		return
	}
	n, err := e.ReplayDead(r.Context(), since)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"replayed": n})
}
