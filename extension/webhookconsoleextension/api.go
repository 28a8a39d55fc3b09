package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// maxRequestBody bounds the JSON body of an API request.
const maxRequestBody = 64 << 10

// routes is the console's mux. Each concern adds its own routes: the
// exporter API here; other APIs and pages beside it.
func (c *webhookConsole) routes() http.Handler {
	mux := http.NewServeMux()
	c.exporterRoutes(mux)
	c.receivedRoutes(mux)
	c.pageRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no API route %s %s", r.Method, r.URL.Path))
	})
	return protect(mux)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError answers {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// readJSON decodes a request's JSON body into v, refusing unknown fields,
// trailing data and bodies over maxRequestBody; the error names the problem.
func readJSON(r *http.Request, v any) error {
	// A JSON content type makes a cross-site request from a browser
	// preflighted (and refused: the console answers no CORS preflight
	// unless configured to), so a web page cannot replay through a console
	// on the operator's loopback.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Errorf("the request body must be JSON sent with Content-Type: application/json, got %q", r.Header.Get("Content-Type"))
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the request body is empty: a JSON object is required")
		}
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fmt.Errorf("the request body is over %d bytes", maxRequestBody)
		}
		return fmt.Errorf("the request body is not the JSON object expected: %w", err)
	}
	if dec.More() {
		return errors.New("the request body has data after its JSON object")
	}
	return nil
}

// checkParams refuses query parameters other than allowed, so that a
// misspelt filter is not silently a list of everything.
func checkParams(q url.Values, allowed ...string) error {
	for name := range q {
		if !slices.Contains(allowed, name) {
			return fmt.Errorf("unknown query parameter %q: the parameters are %s", name, strings.Join(allowed, ", "))
		}
	}
	return nil
}
