package webhookexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func loadDeliveryConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "delivery.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.MustNewIDWithName("webhook", name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg
}

func TestDeliveryConfigDefaults(t *testing.T) {
	assert.False(t, createDefaultConfig().(*Config).Delivery.HasValue(), "off unless configured")
	cfg := loadDeliveryConfig(t, "defaults")
	require.NoError(t, confmap.Validate(cfg))
	d := cfg.Delivery.Get()
	require.NotNil(t, d, "an empty delivery section turns it on")
	assert.Equal(t, []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}, d.Schedule)
	var total time.Duration
	for _, w := range d.Schedule {
		total += w
	}
	assert.Equal(t, 27*time.Hour+35*time.Minute+5*time.Second, total, "Svix's ~27.6 h")
	assert.Equal(t, 0, d.Concurrency)
	assert.Nil(t, d.Storage)
	assert.Equal(t, 168*time.Hour, d.DeadLetter.MaxAge)
	assert.Equal(t, int64(256<<20), d.DeadLetter.MaxSize)
	assert.Equal(t, 5, d.CircuitBreaker.Failures)
	assert.Equal(t, 30*time.Second, d.CircuitBreaker.OpenFor)
	assert.False(t, d.RateLimit.HasValue())
	assert.False(t, retryConfig(cfg).Enabled)
}

func TestDeliveryConfigFull(t *testing.T) {
	cfg := loadDeliveryConfig(t, "full")
	require.NoError(t, confmap.Validate(cfg))
	d := cfg.Delivery.Get()
	assert.Equal(t, []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 48 * time.Hour}, d.Schedule)
	assert.Equal(t, 8, d.Concurrency)
	assert.Equal(t, component.MustNewID("file_storage"), *d.Storage)
	assert.Equal(t, 720*time.Hour, d.DeadLetter.MaxAge)
	assert.Equal(t, int64(1048576), d.DeadLetter.MaxSize)
	assert.Equal(t, 10, d.CircuitBreaker.Failures)
	assert.Equal(t, time.Minute, d.CircuitBreaker.OpenFor)
	require.True(t, d.RateLimit.HasValue())
	assert.Equal(t, 20.0, d.RateLimit.Get().RequestsPerSecond)
	assert.Equal(t, 5, d.RateLimit.Get().Burst)
}

func TestDeliveryConfigRetry(t *testing.T) {
	require.NoError(t, confmap.Validate(loadDeliveryConfig(t, "retry_off")))
	err := confmap.Validate(loadDeliveryConfig(t, "retry_on"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"retry_on_failure::enabled: true" cannot be set together with "delivery"`)
}

func TestDeliveryConfigInvalid(t *testing.T) {
	err := confmap.Validate(loadDeliveryConfig(t, "invalid"))
	require.Error(t, err)
	for _, want := range []string{
		`"delivery::schedule[1]" must be a positive duration, got 0s`,
		`"delivery::schedule[2]" must be a positive duration, got -1m0s`,
		`"delivery::concurrency" must not be negative`,
		`"delivery::dead_letter::max_age" must not be negative`,
		`"delivery::dead_letter::max_size" must not be negative`,
		`"delivery::circuit_breaker::failures" must not be negative`,
		`"delivery::circuit_breaker::open_for" must be a positive duration`,
		`"delivery::rate_limit::requests_per_second" must be positive`,
		`"delivery::rate_limit::burst" must not be negative`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	err = confmap.Validate(loadDeliveryConfig(t, "empty_schedule"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"delivery::schedule" must list at least one wait`)
}
