package configkeys_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.yaml.in/yaml/v3"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"
)

func load(t *testing.T, text string) *confmap.Conf {
	t.Helper()
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(text), &raw))
	return confmap.NewFromStringMap(raw)
}

// Every documented key, at every depth, must still be accepted.
const fullReceiver = `
endpoint: 0.0.0.0:4319
transport: tcp
path: /hooks
health_path: /healthz
lenient: false
semconv: true
redact_content: true
required_headers: {Authorization: Bearer x}
signature: {scheme: hmac_sha256, header: X-Sig, prefix: "sha256=", secrets: [a, b], tolerance: 1m}
dedup: {enabled: true, ttl: 1h, max_entries: 10}
max_request_body_size: 1024
include_metadata: true
compression_algorithms: ["", gzip]
read_timeout: 10s
read_header_timeout: 5s
write_timeout: 10s
keepalive: {idle_timeout: 30s}
response_headers: {X-A: b}
tls: {cert_file: c.pem, key_file: k.pem, client_ca_file: ca.pem, min_version: "1.2", reload_interval: 1h}
cors: {allowed_origins: ["https://a"], allowed_headers: [X-B], max_age: 10}
auth: {authenticator: bearertokenauth, request_params: [tenant]}
middlewares: [{id: m}]
webhooks:
  github:
    path: /github
    preset: github
    required_headers: {X-A: b}
    allowed_sources: [192.0.2.0/24]
    signature: {secrets: [s], header: X-Hub-Signature, prefix: "sha1=", algorithm: sha1, encoding: hex, tolerance: 1m}
    body: json
    split: array
    event_name: {field: action}
    id: {header: X-GitHub-Delivery}
    timestamp: {field: created_at, format: rfc3339}
    severity: {field: level, map: {crit: fatal}}
    attributes: {repo: repository.full_name}
    headers: [X-GitHub-Hook-ID]
  signed:
    path: /signed
    split: {field: events}
    severity: {text: WARN, number: 13}
    signature: {scheme: hmac, secrets: [s], timestamp_header: X-Ts, signed_payload: "{timestamp}.{body}", timestamp_field: ts}
`

const fullExporter = `
endpoint: https://hooks.example.com/t
method: PUT
encoding: proto
headers: {Authorization: Bearer x}
compression: gzip
compression_params: {level: 5}
timeout: 10s
proxy_url: http://proxy:3128
read_buffer_size: 1024
write_buffer_size: 1024
max_idle_conns: 10
idle_conn_timeout: 1m
disable_keep_alives: false
tls: {ca_file: ca.pem, insecure_skip_verify: false, server_name_override: x, min_version: "1.2"}
auth: {authenticator: oauth2client}
retryable_statuses: [429, 503]
retry_on_failure: {enabled: true, initial_interval: 1s, randomization_factor: 0.5, multiplier: 2, max_interval: 10s, max_elapsed_time: 1m}
sending_queue: {enabled: true, num_consumers: 2, queue_size: 100, storage: file_storage, block_on_overflow: true, wait_for_result: false, sizer: requests, batch: {flush_timeout: 1s, min_size: 10, max_size: 100}}
signature: {scheme: standard_webhooks, secret: whsec_c2VjcmV0}
test_connection: {fail_on_error: false}
redact_content: true
max_request_body_size: 1024
`

func TestDocumentedKeysAreAccepted(t *testing.T) {
	rcfg := webhookreceiver.NewFactory().CreateDefaultConfig()
	require.NoError(t, load(t, fullReceiver).Unmarshal(rcfg))
	ecfg := webhookexporter.NewFactory().CreateDefaultConfig()
	require.NoError(t, load(t, fullExporter).Unmarshal(ecfg))
}

func TestMisspeltKeysAreRefused(t *testing.T) {
	tests := []struct {
		name, text, key string
		exporter        bool
	}{
		{name: "receiver top level", text: "requird_headers: {Authorization: x}", key: "requird_headers"},
		{name: "receiver in confighttp", text: "read_header_timout: 1s", key: "read_header_timout"},
		{name: "receiver tls", text: "tls: {cert_fil: x}", key: "tls::cert_fil"},
		{name: "receiver signature", text: "signature: {scheme: hmac_sha256, secret: x}", key: "signature::secret"},
		{name: "receiver dedup", text: "dedup: {tll: 1h}", key: "dedup::tll"},
		{name: "receiver webhooks route", text: "webhooks: {github: {path: /g, preset: github, evnt_name: {field: a}}}", key: "webhooks::github::evnt_name"},
		{name: "receiver webhooks source", text: "webhooks: {r: {path: /r, id: {headr: X}}}", key: "webhooks::r::id::headr"},
		{name: "receiver webhooks signature", text: "webhooks: {r: {path: /r, signature: {secret: x}}}", key: "webhooks::r::signature::secret"},
		{name: "exporter top level", text: "endpoint: http://x\nmethdo: PUT", key: "methdo", exporter: true},
		{name: "exporter retry", text: "endpoint: http://x\nretry_on_failure: {max_elapsed_tme: 1m}", key: "retry_on_failure::max_elapsed_tme", exporter: true},
		{name: "exporter tls", text: "endpoint: http://x\ntls: {ca_fil: x}", key: "tls::ca_fil", exporter: true},
		{name: "exporter headers are free-form", text: "endpoint: http://x\nheaders: {X-Any: y}\nsignature: {scheme: hmac_sha256, secrets: [x]}", key: "signature::secrets", exporter: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg any = webhookreceiver.NewFactory().CreateDefaultConfig()
			if tt.exporter {
				cfg = webhookexporter.NewFactory().CreateDefaultConfig()
			}
			err := load(t, tt.text).Unmarshal(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "unknown configuration keys (misspelt?): "+tt.key)
		})
	}
}
