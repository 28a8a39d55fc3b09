package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"errors"
	"strings"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

const (
	// defaultLiteLLMPath is where LiteLLM's generic_api logging callback
	// posts its StandardLoggingPayload batches.
	defaultLiteLLMPath = "/litellm"
	// defaultLiteLLMAlertsPath is where LiteLLM's alert webhook posts.
	defaultLiteLLMAlertsPath = "/litellm/alerts"
)

// LiteLLMConfig is the litellm section: the path of the logging callback's
// spans and the path of the alert webhook's events, which share the
// section's authentication (LiteLLM signs neither).
type LiteLLMConfig struct {
	SenderConfig `mapstructure:",squash"`
	// AlertsPath is where LiteLLM's alert webhook (WEBHOOK_URL) posts;
	// empty turns it off.
	AlertsPath string `mapstructure:"alerts_path"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var errLiteLLMAlertsPath = errors.New(`litellm: "alerts_path" must start with "/" or be empty`)

func defaultLiteLLMConfig() LiteLLMConfig {
	return LiteLLMConfig{
		SenderConfig: defaultSenderConfig(defaultLiteLLMPath, signature.SchemeHMACSHA256),
		AlertsPath:   defaultLiteLLMAlertsPath,
	}
}

// validateLiteLLM checks what the section adds to a sender section; the
// rest is checked with the other sender sections.
func (cfg *Config) validateLiteLLM() []error {
	l := cfg.LiteLLM.Get()
	if l == nil || l.AlertsPath == "" || strings.HasPrefix(l.AlertsPath, "/") {
		return nil
	}
	return []error{errLiteLLMAlertsPath}
}

// liteLLMAlertsPath is the alerts path when the section is on and the path
// set, else "".
func (cfg *Config) liteLLMAlertsPath() string {
	if l := cfg.LiteLLM.Get(); l != nil {
		return l.AlertsPath
	}
	return ""
}
