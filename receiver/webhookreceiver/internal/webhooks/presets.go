package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"net/http"
	"net/url"
	"sort"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// preset is what a sender documents: how it signs, where its event id,
// name and time are, and the handshakes it expects. Each list holds
// alternatives, the first one present wins; an alternative's later parts
// are joined with "." when present (GitHub's "issues" + "opened").
type preset struct {
	signature signature.Options
	eventName []alt
	id        []alt
	timestamp []alt
	format    string
	// split is the split of a route that sets none (the senders whose body
	// is an array of events).
	split string
	// severity is the record's severity when the route sets none; nil is
	// INFO.
	severity func(el any, h http.Header) (plog.SeverityNumber, string)
	// special answers a delivery that is not forwarded.
	special func(in specialInput) *Special
	// challenge answers a GET that checks the endpoint.
	challenge func(query url.Values) *Reply
	// noContent: an accepted delivery is answered 204.
	noContent bool
}

// specialInput is what a handshake reads: the verified delivery and the
// route's secrets.
type specialInput struct {
	header  http.Header
	body    any
	raw     []byte
	secrets [][]byte
}

// presets are the senders the receiver knows, by preset name; each file
// presets_*.go holds a family of them.
var presets = merged(sourcePresets, commercePresets, messagingPresets, eventPresets)

func merged(maps ...map[string]preset) map[string]preset {
	out := map[string]preset{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SignatureDefaults are the signature options of a preset, or of a route
// without one (hmac in X-Webhook-Signature).
func SignatureDefaults(presetName string) signature.Options {
	if p, ok := presets[presetName]; ok {
		return p.signature
	}
	return signature.Options{Scheme: signature.SchemeHMAC}
}

// severityOf is a fixed severity.
func severityOf(n plog.SeverityNumber) (plog.SeverityNumber, string) {
	switch n {
	case plog.SeverityNumberWarn:
		return n, "WARN"
	case plog.SeverityNumberError:
		return n, "ERROR"
	}
	return plog.SeverityNumberInfo, "INFO"
}
