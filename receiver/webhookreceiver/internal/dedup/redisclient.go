package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"context"
	"fmt"
	"net"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
	"go.uber.org/zap"
)

// redisOptions maps the configuration on go-redis's options: Timeout bounds
// dial, read and write, and the wait for a pooled connection unless
// pool_timeout is set.
func redisOptions(cfg RedisConfig) *redis.Options {
	opt := &redis.Options{
		Addr:                  cfg.Endpoint,
		Username:              cfg.Username,
		Password:              string(cfg.Password),
		DB:                    cfg.DB,
		DialTimeout:           cfg.Timeout,
		ReadTimeout:           cfg.Timeout,
		WriteTimeout:          cfg.Timeout,
		ContextTimeoutEnabled: true,
		// One dial attempt a call: a Redis that refuses connections then
		// fails the call at once; go-redis's pool redials on its own.
		DialerRetries:   1,
		PoolSize:        cfg.PoolSize,
		MinIdleConns:    cfg.MinIdleConns,
		MaxIdleConns:    cfg.MaxIdleConns,
		MaxActiveConns:  cfg.MaxActiveConns,
		PoolTimeout:     cfg.PoolTimeout,
		ConnMaxIdleTime: cfg.ConnMaxIdleTime,
		ConnMaxLifetime: cfg.ConnMaxLifetime,
		MaxRetries:      cfg.MaxRetries,
		// Cluster maintenance notifications do not apply to one server.
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	}
	if opt.PoolTimeout == 0 {
		opt.PoolTimeout = cfg.Timeout
	}
	return opt
}

// connectRedis builds the client. It does not need Redis to be up: go-redis
// connects on first use and reconnects by itself.
func (d *Deduplicator) connectRedis(ctx context.Context) error {
	rc := d.cfg.Redis
	opt := redisOptions(rc)
	tlsCfg, err := rc.TLS.LoadTLSConfig(ctx)
	if err != nil {
		return fmt.Errorf("redis::tls: %w", err)
	}
	if tlsCfg != nil && tlsCfg.ServerName == "" {
		tlsCfg.ServerName, _, _ = net.SplitHostPort(rc.Endpoint)
	}
	opt.TLSConfig = tlsCfg
	if d.adjustRedis != nil {
		d.adjustRedis(opt)
	}
	d.redis.client = redis.NewClient(opt)

	pctx, cancel := context.WithTimeout(ctx, rc.Timeout)
	defer cancel()
	if err := d.redis.client.Ping(pctx).Err(); err != nil {
		d.log.Warn("Redis is not reachable at start; dedup::on_error applies until it is",
			zap.String("endpoint", rc.Endpoint), zap.String("on_error", d.cfg.OnError.String()), zap.Error(err))
	}
	return nil
}
