package dedup

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
)

func TestNewDefaultConfig(t *testing.T) {
	cfg := NewDefaultConfig()
	require.NoError(t, cfg.Check())
	assert.Equal(t, BackendMemory, cfg.Backend)
	assert.Equal(t, 72*time.Hour, cfg.TTL)
	assert.Equal(t, 100_000, cfg.MaxEntries)
	assert.Equal(t, OnErrorAccept, cfg.OnError)
	assert.Equal(t, time.Minute, cfg.Lease)
	assert.Equal(t, "localhost:6379", cfg.Redis.Endpoint)
	assert.Equal(t, "otelcol-webhook:dedup:", cfg.Redis.KeyPrefix)
	assert.Equal(t, time.Second, cfg.Redis.Timeout)
	assert.True(t, cfg.Redis.TLS.Insecure, "plain TCP by default")
	require.NoError(t, componenttest.CheckConfigStruct(cfg))
}

func TestConfigUnmarshal(t *testing.T) {
	conf := confmap.NewFromStringMap(map[string]any{
		"backend":  "redis",
		"ttl":      "24h",
		"on_error": "retry",
		"lease":    "30s",
		"redis": map[string]any{
			"endpoint":   "redis.internal:6380",
			"username":   "webhook",
			"password":   "s3cret",
			"db":         2,
			"key_prefix": "a:",
			"timeout":    "250ms",
			"pool_size":  8,
			"tls":        map[string]any{"insecure": false, "ca_file": "/etc/ca.pem"},
		},
	})
	cfg := NewDefaultConfig()
	require.NoError(t, conf.Unmarshal(&cfg))
	require.NoError(t, cfg.Check())
	assert.Equal(t, BackendRedis, cfg.Backend)
	assert.Equal(t, 24*time.Hour, cfg.TTL)
	assert.Equal(t, 100_000, cfg.MaxEntries, "default kept")
	assert.Equal(t, OnErrorRetry, cfg.OnError)
	assert.Equal(t, 30*time.Second, cfg.Lease)
	assert.Equal(t, "redis.internal:6380", cfg.Redis.Endpoint)
	assert.Equal(t, "webhook", cfg.Redis.Username)
	assert.Equal(t, "s3cret", string(cfg.Redis.Password))
	assert.Equal(t, 2, cfg.Redis.DB)
	assert.Equal(t, "a:", cfg.Redis.KeyPrefix)
	assert.Equal(t, 250*time.Millisecond, cfg.Redis.Timeout)
	assert.Equal(t, 8, cfg.Redis.PoolSize)
	assert.False(t, cfg.Redis.TLS.Insecure)
	assert.Equal(t, "/etc/ca.pem", cfg.Redis.TLS.CAFile)

	conf = confmap.NewFromStringMap(map[string]any{"backend": "storage", "storage": "file_storage/dedup"})
	cfg = NewDefaultConfig()
	require.NoError(t, conf.Unmarshal(&cfg))
	require.NoError(t, cfg.Check())
	assert.Equal(t, component.MustNewIDWithName("file_storage", "dedup"), cfg.Storage)
}

func TestConfigCheck(t *testing.T) {
	fileStorage := component.MustNewIDWithName("file_storage", "dedup")
	tests := []struct {
		name   string
		modify func(*Config)
		want   []string // every message, in order; none for a valid config
	}{
		{name: "default"},
		{name: "storage", modify: func(c *Config) { c.Backend, c.Storage = BackendStorage, fileStorage }},
		{name: "redis", modify: func(c *Config) { c.Backend = BackendRedis }},
		{
			name:   "unknown backend",
			modify: func(c *Config) { c.Backend = "etcd" },
			want:   []string{`"backend" must be memory, storage or redis, got "etcd"`},
		},
		{
			name:   "empty backend",
			modify: func(c *Config) { c.Backend = "" },
			want:   []string{`"backend" must be memory, storage or redis, got ""`},
		},
		{
			name:   "storage without extension",
			modify: func(c *Config) { c.Backend = BackendStorage },
			want:   []string{`"storage" must name a storage extension when "backend" is storage`},
		},
		{
			name:   "extension without backend storage",
			modify: func(c *Config) { c.Storage = fileStorage },
			want:   []string{`"storage" is set but "backend" is memory; set "backend" to storage to use it`},
		},
		{
			name:   "ttl and max_entries",
			modify: func(c *Config) { c.TTL, c.MaxEntries = 0, 0 },
			want:   []string{`"ttl" must be positive, got 0s`, `"max_entries" must be positive, got 0`},
		},
		{
			name:   "negative ttl",
			modify: func(c *Config) { c.TTL = -time.Second },
			want:   []string{`"ttl" must be positive, got -1s`},
		},
		{
			name:   "on_error",
			modify: func(c *Config) { c.OnError = "drop" },
			want:   []string{`"on_error" must be accept or retry, got "drop"`},
		},
		{
			name:   "lease of storage",
			modify: func(c *Config) { c.Backend, c.Storage, c.Lease = BackendStorage, fileStorage, 0 },
			want:   []string{`"lease" must be positive, got 0s`},
		},
		{
			name:   "lease unused by memory",
			modify: func(c *Config) { c.Lease = 0 },
		},
		{
			name:   "redis endpoint missing",
			modify: func(c *Config) { c.Backend, c.Redis.Endpoint = BackendRedis, "" },
			want:   []string{`"redis::endpoint" is required`},
		},
		{
			name:   "redis endpoint without port",
			modify: func(c *Config) { c.Backend, c.Redis.Endpoint = BackendRedis, "redis.internal" },
			want:   []string{`"redis::endpoint" must be host:port, got "redis.internal"`},
		},
		{
			name:   "redis endpoint as a URL",
			modify: func(c *Config) { c.Backend, c.Redis.Endpoint = BackendRedis, "redis://redis.internal/0" },
			want:   []string{`"redis::endpoint" must be host:port, got "redis://redis.internal/0"`},
		},
		{
			name:   "redis endpoint without host",
			modify: func(c *Config) { c.Backend, c.Redis.Endpoint = BackendRedis, ":6379" },
			want:   []string{`"redis::endpoint" must be host:port, got ":6379"`},
		},
		{
			name: "redis numbers",
			modify: func(c *Config) {
				c.Backend = BackendRedis
				c.Redis.DB, c.Redis.Timeout, c.Redis.PoolSize, c.Redis.MaxActiveConns = -1, 0, -2, -3
				c.Redis.PoolTimeout, c.Redis.MaxRetries = -time.Second, -2
			},
			want: []string{
				`"redis::db" must not be negative, got -1`,
				`"redis::timeout" must be positive, got 0s`,
				`"redis::pool_size" must not be negative, got -2`,
				`"redis::max_active_conns" must not be negative, got -3`,
				`"redis::pool_timeout" must not be negative, got -1s`,
				`"redis::max_retries" must be -1 (no retries) or more, got -2`,
			},
		},
		{
			name:   "redis settings unused by memory",
			modify: func(c *Config) { c.Redis.Endpoint, c.Redis.Timeout = "", 0 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := NewDefaultConfig()
			if tt.modify != nil {
				tt.modify(&cfg)
			}
			err := cfg.Check()
			if len(tt.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, strings.Join(tt.want, "\n"), err.Error())
		})
	}
}

func TestNewDeduplicatorChecks(t *testing.T) {
	cfg := NewDefaultConfig()
	cfg.TTL = 0
	_, err := NewDeduplicator(cfg, Settings{})
	require.EqualError(t, err, `"ttl" must be positive, got 0s`)
}
