package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"
)

// Sender names, as the `sender` attribute of the receiver's metrics and the
// namespace of their dedup keys.
const (
	senderOTLP             = "otlp"
	senderOpenRouterEvents = "openrouter_events"
	senderHelicone         = "helicone"
)

// The signature headers of the senders, their hmac_sha256 defaults.
const (
	headerOpenRouterSignature = "X-OpenRouter-Signature"
	headerHeliconeSignature   = "Helicone-Signature"
)

// senderSpecs are what the senders with a section of their own differ in,
// by their config key (which is also their sender name).
var senderSpecs = map[string]struct {
	// header carries the sender's hmac_sha256 signature by default.
	header string
	signal pipeline.Signal
	decode decodeFunc
}{
	senderOpenRouterEvents: {headerOpenRouterSignature, pipeline.SignalLogs, decodeOpenRouterEvents},
	senderHelicone:         {headerHeliconeSignature, pipeline.SignalTraces, decodeHelicone},
	senderLiteLLM:          {"", pipeline.SignalTraces, decodeLiteLLM},
}

// route is one path of the receiver: a sender's format and authentication,
// and the signal its data goes to. Everything else about a request (methods,
// content types, limits, dedup, status codes, telemetry) is handled once, in
// handler.go, for every route.
type route struct {
	path   string
	sender string
	// section is the config key of a sender section, "" for the OTLP paths.
	section string
	signal  pipeline.Signal
	auth    *auth
	// otlp: the route takes OTLP JSON and protobuf, answers in OTLP and
	// drops repeated webhook-ids; the other senders send JSON only.
	otlp   bool
	decode decodeFunc
	// mapping reads the deliveries of a webhooks route.
	mapping *webhooks.Mapping
}

// buildRoutes returns the routes of cfg by path.
func buildRoutes(cfg *Config) (map[string]*route, error) {
	topAuth, err := newAuth(cfg.RequiredHeaders, cfg.Signature.Get(), cfg.AllowedSources, signature.Options{})
	if err != nil {
		return nil, err
	}
	routes := map[string]*route{
		cfg.Path: {path: cfg.Path, sender: senderOTLP, signal: pipeline.SignalTraces, auth: topAuth, otlp: true, decode: decodeOTLPTraces},
	}
	if cfg.LogsPath != "" {
		routes[cfg.LogsPath] = &route{path: cfg.LogsPath, sender: senderOTLP, signal: pipeline.SignalLogs, auth: topAuth, otlp: true, decode: decodeOTLPLogs}
	}
	for _, sc := range cfg.senders() {
		spec := senderSpecs[sc.key]
		a, err := newAuth(sc.cfg.RequiredHeaders, sc.cfg.Signature.Get(), sc.cfg.AllowedSources, senderDefaults(sc.key, spec.header))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sc.key, err)
		}
		routes[sc.cfg.Path] = &route{path: sc.cfg.Path, sender: sc.key, section: sc.key,
			signal: spec.signal, auth: a, decode: spec.decode}
	}
	if err := addWebhookRoutes(cfg, routes); err != nil {
		return nil, err
	}
	addLiteLLMAlertsRoute(cfg, routes)
	return routes, nil
}

func (r *webhookReceiver) sortedRoutes() []*route {
	out := make([]*route, 0, len(r.routes))
	for _, rt := range r.routes {
		out = append(out, rt)
	}
	slices.SortFunc(out, func(a, b *route) int { return strings.Compare(a.path, b.path) })
	return out
}

// ServeHTTP routes requests to the senders' paths and the health path.
func (r *webhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if c := r.console.Load(); c != nil && req.URL.Path != r.cfg.HealthPath {
		a := c.recordAnswer(r, w, req)
		defer a.finish()
		w = a
	}
	for k, v := range r.responseHeaders.Iter {
		w.Header().Set(k, string(v))
	}
	if rt, ok := r.routes[req.URL.Path]; ok {
		r.handle(w, req, rt)
		return
	}
	if req.URL.Path == r.cfg.HealthPath && r.cfg.HealthPath != "" {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", allowHealth)
			writeError(w, formatText, http.StatusMethodNotAllowed, "method "+req.Method+" is not allowed on the health path: use GET")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"status":"ok"}`)
		return
	}
	writeError(w, formatText, http.StatusNotFound, fmt.Sprintf("no endpoint at %q: %s", req.URL.Path, r.pathsHint()))
}

// pathsHint tells where each signal and sender goes, for a 404.
func (r *webhookReceiver) pathsHint() string {
	hint := fmt.Sprintf("send traces to %q", r.cfg.Path)
	for _, rt := range r.sortedRoutes() {
		switch {
		case rt.path == r.cfg.Path || !r.consumes(rt.signal):
			// Named first, or not served.
		case rt.mapping != nil:
			// A route is named by its config key, webhooks::<name>.
			hint += fmt.Sprintf(", %s to %q", rt.section, rt.path)
		case rt.section != "":
			// A section's other paths are named by their sender (litellm_alerts).
			hint += fmt.Sprintf(", %s to %q", rt.sender, rt.path)
		default:
			hint += fmt.Sprintf(", logs to %q", rt.path)
		}
	}
	return hint
}

// auth is the authentication of a path: the clients that may post, required
// headers and a signature.
type auth struct {
	sources  prefixList
	required []requiredHeader
	verifier *signature.Verifier
	// now is the clock of the signed timestamps' replay window.
	now func() time.Time
}

// verify checks the signature of a request whose body was read.
func (a *auth) verify(req *http.Request, body []byte) error {
	return a.verifier.VerifyRequest(signature.Request{
		Method: req.Method, Query: req.URL.RawQuery, Header: req.Header, Body: body,
	}, a.now())
}

// requiredHeader keeps the SHA-256 of the expected value: comparing digests
// of equal length, in constant time, reveals neither the value nor its length.
type requiredHeader struct {
	name string
	sum  [sha256.Size]byte
}

// newAuth builds the authentication of a path; base holds the sender's
// signature defaults, which the config's keys override.
func newAuth(required map[string]configopaque.String, sig *SignatureConfig, sources []string, base signature.Options) (*auth, error) {
	list, err := parsePrefixes("allowed_sources", sources)
	if err != nil {
		return nil, err
	}
	a := &auth{sources: list, now: time.Now}
	for name, value := range required {
		a.required = append(a.required, requiredHeader{
			name: http.CanonicalHeaderKey(name),
			sum:  sha256.Sum256([]byte(value)),
		})
	}
	if sig != nil {
		v, err := sig.verifier(base)
		if err != nil {
			return nil, err
		}
		a.verifier = v
	}
	return a, nil
}

// open reports whether anyone may post.
func (a *auth) open() bool { return len(a.sources) == 0 && len(a.required) == 0 && a.verifier == nil }

func (a *auth) checkRequiredHeaders(h http.Header) (string, bool) {
	for _, rh := range a.required {
		got := sha256.Sum256([]byte(h.Get(rh.name)))
		if subtle.ConstantTimeCompare(got[:], rh.sum[:]) != 1 {
			return rh.name, false
		}
	}
	return "", true
}
