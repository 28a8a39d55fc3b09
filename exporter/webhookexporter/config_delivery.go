package webhookexporter // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
)

// DeliveryConfig is the delivery section: failures leave the sending
// queue and are retried on a schedule of days, and what cannot be
// delivered is kept as a dead letter for replay.
type DeliveryConfig struct {
	// Schedule is the waits between attempts; each gets ±20 % jitter.
	// len(schedule)+1 attempts in all.
	Schedule []time.Duration `mapstructure:"schedule"`
	// Concurrency is the number of workers sending scheduled deliveries;
	// 0 means the sending queue's num_consumers.
	Concurrency int `mapstructure:"concurrency"`
	// Storage is a storage extension (file_storage) that keeps scheduled
	// deliveries and dead letters across restarts; without it they are
	// in memory.
	Storage *component.ID `mapstructure:"storage"`
	// DeadLetter bounds the dead letters kept.
	DeadLetter DeadLetterConfig `mapstructure:"dead_letter"`
	// CircuitBreaker stops requests to a failing endpoint.
	CircuitBreaker CircuitBreakerConfig `mapstructure:"circuit_breaker"`
	// RateLimit, when set, bounds the requests per second to the endpoint.
	RateLimit configoptional.Optional[RateLimitConfig] `mapstructure:"rate_limit"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// DeadLetterConfig is the retention of dead letters; past either bound the
// oldest go first, counted and logged.
type DeadLetterConfig struct {
	// MaxAge is how long a dead letter is kept; 0 means no limit.
	MaxAge time.Duration `mapstructure:"max_age"`
	// MaxSize bounds the bytes of the dead letters' bodies; 0 means no
	// limit.
	MaxSize int64 `mapstructure:"max_size"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// CircuitBreakerConfig opens the circuit after Failures consecutive
// retryable failures: no request goes to the endpoint for OpenFor, doubled
// after each failed probe up to 10 minutes.
type CircuitBreakerConfig struct {
	// Failures opens the circuit; 0 turns the breaker off.
	Failures int `mapstructure:"failures"`
	// OpenFor is the first wait before a probe.
	OpenFor time.Duration `mapstructure:"open_for"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RateLimitConfig bounds the requests to the endpoint.
type RateLimitConfig struct {
	RequestsPerSecond float64 `mapstructure:"requests_per_second"`
	// Burst is the number of requests that may go at once; 0 means 1.
	Burst int `mapstructure:"burst"`

	// prevent unkeyed literal initialization
	_ struct{}
}

const (
	deliveryJitter        = 0.2
	circuitMaxOpen        = 10 * time.Minute
	defaultDeadLetterAge  = 168 * time.Hour
	defaultDeadLetterSize = 256 << 20
)

// defaultSchedule is Svix's: 8 attempts over about 27.6 hours.
func defaultSchedule() []time.Duration {
	return []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}
}

func defaultDeliveryConfig() DeliveryConfig {
	return DeliveryConfig{
		Schedule:       defaultSchedule(),
		DeadLetter:     DeadLetterConfig{MaxAge: defaultDeadLetterAge, MaxSize: defaultDeadLetterSize},
		CircuitBreaker: CircuitBreakerConfig{Failures: 5, OpenFor: 30 * time.Second},
		RateLimit:      configoptional.Default(RateLimitConfig{}),
	}
}

var errRetryWithDelivery = errors.New(`"retry_on_failure::enabled: true" cannot be set together with "delivery": delivery retries failures on its own schedule; remove retry_on_failure`)

// validate checks the delivery section; its errors name their keys.
func (d *DeliveryConfig) validate() error {
	var errs []error
	if len(d.Schedule) == 0 {
		errs = append(errs, errors.New(`"delivery::schedule" must list at least one wait`))
	}
	for i, w := range d.Schedule {
		if w <= 0 {
			errs = append(errs, fmt.Errorf("\"delivery::schedule[%d]\" must be a positive duration, got %s", i, w))
		}
	}
	if d.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("\"delivery::concurrency\" must not be negative (0 means the sending queue's num_consumers), got %d", d.Concurrency))
	}
	if d.DeadLetter.MaxAge < 0 {
		errs = append(errs, fmt.Errorf("\"delivery::dead_letter::max_age\" must not be negative (0 means no limit), got %s", d.DeadLetter.MaxAge))
	}
	if d.DeadLetter.MaxSize < 0 {
		errs = append(errs, fmt.Errorf("\"delivery::dead_letter::max_size\" must not be negative (0 means no limit), got %d", d.DeadLetter.MaxSize))
	}
	if d.CircuitBreaker.Failures < 0 {
		errs = append(errs, fmt.Errorf("\"delivery::circuit_breaker::failures\" must not be negative (0 turns the breaker off), got %d", d.CircuitBreaker.Failures))
	}
	if d.CircuitBreaker.OpenFor < 0 || (d.CircuitBreaker.Failures > 0 && d.CircuitBreaker.OpenFor == 0) {
		errs = append(errs, fmt.Errorf("\"delivery::circuit_breaker::open_for\" must be a positive duration, got %s", d.CircuitBreaker.OpenFor))
	}
	if rl := d.RateLimit.Get(); rl != nil {
		if rl.RequestsPerSecond <= 0 {
			errs = append(errs, fmt.Errorf("\"delivery::rate_limit::requests_per_second\" must be positive, got %g", rl.RequestsPerSecond))
		}
		if rl.Burst < 0 {
			errs = append(errs, fmt.Errorf("\"delivery::rate_limit::burst\" must not be negative, got %d", rl.Burst))
		}
	}
	return errors.Join(errs...)
}
