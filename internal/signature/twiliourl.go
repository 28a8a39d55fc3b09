package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"errors"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// twilioURLs are the forms of the configured URL that Twilio's SDKs try,
// because, in their words, signature generation on Twilio's side is
// inconsistent: the URL as configured; as the WHATWG URL parser serialises
// it (twilio-node's new URL()); with the port removed, whatever it is; and
// with the scheme's default port added. Each is followed by the request's
// query as received, as new URL() serialises it, and in the legacy encoding
// of Node's querystring module (twilio-node's withLegacyQuerystring).
type twilioURLs struct {
	bases []string
}

// urlParts is an absolute http(s) URL split as written.
type urlParts struct {
	scheme, user, password, host, port, path string
	hasUser, hasPassword                     bool
}

// CheckURL reports whether raw can be the URL a sender posts to: absolute
// http or https, with a host, and without a query or fragment (the
// request's own query string is appended to it).
func CheckURL(raw string) error {
	_, err := splitURL(raw)
	return err
}

func splitURL(raw string) (urlParts, error) {
	var p urlParts
	if _, err := url.Parse(raw); err != nil {
		return p, errors.New("is not a URL")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	p.scheme = strings.ToLower(scheme)
	if !ok || (p.scheme != "http" && p.scheme != "https") {
		return p, errors.New(`must be an absolute http:// or https:// URL, exactly as configured at the sender`)
	}
	if strings.ContainsAny(rest, "?#") {
		return p, errors.New("must not have a query or fragment: the query string of each request is appended to it")
	}
	authority := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, p.path = rest[:i], rest[i:]
	}
	hostport := authority
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		p.hasUser = true
		hostport = authority[at+1:]
		p.user, p.password, p.hasPassword = strings.Cut(authority[:at], ":")
	}
	p.host = hostport
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return p, errors.New("has an IPv6 host without its closing ]")
		}
		p.host = hostport[:end+1]
		if after := hostport[end+1:]; after != "" {
			if after[0] != ':' {
				return p, errors.New("has text after its IPv6 host")
			}
			p.port = after[1:]
		}
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		p.host, p.port = hostport[:i], hostport[i+1:]
	}
	if p.host == "" {
		return p, errors.New("has no host")
	}
	if p.port != "" {
		if n, err := strconv.Atoi(p.port); err != nil || n < 0 || n > 65535 {
			return p, errors.New("has a port that is not a number from 0 to 65535")
		}
	}
	return p, nil
}

func newTwilioURLs(raw string) (*twilioURLs, error) {
	p, err := splitURL(raw)
	if err != nil {
		return nil, errors.New("public URL " + err.Error())
	}
	w := p.whatwg()
	noPort := w
	noPort.port = ""
	withPort := w
	if withPort.port == "" {
		withPort.port = defaultPort(w.scheme)
	}
	u := &twilioURLs{}
	for _, b := range []string{raw, w.String(), noPort.String(), withPort.String()} {
		if !slices.Contains(u.bases, b) {
			u.bases = append(u.bases, b)
		}
	}
	return u, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// whatwg normalises p as the WHATWG URL parser does: scheme and host in
// lower case (IDNA for other hosts), the default port dropped, the path's
// dot segments resolved and its special characters percent-encoded.
func (p urlParts) whatwg() urlParts {
	w := p
	w.user = percentEncode(p.user, userinfoSet)
	w.password = percentEncode(p.password, userinfoSet)
	if w.password == "" {
		w.hasPassword = false
	}
	w.hasUser = w.user != "" || w.hasPassword
	w.host = strings.ToLower(p.host)
	if strings.HasPrefix(w.host, "[") {
		if a, err := netip.ParseAddr(strings.Trim(w.host, "[]")); err == nil {
			w.host = "[" + a.String() + "]"
		}
	} else if ascii, err := idna.Lookup.ToASCII(w.host); err == nil {
		w.host = ascii
	}
	if p.port != "" {
		n, _ := strconv.Atoi(p.port)
		w.port = strconv.Itoa(n)
		if w.port == defaultPort(p.scheme) {
			w.port = ""
		}
	}
	w.path = percentEncode(resolveDots(p.path), pathSet)
	if w.path == "" {
		w.path = "/"
	}
	return w
}

func (p urlParts) String() string {
	var b strings.Builder
	b.WriteString(p.scheme + "://")
	if p.hasUser {
		b.WriteString(p.user)
		if p.hasPassword {
			b.WriteString(":" + p.password)
		}
		b.WriteString("@")
	}
	b.WriteString(p.host)
	if p.port != "" {
		b.WriteString(":" + p.port)
	}
	b.WriteString(p.path)
	return b.String()
}

// resolveDots removes the "." and ".." segments of a path, as URL parsers
// do ("%2e" counts as a dot).
func resolveDots(path string) string {
	if path == "" {
		return ""
	}
	segs := strings.Split(path[1:], "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch strings.ReplaceAll(strings.ToLower(s), "%2e", ".") {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	return "/" + strings.Join(out, "/")
}

// candidates are the URLs to try for a request with the raw query q.
func (u *twilioURLs) candidates(q string) []string {
	queries := []string{q}
	if q != "" {
		w := percentEncode(q, specialQuerySet)
		for _, v := range []string{w, legacyQuery(w)} {
			if !slices.Contains(queries, v) {
				queries = append(queries, v)
			}
		}
	}
	out := make([]string, 0, len(u.bases)*len(queries))
	for _, b := range u.bases {
		for _, v := range queries {
			c := b
			if v != "" {
				c += "?" + v
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Byte sets of the WHATWG URL standard that are percent-encoded, and the
// bytes Node's querystring.escape keeps.
type byteSet func(c byte) bool

func specialQuerySet(c byte) bool {
	return c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '\''
}

func pathSet(c byte) bool {
	return c <= 0x20 || c >= 0x7f || strings.IndexByte("\"#<>?`{}", c) >= 0
}

func userinfoSet(c byte) bool {
	return pathSet(c) || strings.IndexByte("/:;=@[\\]^|", c) >= 0
}

func queryEscapeSet(c byte) bool {
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0)
}

const upperHex = "0123456789ABCDEF"

// percentEncode escapes the bytes of s in set, keeping everything else
// (existing escapes included) as it is.
func percentEncode(s string, set byteSet) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if set(c) {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// legacyQuery is querystring.stringify(querystring.parse(q)) of Node.js:
// the pairs decoded ("+" a space, escapes decoded) and grouped by name in
// the order of a JavaScript object (names that are array indices first, in
// numeric order, then the others as first seen), then encoded again with
// querystring.escape.
func legacyQuery(q string) string {
	var names []string
	values := map[string][]string{}
	pieces := strings.Split(q, "&")
	for i, piece := range pieces {
		if i == len(pieces)-1 && piece == "" {
			break
		}
		k, v, _ := strings.Cut(piece, "=")
		k, v = nodeUnescape(k), nodeUnescape(v)
		if _, ok := values[k]; !ok {
			names = append(names, k)
		}
		values[k] = append(values[k], v)
	}
	sort.SliceStable(names, func(i, j int) bool {
		a, aIndex := arrayIndex(names[i])
		b, bIndex := arrayIndex(names[j])
		switch {
		case aIndex && bIndex:
			return a < b
		case aIndex != bIndex:
			return aIndex
		}
		return false
	})
	var b strings.Builder
	for _, k := range names {
		for _, v := range values[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(k, queryEscapeSet))
			b.WriteByte('=')
			b.WriteString(percentEncode(v, queryEscapeSet))
		}
	}
	return b.String()
}

// arrayIndex reports whether s is a canonical JavaScript array index, which
// objects order before their other keys.
func arrayIndex(s string) (uint64, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n < 1<<32-1
}

// nodeUnescape decodes as querystring.unescape does: "+" is a space,
// escapes are decoded, an escape that is not one is kept, and bytes that are
// not UTF-8 become U+FFFD.
func nodeUnescape(s string) string {
	b := percentDecode(strings.ReplaceAll(s, "+", " "))
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		out.WriteRune(r)
		b = b[n:]
	}
	return out.String()
}
