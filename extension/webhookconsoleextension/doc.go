// Package webhookconsoleextension serves the webhook console: a JSON API
// over the deliveries the webhook exporters keep (scheduled deliveries and
// dead letters with their attempt logs), to list, inspect, replay and delete
// them and to re-enable a disabled endpoint, and over the requests the
// webhook receivers answered; and one page at / that shows both. Every
// webhook exporter and receiver finds the console among the host's
// extensions at start and registers with it.
package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

//go:generate mdatagen metadata.yaml
