package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

const (
	// maxFlashes bounds the results kept for the page; the oldest go first.
	maxFlashes = 64
	// flashTTL is how long a result can be shown after its action.
	flashTTL = 10 * time.Minute
	// maxFormBody bounds an action's form.
	maxFormBody = 16 << 10
)

// actionRoutes serves the page's buttons: POST forms answered by a
// redirect back to the page, which shows the result. The cross-origin
// check in front of the mux refuses them from any other site.
func (c *webhookConsole) actionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /actions/replay", c.pageAction(c.actReplay))
	mux.HandleFunc("POST /actions/delete", c.pageAction(c.actDelete))
	mux.HandleFunc("POST /actions/replay-dead", c.pageAction(c.actReplayDead))
	mux.HandleFunc("POST /actions/enable", c.pageAction(c.actEnable))
	mux.HandleFunc("POST /actions/test", c.pageAction(c.actTest))
}

// flash is the result of an action, shown once the page is back.
type flash struct {
	OK      bool
	Message string
	// Detail is shown under the message, such as a test's response.
	Detail string
	at     time.Time
}

// flashes keeps the latest results by a random id.
type flashes struct {
	mu    sync.Mutex
	byID  map[string]*flash
	order []string
}

func (f *flashes) put(fl *flash) string {
	id := rand.Text()
	fl.at = time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byID == nil {
		f.byID = map[string]*flash{}
	}
	f.byID[id] = fl
	f.order = append(f.order, id)
	if len(f.order) > maxFlashes {
		delete(f.byID, f.order[0])
		f.order = f.order[1:]
	}
	return id
}

func (f *flashes) get(id string) *flash {
	if id == "" {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.byID[id]
	if fl == nil || time.Since(fl.at) > flashTTL {
		return nil
	}
	return fl
}

// action does what a form asks and returns its result and the anchor of
// the section to go back to.
type action func(ctx context.Context, form url.Values) (res *flash, anchor string)

func (c *webhookConsole) pageAction(do action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		var res *flash
		anchor := "sending"
		if err := r.ParseForm(); err != nil {
			res = &flash{Message: "The form could not be read: " + err.Error()}
		} else {
			res, anchor = do(r.Context(), r.PostForm)
		}
		loc := "/?result=" + url.QueryEscape(c.flashes.put(res)) + "#" + anchor
		http.Redirect(w, r, loc, http.StatusSeeOther)
	}
}

// formExporter finds the exporter a form names.
func (c *webhookConsole) formExporter(form url.Values) (console.Exporter, *flash) {
	e, err := c.registry.exporter(form.Get("exporter"), form.Get("signal"))
	if err != nil {
		return nil, &flash{Message: err.Error()}
	}
	return e, nil
}

func named(e console.Exporter) string { return e.ID() + " (" + e.Signal() + ")" }

// onFormDelivery runs do on the exporter that holds the delivery the form
// names.
func (c *webhookConsole) onFormDelivery(ctx context.Context, form url.Values, verb string,
	do func(console.Exporter, string) error,
) (*flash, string) {
	id := form.Get("id")
	if id == "" {
		return &flash{Message: verb + ": the form names no delivery"}, "sending"
	}
	for _, e := range c.registry.allExporters() {
		err := do(e, id)
		if errors.Is(err, console.ErrNotFound) {
			continue
		}
		if err != nil {
			return &flash{Message: fmt.Sprintf("%s of delivery %s failed: %v", verb, id, err)}, exporterAnchor(e)
		}
		return &flash{OK: true, Message: fmt.Sprintf("%s: delivery %s of %s.", verb, id, named(e))}, exporterAnchor(e)
	}
	return &flash{Message: fmt.Sprintf("%s: no delivery %q (it may have been delivered or deleted meanwhile)", verb, id)}, "sending"
}

func (c *webhookConsole) actReplay(ctx context.Context, form url.Values) (*flash, string) {
	return c.onFormDelivery(ctx, form, "Replay scheduled now", func(e console.Exporter, id string) error { return e.Replay(ctx, id) })
}

func (c *webhookConsole) actDelete(ctx context.Context, form url.Values) (*flash, string) {
	return c.onFormDelivery(ctx, form, "Deleted", func(e console.Exporter, id string) error { return e.Delete(ctx, id) })
}

func (c *webhookConsole) actReplayDead(ctx context.Context, form url.Values) (*flash, string) {
	e, res := c.formExporter(form)
	if res != nil {
		return res, "sending"
	}
	n, err := e.ReplayDead(ctx, time.Time{})
	if err != nil {
		return &flash{Message: fmt.Sprintf("Replaying the dead letters of %s failed: %v", named(e), err)}, exporterAnchor(e)
	}
	return &flash{OK: true, Message: fmt.Sprintf("Replayed %d dead %s of %s: scheduled for now.", n, plural(n, "letter", "letters"), named(e))}, exporterAnchor(e)
}

func (c *webhookConsole) actEnable(ctx context.Context, form url.Values) (*flash, string) {
	e, res := c.formExporter(form)
	if res != nil {
		return res, "sending"
	}
	if err := e.Enable(ctx); err != nil {
		return &flash{Message: fmt.Sprintf("Enabling %s failed: %v", named(e), err)}, exporterAnchor(e)
	}
	return &flash{OK: true, Message: fmt.Sprintf("Enabled %s: its state is %s.", named(e), e.Status(ctx).State)}, exporterAnchor(e)
}

func (c *webhookConsole) actTest(ctx context.Context, form url.Values) (*flash, string) {
	e, res := c.formExporter(form)
	if res != nil {
		return res, "sending"
	}
	tr := e.TestConnection(ctx)
	var b strings.Builder
	fmt.Fprintf(&b, "Send test to %s: ", named(e))
	switch {
	case tr.Status != 0:
		fmt.Fprintf(&b, "HTTP %d %s in %d ms", tr.Status, http.StatusText(tr.Status), tr.DurationMS)
		if tr.Error != "" {
			fmt.Fprintf(&b, ": %s", tr.Error)
		}
	case tr.Error != "":
		fmt.Fprintf(&b, "no response after %d ms: %s", tr.DurationMS, tr.Error)
	default:
		fmt.Fprintf(&b, "no response after %d ms", tr.DurationMS)
	}
	return &flash{OK: tr.OK, Message: b.String(), Detail: tr.Response}, exporterAnchor(e)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
