package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"fmt"
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

// loopbackHosts refuses requests whose Host is not a loopback name or
// address, nor the configured endpoint's host. On loopback the console's
// only defence is that remote pages cannot reach it; a page whose name is
// rebound to 127.0.0.1 reaches it as same-origin and could otherwise read
// the deliveries and replay or delete them (DNS rebinding).
func loopbackHosts(next http.Handler, endpoint string) http.Handler {
	configured, _, _ := net.SplitHostPort(endpoint)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.ToLower(host), ".")
		ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
		if host == "localhost" || strings.HasSuffix(host, ".localhost") || (ip != nil && ip.IsLoopback()) ||
			(configured != "" && strings.EqualFold(host, configured)) {
			next.ServeHTTP(w, r)
			return
		}
		msg := fmt.Sprintf("Host %q refused: the console listens on loopback and answers only requests addressed to "+
			"localhost, a loopback address or %q", r.Host, endpoint)
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeError(w, http.StatusMisdirectedRequest, msg)
			return
		}
		http.Error(w, msg, http.StatusMisdirectedRequest)
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
