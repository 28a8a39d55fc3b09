package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// inProcessReceiver is a webhook receiver started in the test process on a
// loopback port, with its own telemetry.
type inProcessReceiver struct {
	t    *testing.T
	tel  *componenttest.Telemetry
	base string
}

func (r *inProcessReceiver) url() string    { return r.base + "/v1/traces" }
func (r *inProcessReceiver) health() string { return r.base + "/health" }

// startInProcessReceiver starts the receiver with the default config
// changed by modify, feeding next.
func startInProcessReceiver(t *testing.T, modify func(*webhookreceiver.Config), next consumer.Traces, logger *zap.Logger) *inProcessReceiver {
	t.Helper()
	f := webhookreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*webhookreceiver.Config)
	port := harness.FreePort(t)
	cfg.ServerConfig.NetAddr.Endpoint = fmt.Sprintf("127.0.0.1:%d", port)
	if modify != nil {
		modify(cfg)
	}
	require.NoError(t, cfg.Validate())
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := receiver.Settings{
		ID:                component.NewID(f.Type()),
		TelemetrySettings: tel.NewTelemetrySettings(),
		BuildInfo:         component.NewDefaultBuildInfo(),
	}
	if logger != nil {
		set.Logger = logger
	}
	r, err := f.CreateTraces(context.Background(), set, cfg, next)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return &inProcessReceiver{t: t, tel: tel, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
}

// counter sums the data points of one of the receiver's int64 counters.
func (r *inProcessReceiver) counter(name string) int64 {
	r.t.Helper()
	m, err := r.tel.GetMetric(name)
	if err != nil {
		return 0
	}
	var total int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		total += dp.Value
	}
	return total
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// readAll reads a response body.
func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}
