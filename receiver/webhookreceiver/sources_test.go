package webhookreceiver

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
)

func TestParsePrefixes(t *testing.T) {
	list, err := parsePrefixes("allowed_sources", []string{"203.0.113.7", "198.51.100.0/24", "2001:db8::/32", "::ffff:192.0.2.0/120", " 192.0.2.200 ", "10.1.2.3/8"})
	require.NoError(t, err)
	for addr, want := range map[string]bool{
		"203.0.113.7":            true,
		"203.0.113.8":            false,
		"198.51.100.255":         true,
		"198.51.101.1":           false,
		"2001:db8:1::5":          true,
		"2001:db9::1":            false,
		"192.0.2.17":             true, // the IPv4-mapped CIDR is the IPv4 network
		"::ffff:198.51.100.4":    true, // an IPv4-mapped client is its IPv4 address
		"10.200.0.1":             true, // host bits of a CIDR are ignored
		"11.0.0.1":               false,
		"::ffff:203.0.113.7":     true,
		"fe80::1":                false,
		"2001:db8:ffff:ffff::ff": true,
	} {
		assert.Equal(t, want, list.contains(netip.MustParseAddr(addr)), addr)
	}

	for _, bad := range []string{"", "10.0.0/8", "example.com", "10.0.0.0/33", "::ffff:1.2.3.4/90"} {
		_, err := parsePrefixes("trusted_proxies", []string{"10.0.0.0/8", bad})
		assert.ErrorContains(t, err, `trusted_proxies[1]: "`+bad+`" is not an IP address or a CIDR`, bad)
	}
	list, err = parsePrefixes("allowed_sources", nil)
	require.NoError(t, err)
	assert.Nil(t, list)
}

func TestClientAddr(t *testing.T) {
	trusted, err := parsePrefixes("trusted_proxies", []string{"10.0.0.0/8", "fd00::/8"})
	require.NoError(t, err)
	tests := []struct {
		name    string
		remote  string
		xff     []string
		trusted prefixList
		want    string // "" when the address cannot be told
	}{
		{name: "peer, no proxies trusted", remote: "203.0.113.7:5000", want: "203.0.113.7"},
		{name: "forwarded-for ignored from an untrusted peer", remote: "203.0.113.7:5000", xff: []string{"198.51.100.1"}, trusted: trusted, want: "203.0.113.7"},
		{name: "forwarded-for ignored without trusted proxies", remote: "10.0.0.1:5000", xff: []string{"198.51.100.1"}, want: "10.0.0.1"},
		{name: "one trusted proxy", remote: "10.0.0.1:5000", xff: []string{"198.51.100.1"}, trusted: trusted, want: "198.51.100.1"},
		{name: "rightmost untrusted wins over a spoofed left entry", remote: "10.0.0.1:5000", xff: []string{"203.0.113.7, 198.51.100.1"}, trusted: trusted, want: "198.51.100.1"},
		{name: "proxy chain", remote: "10.0.0.1:5000", xff: []string{"198.51.100.1, 10.2.0.1", "10.3.0.1"}, trusted: trusted, want: "198.51.100.1"},
		{name: "entries with ports", remote: "[fd00::1]:5000", xff: []string{"[2001:db8::7]:4711, 10.2.0.1:80"}, trusted: trusted, want: "2001:db8::7"},
		{name: "all hops trusted: the leftmost", remote: "10.0.0.1:5000", xff: []string{"10.9.0.1, 10.2.0.1"}, trusted: trusted, want: "10.9.0.1"},
		{name: "trusted proxy without the header", remote: "10.0.0.1:5000", trusted: trusted, want: "10.0.0.1"},
		{name: "empty entries skipped", remote: "10.0.0.1:5000", xff: []string{"198.51.100.1, ,"}, trusted: trusted, want: "198.51.100.1"},
		{name: "malformed entry", remote: "10.0.0.1:5000", xff: []string{"198.51.100.1, unknown"}, trusted: trusted},
		{name: "IPv4-mapped peer", remote: "[::ffff:203.0.113.7]:5000", want: "203.0.113.7"},
		{name: "unreadable peer", remote: "pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
			for _, v := range tt.xff {
				req.Header.Add(headerForwardedFor, v)
			}
			got, ok := clientAddr(req, tt.trusted)
			if tt.want == "" {
				assert.False(t, ok, "got %s", got)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

// TestAllowedSources posts from loopback to routes that admit loopback,
// and to routes that admit only other networks, directly and through a
// trusted proxy.
func TestAllowedSources(t *testing.T) {
	env := startBoth(t, func(c *Config) {
		c.AllowedSources = []string{"192.0.2.0/24"}
		c.TrustedProxies = []string{"127.0.0.1"}
		ev := c.OpenRouterEvents.GetOrInsertDefault()
		ev.AllowedSources = []string{"127.0.0.0/8", "::1"}
		h := c.Helicone.GetOrInsertDefault()
		h.RequiredHeaders = map[string]configopaque.String{"Authorization": "Bearer k"}
		h.AllowedSources = []string{"198.51.100.0/24"}
	})
	body := tracesJSON(t, [2]string{"0102030405060708090a0b0c0d0e0f10", "0102030405060708"})

	// The peer 127.0.0.1 is a trusted proxy without X-Forwarded-For: it is
	// the client, and it is not in 192.0.2.0/24.
	resp := env.postJSON(body)
	assert.Equal(t, http.StatusForbidden, resp.status)
	assert.Contains(t, resp.body, `source address 127.0.0.1 is not allowed to post to \"/v1/traces\"`)
	assert.NotContains(t, resp.body, "192.0.2")

	// Through the trusted proxy, from an allowed client.
	resp = env.postJSON(body, headerForwardedFor, "192.0.2.10")
	assert.Equal(t, http.StatusOK, resp.status, resp.body)
	// A client that writes an allowed address left of its own is not believed.
	resp = env.postJSON(body, headerForwardedFor, "192.0.2.10, 203.0.113.9")
	assert.Equal(t, http.StatusForbidden, resp.status)
	assert.Contains(t, resp.body, "source address 203.0.113.9 is not allowed")
	resp = env.postJSON(body, headerForwardedFor, "192.0.2.10, not-an-address")
	assert.Equal(t, http.StatusForbidden, resp.status)
	assert.Contains(t, resp.body, "the client's address could not be read")

	// A section has its own list: loopback may post events (which then
	// fail decoding, proving the request got past the source check).
	resp = env.do(http.MethodPost, defaultOpenRouterEventsPath, []byte(`[1]`), "Content-Type", "application/json")
	assert.Equal(t, http.StatusBadRequest, resp.status, resp.body)
	// The source check comes before the required headers and the method.
	resp = env.do(http.MethodPost, defaultHeliconePath, []byte(`{}`), "Content-Type", "application/json")
	assert.Equal(t, http.StatusForbidden, resp.status)
	assert.Equal(t, "application/json", resp.header.Get("Content-Type"))
	resp = env.do(http.MethodGet, defaultHeliconePath, nil, headerForwardedFor, "198.51.100.3")
	assert.Equal(t, http.StatusMethodNotAllowed, resp.status)

	assert.Len(t, env.spans(), 1)
	assert.Equal(t, int64(4), env.counter(metricAuthFailures, "reason", "source"))
	assert.Equal(t, int64(3), env.counter(metricAuthFailures, "sender", senderOTLP))
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "sender", senderHelicone))
}
