package webhookreceiver

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		id       component.ID
		expected func(*Config)
	}{
		{
			id:       component.NewID(metadata.Type),
			expected: func(*Config) {},
		},
		{
			id: component.NewIDWithName(metadata.Type, "openrouter"),
			expected: func(c *Config) {
				c.ServerConfig.NetAddr.Endpoint = "0.0.0.0:8443"
				c.ServerConfig.MaxRequestBodySize = 1 << 20
				c.Path = "/openrouter/traces"
				c.HealthPath = "/healthz"
				c.Semconv = true
				c.RedactContent = true
				c.RequiredHeaders = map[string]configopaque.String{
					"Authorization":    "Bearer s3cret-token",
					"X-Webhook-Source": "openrouter",
				}
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "hmac"),
			expected: func(c *Config) {
				c.Lenient = false
				c.HealthPath = ""
				c.Signature = configoptional.Some(SignatureConfig{
					Scheme:    signature.SchemeHMACSHA256,
					Header:    "X-OpenRouter-Signature",
					Prefix:    "sha256=",
					Secrets:   []configopaque.String{"new-secret", "old-secret"},
					Tolerance: signature.DefaultTolerance,
				})
				c.Dedup = configoptional.None[DedupConfig]()
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "standard"),
			expected: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{
					Scheme:    signature.SchemeStandardWebhooks,
					Secrets:   []configopaque.String{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
					Tolerance: time.Minute,
				})
				d := dedup.NewDefaultConfig()
				d.TTL, d.MaxEntries = time.Hour, 1000
				c.Dedup = configoptional.Some(d)
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "redis"),
			expected: func(c *Config) {
				d := dedup.NewDefaultConfig()
				d.Backend = dedup.BackendRedis
				d.TTL = 73 * time.Hour
				d.OnError = dedup.OnErrorRetry
				d.Lease = 30 * time.Second
				d.Redis.Endpoint = "redis.observability.svc:6379"
				d.Redis.Password = "redis-password"
				d.Redis.DB = 2
				d.Redis.KeyPrefix = "gateway:"
				d.Redis.Timeout = 250 * time.Millisecond
				d.Redis.PoolSize = 20
				c.Dedup = configoptional.Some(d)
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "storage"),
			expected: func(c *Config) {
				d := dedup.NewDefaultConfig()
				d.Backend = dedup.BackendStorage
				d.Storage = component.MustNewIDWithName("file_storage", "dedup")
				c.Dedup = configoptional.Some(d)
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "senders"),
			expected: func(c *Config) {
				c.LogsPath = ""
				c.TrustedProxies = []string{"10.0.0.0/8"}
				c.AllowedSources = []string{"192.0.2.0/24", "2001:db8::1"}
				c.RequiredHeaders = map[string]configopaque.String{"Authorization": "Bearer broadcast-token"}
				c.OpenRouterEvents = configoptional.Some(SenderConfig{
					Path: "/openrouter/events",
					Signature: configoptional.Some(SignatureConfig{
						Scheme:    signature.SchemeOpenRouter,
						Secrets:   []configopaque.String{"openrouter-secret"},
						Tolerance: signature.DefaultTolerance,
					}),
				})
				c.Helicone = configoptional.Some(SenderConfig{
					Path:            "/hooks/helicone",
					RequiredHeaders: map[string]configopaque.String{"X-Source": "helicone"},
					AllowedSources:  []string{"198.51.100.0/24"},
					Signature: configoptional.Some(SignatureConfig{
						Scheme:    signature.SchemeHMACSHA256,
						Secrets:   []configopaque.String{"helicone-key"},
						Tolerance: signature.DefaultTolerance,
					}),
				})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			require.NoError(t, confmap.Validate(cfg))

			expected := NewFactory().CreateDefaultConfig().(*Config)
			tt.expected(expected)
			assert.Equal(t, expected, cfg)
		})
	}
}

func TestDefaultConfig(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.Equal(t, "localhost:4319", cfg.ServerConfig.NetAddr.Endpoint)
	assert.Equal(t, "/v1/traces", cfg.Path)
	assert.Equal(t, "/v1/logs", cfg.LogsPath)
	assert.False(t, cfg.OpenRouterEvents.HasValue(), "sender sections are off by default")
	assert.False(t, cfg.Helicone.HasValue())
	// What a section is when only named.
	named := createDefaultConfig().(*Config)
	assert.Equal(t, "/openrouter/events", named.OpenRouterEvents.GetOrInsertDefault().Path)
	assert.Equal(t, signature.SchemeOpenRouter, named.OpenRouterEvents.Get().Signature.GetOrInsertDefault().Scheme, "either form of X-OpenRouter-Signature")
	assert.Equal(t, signature.SchemeHMACSHA256, named.Helicone.GetOrInsertDefault().Signature.GetOrInsertDefault().Scheme)
	assert.Equal(t, "/helicone", named.Helicone.GetOrInsertDefault().Path)
	assert.Equal(t, "/health", cfg.HealthPath)
	assert.True(t, cfg.Lenient)
	assert.False(t, cfg.Semconv)
	assert.False(t, cfg.RedactContent)
	assert.False(t, cfg.Signature.HasValue(), "signature is off by default")
	require.True(t, cfg.Dedup.HasValue(), "dedup is on by default")
	assert.Equal(t, 72*time.Hour, cfg.Dedup.Get().TTL)
	assert.Equal(t, 100_000, cfg.Dedup.Get().MaxEntries)
	require.NoError(t, cfg.Validate())
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		errs   []string
	}{
		{name: "path without slash", modify: func(c *Config) { c.Path = "v1/traces" }, errs: []string{`"path" must start with "/"`}},
		{name: "empty path", modify: func(c *Config) { c.Path = "" }, errs: []string{`"path" must start with "/"`}},
		{name: "health path without slash", modify: func(c *Config) { c.HealthPath = "health" }, errs: []string{`"health_path" must start with "/"`}},
		{name: "health path equals path", modify: func(c *Config) { c.HealthPath = c.Path }, errs: []string{`"health_path" must differ from "path"`}},
		{name: "logs path without slash", modify: func(c *Config) { c.LogsPath = "logs" }, errs: []string{`"logs_path" must start with "/" or be empty`}},
		{name: "logs path equals path", modify: func(c *Config) { c.LogsPath = c.Path }, errs: []string{`"logs_path" must differ from "path": both are "/v1/traces"`}},
		{
			name:   "section path without slash",
			modify: func(c *Config) { c.OpenRouterEvents.GetOrInsertDefault().Path = "events" },
			errs:   []string{`openrouter_events: "path" must start with "/"`},
		},
		{
			name: "two sections on one path",
			modify: func(c *Config) {
				c.OpenRouterEvents.GetOrInsertDefault().Path = "/hooks"
				c.Helicone.GetOrInsertDefault().Path = "/hooks"
			},
			errs: []string{`"helicone::path" must differ from "openrouter_events::path": both are "/hooks"`},
		},
		{
			name:   "section on the traces path",
			modify: func(c *Config) { c.Helicone.GetOrInsertDefault().Path = "/v1/traces" },
			errs:   []string{`"helicone::path" must differ from "path"`},
		},
		{
			name: "section signature without secrets",
			modify: func(c *Config) {
				c.Helicone.GetOrInsertDefault().Signature.GetOrInsertDefault()
			},
			errs: []string{`helicone: signature: "secrets" must list at least one secret`},
		},
		{
			name: "section required header",
			modify: func(c *Config) {
				c.OpenRouterEvents.GetOrInsertDefault().RequiredHeaders = map[string]configopaque.String{"X-Token": ""}
			},
			errs: []string{`openrouter_events: required_headers: value of "X-Token" is empty`},
		},
		{
			name:   "allowed source not an address",
			modify: func(c *Config) { c.AllowedSources = []string{"10.0.0.0/8", "10.0.0/8"} },
			errs:   []string{`allowed_sources[1]: "10.0.0/8" is not an IP address or a CIDR`},
		},
		{
			name:   "section allowed source not an address",
			modify: func(c *Config) { c.Helicone.GetOrInsertDefault().AllowedSources = []string{"helicone.ai"} },
			errs:   []string{`helicone: allowed_sources[0]: "helicone.ai" is not an IP address or a CIDR`},
		},
		{
			name:   "trusted proxy not a CIDR",
			modify: func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/33"} },
			errs:   []string{`trusted_proxies[0]: "10.0.0.0/33" is not an IP address or a CIDR`},
		},
		{
			name:   "bad required header name",
			modify: func(c *Config) { c.RequiredHeaders = map[string]configopaque.String{"Bad Header": "x"} },
			errs:   []string{`required_headers: "Bad Header" is not a valid header name`},
		},
		{
			name:   "empty required header value",
			modify: func(c *Config) { c.RequiredHeaders = map[string]configopaque.String{"Authorization": ""} },
			errs:   []string{`required_headers: value of "Authorization" is empty`},
		},
		{
			name: "unknown signature scheme",
			modify: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{Scheme: "md5", Secrets: []configopaque.String{"x"}})
			},
			errs: []string{`signature: "scheme": unknown scheme "md5"`},
		},
		{
			name: "missing scheme",
			modify: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{Secrets: []configopaque.String{"x"}})
			},
			errs: []string{`signature: "scheme": scheme is required`},
		},
		{
			name: "no secrets",
			modify: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256})
			},
			errs: []string{`signature: "secrets" must list at least one secret`},
		},
		{
			name: "standard webhooks secret not base64",
			modify: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secrets: []configopaque.String{"whsec_%%%"}})
			},
			errs: []string{`signature: "secrets[0]": standard_webhooks secret must be base64`},
		},
		{
			name: "header with standard webhooks",
			modify: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Header: "X-Sig", Secrets: []configopaque.String{"whsec_c2VjcmV0"}})
			},
			errs: []string{`signature: "header" does not apply to scheme standard_webhooks`},
		},
		{
			name: "bad signature header",
			modify: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeHMACSHA256, Header: "X Sig", Secrets: []configopaque.String{"k"}})
			},
			errs: []string{`signature: "header": "X Sig" is not a valid header name`},
		},
		{
			name: "negative tolerance",
			modify: func(c *Config) {
				c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secrets: []configopaque.String{"whsec_c2VjcmV0"}, Tolerance: -time.Second})
			},
			errs: []string{`signature: "tolerance" must not be negative`},
		},
		{name: "zero dedup ttl", modify: func(c *Config) { c.Dedup.Get().TTL = 0 }, errs: []string{`dedup: "ttl" must be positive`}},
		{name: "zero dedup entries", modify: func(c *Config) { c.Dedup.Get().MaxEntries = 0 }, errs: []string{`dedup: "max_entries" must be positive`}},
		{
			name:   "unknown dedup backend, and a bad policy",
			modify: func(c *Config) { c.Dedup.Get().Backend = "etcd"; c.Dedup.Get().OnError = "drop" },
			errs:   []string{`dedup: "backend" must be memory, storage or redis, got "etcd"`, `dedup: "on_error" must be accept or retry, got "drop"`},
		},
		{
			name:   "storage backend without a storage extension",
			modify: func(c *Config) { c.Dedup.Get().Backend = dedup.BackendStorage },
			errs:   []string{`dedup: "storage" must name a storage extension`},
		},
		{
			name: "several problems at once",
			modify: func(c *Config) {
				c.Path = "x"
				c.Dedup.Get().MaxEntries = -1
			},
			errs: []string{`"path" must start with "/"`, `dedup: "max_entries" must be positive`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.modify(cfg)
			err := confmap.Validate(cfg)
			require.Error(t, err)
			for _, want := range tt.errs {
				assert.Equal(t, 1, strings.Count(err.Error(), want), "reported once: %s", err)
			}
		})
	}
}

func TestValidateErrorsDoNotLeakSecrets(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Signature = configoptional.Some(SignatureConfig{
		Scheme:  signature.SchemeStandardWebhooks,
		Secrets: []configopaque.String{"whsec_not-base64-TOPSECRET"},
	})
	err := cfg.Validate()
	require.Error(t, err)
	assert.False(t, strings.Contains(err.Error(), "TOPSECRET"), err.Error())
}
