package webhookexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadata"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

const (
	testHMACSecret     = "s3cr3t-value"
	testStandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)

func TestCreateDefaultConfig(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.Empty(t, cfg.ClientConfig.Endpoint)
	assert.Equal(t, 30*time.Second, cfg.ClientConfig.Timeout)
	assert.Equal(t, configcompression.Type("none"), cfg.ClientConfig.Compression)
	assert.False(t, cfg.ClientConfig.Compression.IsCompressed())
	assert.Equal(t, MethodPost, cfg.Method)
	assert.Equal(t, EncodingJSON, cfg.Encoding)
	assert.False(t, cfg.NDJSON.HasValue(), "the ndjson section is absent unless configured")
	assert.False(t, cfg.Template.HasValue(), "the template section is absent unless configured")
	assert.Equal(t, []int{429, 502, 503, 504}, cfg.RetryableStatuses)
	assert.True(t, cfg.QueueConfig.HasValue())
	assert.Equal(t, exporterhelper.NewDefaultQueueConfig(), *cfg.QueueConfig.Get())
	assert.Equal(t, configretry.NewDefaultBackOffConfig(), cfg.RetryConfig)
	assert.False(t, cfg.Signature.HasValue(), "signing is off unless configured")
	assert.False(t, cfg.TestConnection.HasValue(), "the connection test is off unless configured")
	assert.False(t, cfg.RedactContent)
	assert.Zero(t, cfg.MaxRequestBodySize)
	keepalive := confighttp.NewDefaultKeepaliveClientConfig()
	keepalive.MaxIdleConnsPerHost = 100
	assert.Equal(t, configoptional.Some(keepalive), cfg.ClientConfig.Keepalive,
		"as many idle connections to the endpoint as confighttp keeps in all")

	// Without an endpoint the default configuration is refused, by key.
	err := confmap.Validate(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"endpoint" is required`)
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	withEndpoint := func(endpoint string) *Config {
		cfg := createDefaultConfig().(*Config)
		// As loading leaves the defaults: confighttp folds its keepalive
		// section into its flat fields.
		require.NoError(t, confmap.New().Unmarshal(cfg))
		cfg.ClientConfig.Endpoint = endpoint
		return cfg
	}

	full := withEndpoint("https://hooks.example.com/otel/traces?tenant=acme")
	full.Method = MethodPut
	full.Encoding = EncodingProto
	full.ClientConfig.Headers = configopaque.MapList{
		{Name: "Authorization", Value: "Bearer token-123"},
		{Name: "X-Tenant", Value: "acme"},
	}
	full.ClientConfig.Compression = configcompression.TypeGzip
	full.ClientConfig.Timeout = 10 * time.Second
	full.ClientConfig.ProxyURL = "http://proxy.internal:3128"
	full.RetryableStatuses = []int{429, 500, 503}
	full.MaxRequestBodySize = 1 << 20
	full.RedactContent = true
	full.Signature = configoptional.Some(SignatureConfig{
		Scheme: signature.SchemeHMACSHA256,
		Secret: testHMACSecret,
		Header: "X-Hub-Signature-256",
		Prefix: "sha256=",
	})
	full.TestConnection = configoptional.Some(TestConnectionConfig{FailOnError: false})
	queue := exporterhelper.NewDefaultQueueConfig()
	queue.NumConsumers = 2
	queue.QueueSize = 500
	full.QueueConfig = configoptional.Some(queue)
	full.RetryConfig.InitialInterval = time.Second
	full.RetryConfig.MaxInterval = 10 * time.Second
	full.RetryConfig.MaxElapsedTime = time.Minute

	standard := withEndpoint("http://localhost:4319/v1/traces")
	standard.Signature = configoptional.Some(SignatureConfig{
		Scheme: signature.SchemeStandardWebhooks,
		Secret: testStandardSecret,
	})
	standard.TestConnection = configoptional.Some(TestConnectionConfig{FailOnError: true})
	standard.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	standard.RetryConfig.Enabled = false

	persistent := withEndpoint("https://collector.example.com/v1/traces")
	storageID := component.MustNewID("file_storage")
	persistentQueue := exporterhelper.NewDefaultQueueConfig()
	persistentQueue.StorageID = &storageID
	persistent.QueueConfig = configoptional.Some(persistentQueue)
	persistent.Signature = configoptional.Some(SignatureConfig{
		Scheme: signature.SchemeStandardWebhooks,
		Secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	})

	withTemplate := func(endpoint, body, per, contentType string) *Config {
		cfg := withEndpoint(endpoint)
		cfg.Encoding = EncodingTemplate
		cfg.Template = configoptional.Some(TemplateConfig{Body: body, Per: per, ContentType: contentType})
		return cfg
	}
	slack := withTemplate("https://hooks.slack.com/services/T000/B000/XXXX", "{\"text\": {{json .EventName}}}\n", "item", "application/json")
	form := withTemplate("https://hooks.example.com/form", "{{range .}}name={{.Name}}&{{end}}", "request", "application/x-www-form-urlencoded")

	rows := withEndpoint("http://127.0.0.1:8123/?query=INSERT%20INTO%20llm_spans%20FORMAT%20JSONEachRow")
	rows.Encoding = EncodingNDJSON
	rows.NDJSON = configoptional.Some(NDJSONConfig{FlattenAttributes: true})

	tests := []struct {
		id       component.ID
		expected *Config
		errKeys  []string
	}{
		{id: component.NewIDWithName(metadata.Type, "ndjson"), expected: rows},
		{id: component.NewIDWithName(metadata.Type, "slack"), expected: slack},
		{id: component.NewIDWithName(metadata.Type, "form"), expected: form},
		{id: component.NewID(metadata.Type), expected: withEndpoint("https://collector.example.com/v1/traces")},
		{id: component.NewIDWithName(metadata.Type, "full"), expected: full},
		{id: component.NewIDWithName(metadata.Type, "standard"), expected: standard},
		{id: component.NewIDWithName(metadata.Type, "persistent"), expected: persistent},
		{
			id: component.NewIDWithName(metadata.Type, "invalid"),
			errKeys: []string{
				`"endpoint" must be an absolute http or https URL`,
				`"method" must be POST or PUT, got "PATCH"`,
				`"encoding" must be json, proto, ndjson or template, got "xml"`,
				`"retryable_statuses[0]"`,
				`"retryable_statuses[2]"`,
				`"max_request_body_size" must not be negative`,
				`"signature": "secret"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := createDefaultConfig()
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))

			err = confmap.Validate(cfg)
			if len(tt.errKeys) > 0 {
				require.Error(t, err)
				for _, key := range tt.errKeys {
					assert.Contains(t, err.Error(), key)
				}
				assert.NotContains(t, err.Error(), "retryable_statuses[1]", "503 is valid")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.expected, cfg)
		})
	}
}

func TestMethodAndEncodingAreCaseInsensitive(t *testing.T) {
	for _, tc := range []struct {
		method, encoding string
		wantMethod       Method
		wantEncoding     Encoding
	}{
		{"post", "json", MethodPost, EncodingJSON},
		{"Put", "Proto", MethodPut, EncodingProto},
		{" PUT ", "JSON", MethodPut, EncodingJSON},
	} {
		cfg := testConfig("https://example.com/hook")
		require.NoError(t, cfg.Method.UnmarshalText([]byte(tc.method)))
		require.NoError(t, cfg.Encoding.UnmarshalText([]byte(tc.encoding)))
		assert.Equal(t, tc.wantMethod, cfg.Method)
		assert.Equal(t, tc.wantEncoding, cfg.Encoding)
		assert.NoError(t, cfg.Validate())
	}
	// Values set in code are accepted in any case too.
	cfg := testConfig("https://example.com/hook")
	cfg.Method = "put"
	cfg.Encoding = "PROTO"
	require.NoError(t, cfg.Validate())
	e, err := newWebhookExporter(cfg, nopSettings())
	require.NoError(t, err)
	defer e.telemetry.Shutdown()
	assert.Equal(t, "PUT", e.method)
	assert.Equal(t, EncodingProto, e.encoding)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
		// secret must not appear in the error.
		secret string
	}{
		{name: "valid defaults", mutate: func(*Config) {}},
		{name: "valid full", mutate: func(c *Config) {
			c.Method = MethodPut
			c.Encoding = EncodingProto
			c.RetryableStatuses = []int{400, 599}
			c.MaxRequestBodySize = 1024
			c.ClientConfig.Headers = configopaque.MapList{{Name: "Authorization", Value: "Bearer x"}}
			c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256, Secret: "k", Header: "X-Sig", Prefix: "sha256="})
			c.TestConnection = configoptional.Some(TestConnectionConfig{FailOnError: true})
		}},
		{name: "empty retryable statuses", mutate: func(c *Config) { c.RetryableStatuses = nil }},
		{name: "missing endpoint", mutate: func(c *Config) { c.ClientConfig.Endpoint = "" }, wantErr: `"endpoint" is required`},
		{name: "endpoint without scheme", mutate: func(c *Config) { c.ClientConfig.Endpoint = "example.com:8080/hook" }, wantErr: `"endpoint" must be an absolute http or https URL`},
		{name: "endpoint relative", mutate: func(c *Config) { c.ClientConfig.Endpoint = "/v1/traces" }, wantErr: `"endpoint" must be an absolute http or https URL`},
		{name: "endpoint ftp", mutate: func(c *Config) { c.ClientConfig.Endpoint = "ftp://example.com/hook" }, wantErr: `"endpoint" must be an absolute http or https URL`},
		{name: "endpoint unparsable", mutate: func(c *Config) { c.ClientConfig.Endpoint = "http://[::1" }, wantErr: `"endpoint" is not a valid URL`},
		{
			name:    "endpoint credentials are not echoed",
			mutate:  func(c *Config) { c.ClientConfig.Endpoint = "ftp://user:hunter2@example.com/hook?token=tok3n" },
			wantErr: `"endpoint" must be an absolute http or https URL, got "ftp://xxxxx@example.com/hook?xxxxx"`,
			secret:  "hunter2",
		},
		{name: "invalid header name", mutate: func(c *Config) {
			c.ClientConfig.Headers = configopaque.MapList{{Name: "Bad Header", Value: "v"}}
		}, wantErr: `"headers": "Bad Header" is not a valid header name`},
		{
			name: "invalid header value is not echoed",
			mutate: func(c *Config) {
				c.ClientConfig.Headers = configopaque.MapList{{Name: "Authorization", Value: "Bearer tok\r\nX-Evil: 1"}}
			},
			wantErr: `"headers": the value of "Authorization" is not a valid header value`,
			secret:  "Bearer tok",
		},
		{name: "method PATCH", mutate: func(c *Config) { c.Method = "PATCH" }, wantErr: `"method" must be POST or PUT, got "PATCH"`},
		{name: "method empty", mutate: func(c *Config) { c.Method = "" }, wantErr: `"method" must be POST or PUT`},
		{name: "encoding xml", mutate: func(c *Config) { c.Encoding = "xml" }, wantErr: `"encoding" must be json, proto, ndjson or template, got "xml"`},
		{name: "valid ndjson", mutate: func(c *Config) {
			c.Encoding = EncodingNDJSON
			c.NDJSON = configoptional.Some(NDJSONConfig{FlattenAttributes: true, AttributePrefix: "attr."})
		}},
		{name: "ndjson section with encoding json", mutate: func(c *Config) {
			c.NDJSON = configoptional.Some(NDJSONConfig{FlattenAttributes: true})
		}, wantErr: `"ndjson" is set, but "encoding" is "json": it applies to encoding ndjson only`},
		{name: "ndjson prefix without flattening", mutate: func(c *Config) {
			c.Encoding = EncodingNDJSON
			c.NDJSON = configoptional.Some(NDJSONConfig{AttributePrefix: "attr."})
		}, wantErr: `"ndjson::attribute_prefix" applies only with "ndjson::flatten_attributes: true"`},
		{name: "valid template", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
			c.Template = configoptional.Some(TemplateConfig{Body: `{"text": {{json .Name}}}`, Per: "item", ContentType: "application/json"})
		}},
		{name: "template section with encoding ndjson", mutate: func(c *Config) {
			c.Encoding = EncodingNDJSON
			c.Template = configoptional.Some(TemplateConfig{Body: `{}`, Per: "item", ContentType: "application/json"})
		}, wantErr: `"template" is set, but "encoding" is "ndjson": it applies to encoding template only`},
		{name: "encoding template without a template", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
		}, wantErr: `"encoding: template" needs a "template" section with "body" and "per"`},
		{name: "template without body", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
			c.Template = configoptional.Some(TemplateConfig{Body: " \n", Per: "item", ContentType: "application/json"})
		}, wantErr: `"template::body" is required`},
		{name: "template that does not parse names the line", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
			c.Template = configoptional.Some(TemplateConfig{Body: "{\n  \"text\": {{json .Name\n}", Per: "item", ContentType: "application/json"})
		}, wantErr: `"template::body": line 3: unexpected "}" in operand`},
		{name: "template with an unknown function", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
			c.Template = configoptional.Some(TemplateConfig{Body: `{{toJSON .Name}}`, Per: "item", ContentType: "application/json"})
		}, wantErr: `"template::body": line 1: function "toJSON" not defined`},
		{name: "template without per", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
			c.Template = configoptional.Some(TemplateConfig{Body: `{}`, ContentType: "application/json"})
		}, wantErr: `"template::per" is required: item`},
		{name: "template per batch", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
			c.Template = configoptional.Some(TemplateConfig{Body: `{}`, Per: "batch", ContentType: "application/json"})
		}, wantErr: `"template::per" must be item or request, got "batch"`},
		{name: "template bad content type", mutate: func(c *Config) {
			c.Encoding = EncodingTemplate
			c.Template = configoptional.Some(TemplateConfig{Body: `{}`, Per: "request", ContentType: "json"})
		}, wantErr: `"template::content_type" must be a media type such as application/json, got "json"`},
		{name: "retryable status 200", mutate: func(c *Config) { c.RetryableStatuses = []int{503, 200} }, wantErr: `"retryable_statuses[1]" must be an HTTP error status between 400 and 599, got 200`},
		{name: "retryable status 600", mutate: func(c *Config) { c.RetryableStatuses = []int{600} }, wantErr: `"retryable_statuses[0]"`},
		{name: "negative max body", mutate: func(c *Config) { c.MaxRequestBodySize = -1 }, wantErr: `"max_request_body_size" must not be negative`},
		{name: "signature without scheme", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Secret: "k"})
		}, wantErr: `"signature": "scheme": scheme is required`},
		{name: "signature unknown scheme", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Scheme: "md5", Secret: "k"})
		}, wantErr: `"signature": "scheme": unknown scheme "md5"`},
		{name: "signature without secret", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256})
		}, wantErr: `"signature": "secret" is required`},
		{name: "standard_webhooks secret not base64", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: "whsec_not-base64!!"})
		}, wantErr: `"signature": "secret": standard_webhooks secret must be base64`, secret: "not-base64!!"},
		{name: "standard_webhooks with header", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret, Header: "X-Sig"})
		}, wantErr: `"signature": "header" and "prefix" apply to scheme hmac_sha256 only`},
		{name: "standard_webhooks with prefix", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret, Prefix: "v1="})
		}, wantErr: `"signature": "header" and "prefix" apply to scheme hmac_sha256 only`},
		{name: "hmac invalid prefix", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256, Secret: "k", Prefix: "sha256=\n"})
		}, wantErr: `"signature": "prefix"`},
		{name: "hmac invalid header", mutate: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256, Secret: "k", Header: "X Sig"})
		}, wantErr: `"signature": "header": "X Sig" is not a valid header name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("https://hooks.example.com/traces")
			tt.mutate(cfg)
			err := cfg.Validate()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if tt.secret != "" {
				assert.NotContains(t, err.Error(), tt.secret)
			}
		})
	}
}

func TestCreateTracesRefusesInvalidEndpoint(t *testing.T) {
	cfg := testConfig("not a url")
	_, err := NewFactory().CreateTraces(t.Context(), nopSettings(), cfg)
	require.ErrorContains(t, err, `"endpoint"`)
}

// The sections of the encodings refuse misspelt keys, as the rest of the
// configuration does.
func TestUnknownEncodingKeysAreRefused(t *testing.T) {
	for key, conf := range map[string]map[string]any{
		"ndjson::flatten_atributes": {"encoding": "ndjson", "ndjson": map[string]any{"flatten_atributes": true}},
		"template::bdy":             {"encoding": "template", "template": map[string]any{"bdy": "{}", "per": "item"}},
	} {
		t.Run(key, func(t *testing.T) {
			conf["endpoint"] = "https://hooks.example.com/hook"
			err := confmap.NewFromStringMap(conf).Unmarshal(createDefaultConfig())
			require.Error(t, err)
			assert.Contains(t, err.Error(), "unknown configuration keys (misspelt?): "+key)
		})
	}
}
