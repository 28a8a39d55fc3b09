package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// receivedRoutes serves what the webhook receivers answered.
func (c *webhookConsole) receivedRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/receivers", c.listReceivers)
	mux.HandleFunc("GET /api/v1/received", c.listReceived)
}

// receiverEntry is one receiver in GET /api/v1/receivers.
type receiverEntry struct {
	Receiver string              `json:"receiver"`
	Routes   []console.RouteInfo `json:"routes"`
	// Kept is how many requests the console holds for it.
	Kept int `json:"kept"`
}

func (c *webhookConsole) listReceivers(w http.ResponseWriter, _ *http.Request) {
	list := []receiverEntry{}
	for _, r := range c.received.all() {
		routes := r.info.Routes
		if routes == nil {
			routes = []console.RouteInfo{}
		}
		list = append(list, receiverEntry{Receiver: r.info.ID, Routes: routes, Kept: r.len()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"receivers": list})
}

func (c *webhookConsole) listReceived(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r.URL.Query(), "receiver", "route", "outcome", "limit"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	f, err := parseReceivedFilter(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	list, err := c.received.query(f)
	if err != nil {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	if list == nil {
		list = []console.Received{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"received": list})
}

// parseReceivedFilter reads receiver, route, outcome and limit, naming the
// parameter that is wrong.
func parseReceivedFilter(q url.Values) (receivedFilter, error) {
	f := receivedFilter{receiver: q.Get("receiver"), route: q.Get("route"), outcome: q.Get("outcome"), limit: defaultListLimit}
	if f.outcome != "" && !slices.Contains(console.Outcomes, f.outcome) {
		return f, fmt.Errorf(`"outcome" must be one of %s, got %q`, strings.Join(console.Outcomes, ", "), f.outcome)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return f, fmt.Errorf(`"limit" must be a whole number from 1 to %d, got %q`, maxListLimit, v)
		}
		f.limit = n
	}
	return f, nil
}
