package webhookreceiver

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadata"
)

func TestLoadLiteLLMConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, "litellm").String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())

	l := cfg.LiteLLM.Get()
	require.NotNil(t, l)
	assert.Equal(t, "/gateways/litellm", l.Path)
	assert.Equal(t, "/gateways/litellm/alerts", l.AlertsPath)
	assert.Equal(t, []string{"10.1.2.3"}, l.AllowedSources)
	assert.Equal(t, map[string]configopaque.String{"Authorization": "Bearer litellm-token"}, l.RequiredHeaders)
	assert.False(t, l.Signature.HasValue(), "LiteLLM signs nothing: no signature unless configured")
}

func TestLiteLLMDefaults(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.False(t, cfg.LiteLLM.HasValue(), "off unless configured")
	require.NoError(t, confmap.NewFromStringMap(map[string]any{"litellm": nil}).Unmarshal(cfg))
	l := cfg.LiteLLM.Get()
	require.NotNil(t, l, "`litellm:` alone turns it on")
	assert.Equal(t, "/litellm", l.Path)
	assert.Equal(t, "/litellm/alerts", l.AlertsPath)
	require.NoError(t, cfg.Validate())
}

func TestValidateLiteLLM(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*LiteLLMConfig)
		errs   []string
	}{
		{"alerts off", func(l *LiteLLMConfig) { l.AlertsPath = "" }, nil},
		{"relative path", func(l *LiteLLMConfig) { l.Path = "litellm" }, []string{`litellm: "path" must start with "/"`}},
		{"relative alerts path", func(l *LiteLLMConfig) { l.AlertsPath = "alerts" }, []string{`litellm: "alerts_path" must start with "/" or be empty`}},
		{"same paths", func(l *LiteLLMConfig) { l.AlertsPath = l.Path }, []string{`"litellm::alerts_path" must differ from "litellm::path": both are "/litellm"`}},
		{"alerts on the OTLP logs path", func(l *LiteLLMConfig) { l.AlertsPath = "/v1/logs" }, []string{`"litellm::alerts_path" must differ from "logs_path"`}},
		{"bad header", func(l *LiteLLMConfig) { l.RequiredHeaders = map[string]configopaque.String{"Bad Header": "x"} }, []string{`litellm: required_headers: "Bad Header" is not a valid header name`}},
		{"bad source", func(l *LiteLLMConfig) { l.AllowedSources = []string{"litellm.internal"} }, []string{`litellm: allowed_sources[0]: "litellm.internal" is not an IP address or a CIDR`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.modify(cfg.LiteLLM.GetOrInsertDefault())
			err := cfg.Validate()
			if tt.errs == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, want := range tt.errs {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestLiteLLMUnknownKeys(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	err := confmap.NewFromStringMap(map[string]any{"litellm": map[string]any{"alert_path": "/a"}}).Unmarshal(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "litellm::alert_path")
}
