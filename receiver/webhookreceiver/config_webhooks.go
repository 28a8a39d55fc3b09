package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"
)

// RouteConfig is one route under `webhooks`: a path with its own
// authentication (path, required_headers, signature, allowed_sources), and
// how its deliveries become log records (preset, body, split, event_name,
// id, timestamp, severity, attributes, headers).
type RouteConfig struct {
	SenderConfig    `mapstructure:",squash"`
	webhooks.Config `mapstructure:",squash"`
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
			webhooks.SignatureDefaults(rc.Preset))...)
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
