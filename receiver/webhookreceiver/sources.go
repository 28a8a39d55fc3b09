package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

const headerForwardedFor = "X-Forwarded-For"

// prefixList is a set of addresses and networks, from allowed_sources or
// trusted_proxies.
type prefixList []netip.Prefix

// parsePrefixes reads a list of addresses ("203.0.113.7", "2001:db8::1") and
// CIDRs ("203.0.113.0/24"); key names the setting in errors.
func parsePrefixes(key string, list []string) (prefixList, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := make(prefixList, 0, len(list))
	for i, s := range list {
		p, err := parsePrefix(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %q is not an IP address or a CIDR such as 203.0.113.0/24", key, i, s)
		}
		out = append(out, p)
	}
	return out, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if p.Addr().Is4In6() {
			// ::ffff:203.0.113.0/120 means the IPv4 network.
			bits := p.Bits() - 96
			if bits < 0 {
				return netip.Prefix{}, fmt.Errorf("IPv4-mapped prefix shorter than /96")
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), bits)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (l prefixList) contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range l {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the address of the client that sent req: the peer, or, when
// the peer is a trusted proxy, the rightmost address of X-Forwarded-For that
// is not a trusted proxy (each proxy appends the address it received the
// request from, so addresses left of it may have been written by the client
// itself). ok is false when no address can be read, for example a
// malformed X-Forwarded-For entry.
func clientAddr(req *http.Request, trusted prefixList) (addr netip.Addr, ok bool) {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		host = req.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	peer = peer.Unmap().WithZone("")
	if len(trusted) == 0 || !trusted.contains(peer) {
		return peer, true
	}
	client := peer
	values := req.Header.Values(headerForwardedFor)
	for i := len(values) - 1; i >= 0; i-- {
		hops := strings.Split(values[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			hop := strings.TrimSpace(hops[j])
			if hop == "" {
				continue
			}
			a, err := parseForwardedAddr(hop)
			if err != nil {
				return netip.Addr{}, false
			}
			client = a
			if !trusted.contains(a) {
				return a, true
			}
		}
	}
	// Every hop is a trusted proxy: the leftmost is the client.
	return client, true
}

// parseForwardedAddr reads one X-Forwarded-For entry: an address, possibly
// with a port ("203.0.113.7:4711", "[2001:db8::1]:4711").
func parseForwardedAddr(s string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), nil
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.Addr{}, err
	}
	return ap.Addr().Unmap().WithZone(""), nil
}

// allowsSource reports whether a client at addr may post to the route; ok
// is false when the receiver could not tell the client's address.
func (a *auth) allowsSource(addr netip.Addr, ok bool) bool {
	if len(a.sources) == 0 {
		return true
	}
	return ok && a.sources.contains(addr)
}
