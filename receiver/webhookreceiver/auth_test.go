package webhookreceiver

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configauth"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/extensionauth"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadatatest"
)

// tokenAuth is a server authenticator extension accepting one bearer token.
type tokenAuth struct {
	component.StartFunc
	component.ShutdownFunc
	extensionauth.ServerAuthenticateFunc
}

type authHost struct {
	component.Host
	exts map[component.ID]component.Component
}

func (h authHost) GetExtensions() map[component.ID]component.Component { return h.exts }

// TestAuthExtension checks that confighttp's auth setting, backed by an
// authenticator extension, guards the receiver.
func TestAuthExtension(t *testing.T) {
	authID := component.MustNewID("tokenauth")
	ext := tokenAuth{ServerAuthenticateFunc: func(ctx context.Context, sources map[string][]string) (context.Context, error) {
		for _, v := range sources["Authorization"] {
			if v == "Bearer ext-token" {
				return ctx, nil
			}
		}
		return ctx, errors.New("missing or wrong bearer token")
	}}

	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	cfg.ServerConfig.Auth = configoptional.Some(confighttp.AuthConfig{Config: configauth.Config{AuthenticatorID: authID}})
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	sink := new(consumertest.TracesSink)
	r, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), cfg, sink)
	require.NoError(t, err)
	host := authHost{Host: componenttest.NewNopHost(), exts: map[component.ID]component.Component{authID: ext}}
	require.NoError(t, r.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	env := &testEnv{t: t, rcv: r.(*sharedReceiver).webhookReceiver, sink: sink, tel: tel, base: "http://" + r.(*sharedReceiver).addr}

	body := tracesJSON(t, [2]string{traceA, spanA})
	resp := env.postJSON(body)
	assert.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
	resp = env.postJSON(body, "Authorization", "Bearer wrong")
	assert.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
	// The sender is told its credentials were refused, in the body's
	// format, not that its body failed to decompress.
	assert.Contains(t, resp.body, "authentication failed: missing or wrong bearer token")
	assert.NotContains(t, resp.body, "Content-Encoding")
	assert.Empty(t, env.spans())

	resp = env.postJSON(body, "Authorization", "Bearer ext-token")
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Len(t, env.spans(), 1)
}

func TestAuthExtensionMissingFromHost(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	cfg.ServerConfig.Auth = configoptional.Some(confighttp.AuthConfig{Config: configauth.Config{AuthenticatorID: component.MustNewID("absent")}})
	r, err := NewFactory().CreateTraces(context.Background(), metadataSettings(t), cfg, consumertest.NewNop())
	require.NoError(t, err)
	err = r.Start(context.Background(), authHost{Host: componenttest.NewNopHost(), exts: map[component.ID]component.Component{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "absent")
	require.NoError(t, r.Shutdown(context.Background()))
}
