// Package webhookreceiver receives OTLP traces delivered by webhook senders such
// as OpenRouter Broadcast, repairs what real senders get wrong, authenticates
// them and drops duplicate deliveries.
package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

//go:generate mdatagen metadata.yaml
