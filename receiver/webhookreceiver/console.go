package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/pipeline"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"
)

// The webhook console, when the collector runs one, is told of every request
// the receiver answers (except health checks). Without a console the
// receiver does nothing more than load a nil pointer per request; with one,
// it fills one record and writes it into the console's bounded ring.

// consoleLog is the receiver's registration with the console.
type consoleLog struct {
	log        console.ReceivedLog
	unregister func()
	receiver   string
	bodyBytes  int
	// secret are the header names, canonical, whose values are redacted
	// beyond the fixed list and the name patterns: every route's
	// required_headers and signature header.
	secret map[string]bool
	// verdicts caches isSecretHeader by name, for up to maxVerdicts names:
	// senders repeat the same few headers.
	verdicts     sync.Map
	verdictCount atomic.Int32
}

// maxVerdicts bounds the cache of header names, which clients choose.
const maxVerdicts = 1024

// startConsole registers with the console when one is configured.
func (r *webhookReceiver) startConsole(host component.Host) {
	c := console.FindReceived(host)
	if c == nil {
		return
	}
	info := console.ReceiverInfo{ID: r.settings.ID.String()}
	for _, rt := range r.sortedRoutes() {
		info.Routes = append(info.Routes, console.RouteInfo{Name: rt.sender, Path: rt.path,
			Signal: rt.signal.String(), Served: r.consumes(rt.signal)})
	}
	log, unregister := c.RegisterReceiver(info)
	r.console.Store(&consoleLog{
		log: log, unregister: unregister, receiver: info.ID,
		bodyBytes: log.BodyBytes(), secret: secretHeaders(r.cfg),
	})
}

// stopConsole unregisters; a request still in flight reports to a log
// nobody reads any more, which is harmless.
func (r *webhookReceiver) stopConsole() {
	if c := r.console.Swap(nil); c != nil {
		c.unregister()
	}
}

// answer is the ResponseWriter of a request the console is told of: it
// keeps the status, and the handler notes what the answer meant.
type answer struct {
	http.ResponseWriter
	c     *consoleLog
	r     *webhookReceiver
	req   *http.Request
	start time.Time

	status            int
	outcome, message  string
	items, duplicates int
	body              *bodyCapture
}

var answerPool = sync.Pool{New: func() any { return new(answer) }}

// recordAnswer wraps w so that the answer to req is reported to c when
// finish is called.
func (c *consoleLog) recordAnswer(r *webhookReceiver, w http.ResponseWriter, req *http.Request) *answer {
	a := answerPool.Get().(*answer)
	*a = answer{ResponseWriter: w, c: c, r: r, req: req, start: time.Now()}
	if c.bodyBytes > 0 && req.Body != nil && req.Body != http.NoBody {
		limit := c.bodyBytes
		if rt := r.routes[req.URL.Path]; rt != nil && r.redacts(rt) {
			// Content is removed from the whole body, then cut.
			limit = int(r.maxBodySize)
		}
		a.body = &bodyCapture{ReadCloser: req.Body, limit: limit}
		req.Body = a.body
	}
	return a
}

func (a *answer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
	a.ResponseWriter.WriteHeader(status)
}

func (a *answer) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (a *answer) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// noteAnswer tells the console what a successful answer meant; without a
// console w is not an *answer and nothing happens. Accepted with nothing
// but duplicates is a duplicate.
func noteAnswer(w http.ResponseWriter, outcome string, items, duplicates int, message string) {
	if a, ok := w.(*answer); ok {
		if outcome == console.OutcomeAccepted && items == 0 && duplicates > 0 {
			outcome = console.OutcomeDuplicate
		}
		a.outcome, a.items, a.duplicates, a.message = outcome, items, duplicates, message
	}
}

// noteMessage keeps the error text the sender gets.
func noteMessage(w http.ResponseWriter, msg string) {
	if a, ok := w.(*answer); ok {
		a.message = msg
	}
}

// finish reports the answer to the console and returns a to its pool.
func (a *answer) finish() {
	req, r := a.req, a.r
	rec := console.Received{
		At:         a.start,
		Receiver:   a.c.receiver,
		Method:     req.Method,
		Path:       cutText(req.URL.Path, maxPathBytes),
		Status:     a.status,
		Outcome:    a.outcome,
		Message:    cutText(a.message, maxMessageBytes),
		Items:      a.items,
		Duplicates: a.duplicates,
		DurationMS: float64(time.Since(a.start).Microseconds()) / 1000,
		Headers:    a.c.headers(req.Header),
	}
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	if rec.Outcome == "" {
		rec.Outcome = outcomeOf(rec.Status)
	}
	rt := r.routes[req.URL.Path]
	if rt != nil {
		rec.Route = rt.sender
	}
	if addr, ok := clientAddr(req, r.trustedProxies); ok {
		rec.Source = addr.String()
	} else {
		rec.Source = "unreadable: " + req.RemoteAddr
	}
	if a.c.bodyBytes > 0 {
		a.c.captureBody(&rec, a.body, rt != nil && r.redacts(rt), rt)
	}
	a.c.log.Add(rec)
	*a = answer{}
	answerPool.Put(a)
}

// outcomeOf is the outcome of an answer the handler did not note: a
// success is then a test connection (or a handshake's reply).
func outcomeOf(status int) string {
	switch {
	case status < 300:
		return console.OutcomeTest
	case status == http.StatusUnauthorized:
		return console.OutcomeUnauthorized
	case status == http.StatusForbidden:
		return console.OutcomeForbidden
	case status == http.StatusRequestEntityTooLarge:
		return console.OutcomeTooLarge
	case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return console.OutcomeUnavailable
	default:
		return console.OutcomeRefused
	}
}

// redacts reports whether the route's data loses its content attributes
// (redact_content applies to spans).
func (r *webhookReceiver) redacts(rt *route) bool {
	return r.cfg.RedactContent && rt.signal == pipeline.SignalTraces
}

// maxPathBytes and maxMessageBytes bound the path and the message kept per
// request: clients choose the path, and headers quoted in a message, up to
// the server's header limit.
const (
	maxPathBytes    = 2 << 10
	maxMessageBytes = 2 << 10
)

// cutText is s, or a copy of its first n bytes (less a rune cut in two)
// followed by "…".
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(strings.Clone(s[:n]), "") + "…"
}

// maxHeaderBytes bounds the headers kept per request: a value past it is
// cut, so that the ring's memory stays bounded whatever clients send.
const maxHeaderBytes = 8 << 10

// alwaysSecret are the headers that carry credentials or signatures for
// the senders the receiver knows, whatever the configuration.
var alwaysSecret = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	http.CanonicalHeaderKey(signature.HeaderWebhookSignature): true,
	http.CanonicalHeaderKey(signature.HeaderSvixSignature):    true,
	signature.HeaderStripeSignature:                           true,
	signature.HeaderSlackSignature:                            true,
	signature.DefaultHMACHeader:                               true,
	"X-Hub-Signature":                                         true,
	"X-Hub-Signature-256":                                     true,
	"X-Shopify-Hmac-Sha256":                                   true,
	"Linear-Signature":                                        true,
	headerHeliconeSignature:                                   true,
	headerOpenRouterSignature:                                 true,
}

// secretWords redact any header whose name contains one of them.
var secretWords = []string{"token", "secret", "key", "signature", "auth", "hmac", "password", "cookie", "credential"}

// secretHeaders are the header names of every route's required_headers and
// signature: a sender that posts to the wrong path is redacted all the same.
func secretHeaders(cfg *Config) map[string]bool {
	names := map[string]bool{}
	add := func(required map[string]configopaque.String, sig *SignatureConfig, base signature.Options) {
		for name := range required {
			names[http.CanonicalHeaderKey(name)] = true
		}
		if sig != nil {
			if h := sig.options(base).Header; h != "" {
				names[http.CanonicalHeaderKey(h)] = true
			}
		}
	}
	add(cfg.RequiredHeaders, cfg.Signature.Get(), signature.Options{})
	for _, s := range cfg.senders() {
		add(s.cfg.RequiredHeaders, s.cfg.Signature.Get(), senderDefaults(s.key, senderSpecs[s.key].header))
	}
	for _, rc := range cfg.Webhooks {
		add(rc.RequiredHeaders, rc.Signature.Get(), webhooks.SignatureDefaults(rc.Preset))
	}
	return names
}

// isSecretHeader reports whether the value of the canonical header name
// must not be shown.
func (c *consoleLog) isSecretHeader(name string) bool {
	if v, ok := c.verdicts.Load(name); ok {
		return v.(bool)
	}
	secret := c.judgeHeader(name)
	if c.verdictCount.Load() < maxVerdicts {
		if _, loaded := c.verdicts.LoadOrStore(name, secret); !loaded {
			c.verdictCount.Add(1)
		}
	}
	return secret
}

func (c *consoleLog) judgeHeader(name string) bool {
	if alwaysSecret[name] || c.secret[name] {
		return true
	}
	for _, w := range secretWords {
		if containsFold(name, w) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word w,
// ignoring case, without allocating.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for ; j < len(w); j++ {
			b := s[i+j]
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			if b != w[j] {
				break
			}
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

// headers copies h, sorted by name, redacted, and bounded by
// maxHeaderBytes: the values past it, in name order, are cut.
func (c *consoleLog) headers(h http.Header) console.Headers {
	out := make(console.Headers, 0, len(h))
	for name, values := range h {
		v := console.Redacted
		if !c.isSecretHeader(name) {
			if len(values) == 1 {
				v = values[0]
			} else {
				v = strings.Join(values, ", ")
			}
		}
		out = append(out, console.Header{Name: name, Value: v})
	}
	slices.SortFunc(out, func(a, b console.Header) int { return strings.Compare(a.Name, b.Name) })
	budget := maxHeaderBytes
	for i := range out {
		kv := &out[i]
		if len(kv.Name) >= budget {
			// Names count too: past the budget the rest are dropped, so
			// that many or long names cannot fill the ring's memory.
			// A new array, so that the ring does not keep the dropped ones.
			return append(out[:i:i], console.Header{Name: "…", Value: fmt.Sprintf("%d more headers not kept", len(out)-i)})
		}
		if len(kv.Name)+len(kv.Value) > budget {
			// A copy, so that the ring does not keep the whole value.
			kv.Value = cutText(kv.Value, budget-len(kv.Name))
		}
		budget -= len(kv.Name) + len(kv.Value)
	}
	return out
}
