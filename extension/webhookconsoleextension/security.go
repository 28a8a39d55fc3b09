package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"net"
	"net/http"
	"strings"

	"go.uber.org/zap"
)

// protect refuses cross-origin requests that change anything (the page's
// forms and the API's POST and DELETE) and sets the headers that keep the
// console's answers from being framed, sniffed or leaked by referrer.
func protect(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const msg = "cross-origin request refused: the console's actions are taken from its own page only"
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeError(w, http.StatusForbidden, msg)
			return
		}
		http.Error(w, msg, http.StatusForbidden)
	}))
	guarded := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		// The page sets its own; everything else runs nothing.
		h.Set("Content-Security-Policy", apiCSP)
		guarded.ServeHTTP(w, r)
	})
}

// warnIfExposed warns when the console listens beyond loopback with
// neither TLS nor an auth extension.
func (c *webhookConsole) warnIfExposed(addr net.Addr) {
	cfg := c.cfg.ServerConfig
	if cfg.TLS.HasValue() || cfg.Auth.HasValue() {
		return
	}
	if tcp, ok := addr.(*net.TCPAddr); !ok || tcp.IP.IsLoopback() {
		// A Unix socket is reached through the file system only.
		return
	}
	c.logger.Warn("The webhook console listens beyond loopback with neither TLS nor an auth extension: "+
		"anyone who can reach it can read the recent deliveries (their redacted headers, and their bodies with "+
		"received::capture_bodies) and replay, delete and enable deliveries, in clear text; "+
		"listen on localhost, or configure tls and auth",
		zap.String("endpoint", addr.String()))
}
