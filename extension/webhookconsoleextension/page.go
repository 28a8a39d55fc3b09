package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// The page, its style sheet and script are served from the binary: the
// collector may run where no CDN is reachable.
//
//go:embed assets
var assets embed.FS

var pageTemplate = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"when":     formatTime,
	"whenMS":   formatTimeMS,
	"duration": formatDuration,
	"str": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
	"last": func(a []console.Attempt) *console.Attempt {
		if len(a) == 0 {
			return nil
		}
		return &a[len(a)-1]
	},
	"statusText": func(code int) string {
		if code == 0 {
			return "no response"
		}
		return http.StatusText(code)
	},
}).ParseFS(assets, "assets/page.html"))

const (
	// pageDeliveries bounds the deliveries listed per exporter.
	pageDeliveries = 50
	// pageCSP allows the page nothing but its own style sheet, script and
	// icon, and forms that post to itself; no frame may hold it.
	pageCSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	// apiCSP keeps a body served by the API from running anything, whatever
	// Content-Type it declares.
	apiCSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
)

// pageRoutes serves the page, its assets and its actions.
func (c *webhookConsole) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", c.servePage)
	static, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(static)
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "page.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})))
	c.actionRoutes(mux)
}

// pageView is what the page shows.
type pageView struct {
	Now    time.Time
	Result *flash
	Filter filterView
	// ReceiverIDs and Routes are what the filter offers.
	ReceiverIDs []string
	Routes      []string
	Outcomes    []string
	Receivers   []receiverView
	Exporters   []exporterView
}

type filterView struct {
	Receiver, Route, Outcome string
}

type receiverView struct {
	ID     string
	Routes []console.RouteInfo
	Kept   int
	Rows   []console.Received
}

type exporterView struct {
	ID, Signal, Endpoint string
	Anchor               string
	console.Status
	Deliveries []console.Delivery
	Error      string
}

func (c *webhookConsole) servePage(w http.ResponseWriter, r *http.Request) {
	view, status := c.pageView(r)
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, view); err != nil {
		c.logger.Error("Rendering the console page failed", zap.Error(err))
		http.Error(w, "rendering the page failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// pageView gathers the page; a filter that names no registered receiver or
// route is shown, with a 400, above empty tables.
func (c *webhookConsole) pageView(r *http.Request) (pageView, int) {
	ctx := r.Context()
	v := pageView{Now: time.Now(), Outcomes: console.Outcomes, Result: c.flashes.get(r.URL.Query().Get("result"))}
	status := http.StatusOK
	f, err := parseReceivedFilter(r.URL.Query())
	if err == nil {
		err = c.received.check(f)
	}
	if err != nil {
		v.Result = &flash{Message: "Filter: " + err.Error()}
		status = http.StatusBadRequest
	}
	v.Filter = filterView{Receiver: f.receiver, Route: f.route, Outcome: f.outcome}
	for _, ring := range c.received.all() {
		v.ReceiverIDs = append(v.ReceiverIDs, ring.info.ID)
		for _, rt := range ring.info.Routes {
			if !slices.Contains(v.Routes, rt.Name) {
				v.Routes = append(v.Routes, rt.Name)
			}
		}
		if err != nil || f.receiver == "" || f.receiver == ring.info.ID {
			rv := receiverView{ID: ring.info.ID, Routes: ring.info.Routes, Kept: ring.len()}
			if err == nil {
				rv.Rows = ring.matching(f)
			}
			v.Receivers = append(v.Receivers, rv)
		}
	}
	slices.Sort(v.Routes)
	for _, e := range c.registry.allExporters() {
		ev := exporterView{ID: e.ID(), Signal: e.Signal(), Endpoint: e.Endpoint(), Anchor: exporterAnchor(e), Status: e.Status(ctx)}
		var err error
		ev.Deliveries, err = e.List(ctx, console.Filter{Limit: pageDeliveries})
		if err != nil {
			ev.Error = "listing its deliveries failed: " + err.Error()
		}
		v.Exporters = append(v.Exporters, ev)
	}
	return v, status
}

// exporterAnchor is the id of an exporter's section, for the redirect
// after an action.
func exporterAnchor(e console.Exporter) string {
	return "exporter-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, e.ID()+"-"+e.Signal())
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// formatTimeMS is formatTime with milliseconds, for attempts that follow
// each other within a second.
func formatTimeMS(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.000Z")
}

func formatDuration(ms float64) string {
	switch {
	case ms < 1:
		return fmt.Sprintf("%.0f µs", ms*1000)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.0f ms", ms)
	}
}
