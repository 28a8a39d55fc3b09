package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configtls"
)

// Backend is where the dedup state is kept.
type Backend string

const (
	// BackendMemory keeps the state in bounded LRU caches of this process.
	BackendMemory Backend = "memory"
	// BackendStorage keeps accepted keys in a collector storage extension.
	BackendStorage Backend = "storage"
	// BackendRedis keeps reservations and accepted keys in Redis, shared by
	// every replica.
	BackendRedis Backend = "redis"
)

func (b Backend) String() string { return string(b) }

// OnError is what a request gets when the backend fails or times out.
type OnError string

const (
	// OnErrorAccept answers the keys as new: the data is forwarded, and a
	// duplicate is possible.
	OnErrorAccept OnError = "accept"
	// OnErrorRetry makes Reserve return ErrUnavailable, so the sender is
	// asked to retry.
	OnErrorRetry OnError = "retry"
)

func (o OnError) String() string { return string(o) }

const (
	defaultTTL        = 72 * time.Hour
	defaultMaxEntries = 100_000
	defaultLease      = time.Minute
	defaultEndpoint   = "localhost:6379"
	defaultKeyPrefix  = "otelcol-webhook:dedup:"
	defaultTimeout    = time.Second
)

// Config is the receiver's `dedup` section.
type Config struct {
	// Backend is memory (default), storage or redis.
	Backend Backend `mapstructure:"backend"`
	// TTL is how long an accepted key is remembered, in every backend.
	TTL time.Duration `mapstructure:"ttl"`
	// MaxEntries bounds each namespace of the memory backend, and each
	// namespace of the in-process cache in front of storage and redis.
	MaxEntries int `mapstructure:"max_entries"`
	// Storage names the storage extension of the storage backend, for
	// example file_storage/dedup.
	Storage component.ID `mapstructure:"storage"`
	// Redis configures the redis backend.
	Redis RedisConfig `mapstructure:"redis"`
	// OnError is accept (default) or retry.
	OnError OnError `mapstructure:"on_error"`
	// Lease is the life of an unfinished reservation in storage and redis,
	// so that a request that never finished (a replica died) does not
	// block the sender's retry for longer.
	Lease time.Duration `mapstructure:"lease"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RedisConfig configures the connection to Redis.
type RedisConfig struct {
	// Endpoint is host:port of the server.
	Endpoint string `mapstructure:"endpoint"`
	// Username is the ACL user; empty for the default user.
	Username string `mapstructure:"username"`
	// Password authenticates the connection.
	Password configopaque.String `mapstructure:"password"`
	// DB is the database number.
	DB int `mapstructure:"db"`
	// TLS is off (insecure: true) by default.
	TLS configtls.ClientConfig `mapstructure:"tls"`
	// KeyPrefix is put in front of every key, so that several receivers
	// or other applications can share one Redis.
	KeyPrefix string `mapstructure:"key_prefix"`
	// Timeout bounds every call: dial, write and read.
	Timeout time.Duration `mapstructure:"timeout"`

	// Pool settings, as go-redis names them; 0 keeps go-redis's default.
	PoolSize        int           `mapstructure:"pool_size"`
	MinIdleConns    int           `mapstructure:"min_idle_conns"`
	MaxIdleConns    int           `mapstructure:"max_idle_conns"`
	MaxActiveConns  int           `mapstructure:"max_active_conns"`
	PoolTimeout     time.Duration `mapstructure:"pool_timeout"`
	ConnMaxIdleTime time.Duration `mapstructure:"conn_max_idle_time"`
	ConnMaxLifetime time.Duration `mapstructure:"conn_max_lifetime"`
	// MaxRetries of a failed call within Timeout; 0 keeps go-redis's
	// default (3), -1 disables retries.
	MaxRetries int `mapstructure:"max_retries"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// NewDefaultConfig returns the defaults: memory backend, 72h TTL, 100000
// entries a namespace, accept on error.
func NewDefaultConfig() Config {
	tls := configtls.NewDefaultClientConfig()
	tls.Insecure = true
	return Config{
		Backend:    BackendMemory,
		TTL:        defaultTTL,
		MaxEntries: defaultMaxEntries,
		OnError:    OnErrorAccept,
		Lease:      defaultLease,
		Redis: RedisConfig{
			Endpoint:  defaultEndpoint,
			TLS:       tls,
			KeyPrefix: defaultKeyPrefix,
			Timeout:   defaultTimeout,
		},
	}
}

// Check validates the configuration. It is not named Validate so that the
// collector's recursive validation does not report its errors twice; that
// validation checks redis::tls itself.
func (c *Config) Check() error {
	var errs []error
	switch c.Backend {
	case BackendMemory, BackendStorage, BackendRedis:
	default:
		errs = append(errs, fmt.Errorf("\"backend\" must be memory, storage or redis, got %q", c.Backend))
	}
	if c.TTL <= 0 {
		errs = append(errs, fmt.Errorf("\"ttl\" must be positive, got %s", c.TTL))
	}
	if c.MaxEntries <= 0 {
		errs = append(errs, fmt.Errorf("\"max_entries\" must be positive, got %d", c.MaxEntries))
	}
	switch c.OnError {
	case OnErrorAccept, OnErrorRetry:
	default:
		errs = append(errs, fmt.Errorf("\"on_error\" must be accept or retry, got %q", c.OnError))
	}
	hasStorage := c.Storage != component.ID{}
	switch {
	case c.Backend == BackendStorage && !hasStorage:
		errs = append(errs, errors.New(`"storage" must name a storage extension when "backend" is storage`))
	case c.Backend != BackendStorage && hasStorage:
		// Most likely a forgotten `backend: storage`: the state would
		// silently stay in memory.
		errs = append(errs, fmt.Errorf("\"storage\" is set but \"backend\" is %s; set \"backend\" to storage to use it", c.Backend))
	}
	if c.Backend == BackendStorage || c.Backend == BackendRedis {
		if c.Lease <= 0 {
			errs = append(errs, fmt.Errorf("\"lease\" must be positive, got %s", c.Lease))
		}
	}
	if c.Backend == BackendRedis {
		errs = append(errs, c.Redis.check()...)
	}
	return errors.Join(errs...)
}

func (r *RedisConfig) check() []error {
	var errs []error
	if r.Endpoint == "" {
		errs = append(errs, errors.New(`"redis::endpoint" is required`))
	} else if host, port, err := net.SplitHostPort(r.Endpoint); err != nil || host == "" || !validPort(port) {
		errs = append(errs, fmt.Errorf("\"redis::endpoint\" must be host:port, got %q", r.Endpoint))
	}
	if r.DB < 0 {
		errs = append(errs, fmt.Errorf("\"redis::db\" must not be negative, got %d", r.DB))
	}
	if r.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("\"redis::timeout\" must be positive, got %s", r.Timeout))
	}
	for _, f := range []struct {
		key string
		n   int
	}{
		{"pool_size", r.PoolSize},
		{"min_idle_conns", r.MinIdleConns},
		{"max_idle_conns", r.MaxIdleConns},
		{"max_active_conns", r.MaxActiveConns},
	} {
		if f.n < 0 {
			errs = append(errs, fmt.Errorf("\"redis::%s\" must not be negative, got %d", f.key, f.n))
		}
	}
	for _, f := range []struct {
		key string
		d   time.Duration
	}{
		{"pool_timeout", r.PoolTimeout},
		{"conn_max_idle_time", r.ConnMaxIdleTime},
		{"conn_max_lifetime", r.ConnMaxLifetime},
	} {
		if f.d < 0 {
			errs = append(errs, fmt.Errorf("\"redis::%s\" must not be negative, got %s", f.key, f.d))
		}
	}
	if r.MaxRetries < -1 {
		errs = append(errs, fmt.Errorf("\"redis::max_retries\" must be -1 (no retries) or more, got %d", r.MaxRetries))
	}
	return errs
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n <= 65535
}
