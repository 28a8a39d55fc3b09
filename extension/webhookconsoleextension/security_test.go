package webhookconsoleextension

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func observedConsole(t *testing.T, modify func(*Config)) (*webhookConsole, *observer.ObservedLogs) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	if modify != nil {
		modify(cfg)
	}
	core, logs := observer.New(zapcore.WarnLevel)
	set := extensiontest.NewNopSettings(typ)
	set.Logger = zap.New(core)
	return newConsole(cfg, set), logs
}

func TestWarnsWhenExposed(t *testing.T) {
	public := &net.TCPAddr{IP: net.ParseIP("192.0.2.10"), Port: 13134}
	for name, tc := range map[string]struct {
		modify func(*Config)
		addr   net.Addr
		warns  bool
	}{
		"loopback v4":    {addr: &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 13134}},
		"loopback v6":    {addr: &net.TCPAddr{IP: net.ParseIP("::1"), Port: 13134}},
		"all interfaces": {addr: &net.TCPAddr{IP: net.IPv4zero, Port: 13134}, warns: true},
		"public":         {addr: public, warns: true},
		"unix socket":    {addr: &net.UnixAddr{Name: "console.sock", Net: "unix"}},
		"public with tls": {addr: public, modify: func(cfg *Config) {
			cfg.ServerConfig.TLS = configoptional.Some(configtls.NewDefaultServerConfig())
		}},
		"public with auth": {addr: public, modify: func(cfg *Config) {
			cfg.ServerConfig.Auth = configoptional.Some(confighttp.AuthConfig{})
		}},
	} {
		t.Run(name, func(t *testing.T) {
			c, logs := observedConsole(t, tc.modify)
			c.warnIfExposed(tc.addr)
			if !tc.warns {
				assert.Zero(t, logs.Len())
				return
			}
			require.Equal(t, 1, logs.Len())
			entry := logs.All()[0]
			assert.Equal(t, zapcore.WarnLevel, entry.Level)
			assert.Contains(t, entry.Message, "listens beyond loopback with neither TLS nor an auth extension")
			assert.Contains(t, entry.Message, "replay, delete and enable deliveries")
			assert.Equal(t, tc.addr.String(), entry.ContextMap()["endpoint"])
		})
	}
}

func TestNoWarningOnTheDefaultEndpoint(t *testing.T) {
	c, logs := observedConsole(t, func(cfg *Config) { cfg.ServerConfig.NetAddr.Endpoint = "localhost:0" })
	require.NoError(t, c.Start(t.Context(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, c.Shutdown(t.Context())) })
	assert.Zero(t, logs.Len(), "%v", logs.All())
	assert.Equal(t, "localhost:13134", createDefaultConfig().(*Config).ServerConfig.NetAddr.Endpoint)
}

func TestLoopbackRefusesOtherHosts(t *testing.T) {
	c, _ := observedConsole(t, func(cfg *Config) { cfg.ServerConfig.NetAddr.Endpoint = "localhost:0" })
	require.NoError(t, c.Start(t.Context(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, c.Shutdown(context.Background())) })
	_, port, err := net.SplitHostPort(c.addr())
	require.NoError(t, err)
	for host, want := range map[string]int{
		"localhost:" + port:         http.StatusOK,
		"LOCALHOST.:" + port:        http.StatusOK,
		"console.localhost:" + port: http.StatusOK,
		"127.0.0.1:" + port:         http.StatusOK,
		"127.0.0.2":                 http.StatusOK,
		"[::1]:" + port:             http.StatusOK,
		"rebound.example:" + port:   http.StatusMisdirectedRequest,
		"rebound.example":           http.StatusMisdirectedRequest,
		"localhost.example:" + port: http.StatusMisdirectedRequest,
		"192.0.2.10:" + port:        http.StatusMisdirectedRequest,
		"127.0.0.1.example:" + port: http.StatusMisdirectedRequest,
	} {
		for _, path := range []string{"/", "/api/v1/exporters"} {
			req, err := http.NewRequest(http.MethodGet, "http://"+c.addr()+path, http.NoBody)
			require.NoError(t, err)
			req.Host = host
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			assert.Equal(t, want, resp.StatusCode, "Host %s %s: %s", host, path, body)
			if want != http.StatusOK {
				assert.Contains(t, string(body), "the console listens on loopback", "Host %s %s", host, path)
			}
		}
	}
	// Replays through a rebound name are refused before the mux.
	req, err := http.NewRequest(http.MethodPost, "http://"+c.addr()+"/api/v1/replay", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Host, req.Header["Content-Type"] = "rebound.example:"+port, []string{"application/json"}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusMisdirectedRequest, resp.StatusCode)
}
