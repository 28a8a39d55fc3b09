package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"
)

// RouteConfig is one route under `webhooks`: a path with its own
// authentication (path, required_headers, signature, allowed_sources,
// public_url), and how its deliveries become log records (preset, body,
// split, event_name, id, timestamp, severity, attributes, headers).
type RouteConfig struct {
	SenderConfig    `mapstructure:",squash"`
	webhooks.Config `mapstructure:",squash"`
	// PublicURL is the URL the sender posts to, exactly as configured at
	// the sender and without the query: the schemes that sign the URL
	// (twilio, square, hubspot, a signed_payload with {url}) verify it,
	// followed by the request's own query string.
	PublicURL string `mapstructure:"public_url"`
}

// signatureBase is the route's signature defaults: its preset's, and its
// public URL.
func (rc *RouteConfig) signatureBase() signature.Options {
	base := webhooks.SignatureDefaults(rc.Preset)
	base.URL = rc.PublicURL
	return base
}

// validateKeys checks what the route's preset and scheme need: a signature
// section with its keys when a preset verifies, and public_url exactly
// when the signature covers the URL.
func (rc *RouteConfig) validateKeys(prefix string) []error {
	sig := rc.Signature.Get()
	var errs []error
	if rc.Preset != "" && sig == nil {
		keys := `"secrets"`
		if webhooks.SignatureDefaults(rc.Preset).Scheme.UsesPublicKeys() {
			keys = `"public_keys"`
		}
		errs = append(errs, fmt.Errorf("%ssignature: preset %s verifies every delivery: set %s", prefix, rc.Preset, keys))
	}
	needsURL := sig != nil && sig.options(rc.signatureBase()).NeedsURL()
	switch {
	case needsURL && rc.PublicURL == "":
		errs = append(errs, fmt.Errorf("%spublic_url: is required: %s the URL the sender posts to; set it exactly as configured at the sender, without the query", prefix, signsURL(rc)))
	case needsURL:
		if err := signature.CheckURL(rc.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("%spublic_url: %q %w", prefix, rc.PublicURL, err))
		}
	case rc.PublicURL != "":
		errs = append(errs, fmt.Errorf("%spublic_url: the route's signature does not cover the URL (only twilio, square, hubspot and a signed_payload with {url} do): remove it", prefix))
	}
	return errs
}

// signsURL names what signs the URL, for errors.
func signsURL(rc *RouteConfig) string {
	if rc.Preset != "" {
		return "preset " + rc.Preset + " signs"
	}
	return "the signature signs"
}

// routeName is what a route may be called: its name is the sender of the
// metrics, the service.name of the records and the namespace of dedup keys.
var routeName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// routeNames returns the names of the webhooks routes, sorted, so that
// routes and errors come in a fixed order.
func (cfg *Config) routeNames() []string {
	names := make([]string, 0, len(cfg.Webhooks))
	for n := range cfg.Webhooks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// validateWebhooks checks every route, each error naming
// webhooks::<name>::<key>.
func (cfg *Config) validateWebhooks() []error {
	var errs []error
	for _, name := range cfg.routeNames() {
		rc := cfg.Webhooks[name]
		prefix := "webhooks::" + name + "::"
		switch {
		case !routeName.MatchString(name):
			errs = append(errs, fmt.Errorf("webhooks::%s: a route name must match [a-z][a-z0-9_]* (it is the sender of metrics and the service.name of records)", name))
		case isSenderName(name):
			errs = append(errs, fmt.Errorf("webhooks::%s: %q is the name of a built-in sender: choose another route name", name, name))
		}
		if !strings.HasPrefix(rc.Path, "/") {
			errs = append(errs, fmt.Errorf("%spath: is required and must start with \"/\"", prefix))
		}
		errs = append(errs, validateAuth(prefix, rc.RequiredHeaders, rc.Signature.Get(), rc.AllowedSources,
			rc.signatureBase())...)
		errs = append(errs, rc.validateKeys(prefix)...)
		errs = append(errs, prefixed(prefix, rc.Config.Validate())...)
	}
	return errs
}

func isSenderName(name string) bool {
	if name == senderOTLP || name == senderLiteLLMAlerts {
		return true
	}
	_, ok := senderSpecs[name]
	return ok
}
