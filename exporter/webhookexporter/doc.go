// Package webhookexporter sends traces, logs and metrics to an HTTP(S) webhook
// endpoint as OTLP, ndjson rows or bodies rendered by a template, optionally
// signed (hmac_sha256 or Standard Webhooks), split to respect a request body
// size limit, and with prompt and completion content redacted.
package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

//go:generate mdatagen metadata.yaml
