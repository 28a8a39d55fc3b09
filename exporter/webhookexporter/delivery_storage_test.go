package webhookexporter

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"
	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

var fileStorageID = component.MustNewID("file_storage")

// startFileStorage starts a real file_storage extension on dir, as a
// collector process would; the returned stop shuts it down.
func startFileStorage(t *testing.T, dir string) (component.Host, func()) {
	t.Helper()
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	host := &testHost{extensions: map[component.ID]component.Component{fileStorageID: ext}}
	return host, func() { require.NoError(t, ext.Shutdown(context.Background())) }
}

// Scheduled deliveries and dead letters written through file_storage are
// found by a new exporter instance on the same directory, in their place in
// the schedule, and are delivered from there with their webhook-ids.
func TestDeliveryRestartWithFileStorage(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	srv := newTestServer(t, func(_ int, req recordedRequest, w http.ResponseWriter) {
		switch {
		case down.Load() && len(req.Body) > 0 && req.Header.Get("X-Refuse") == "":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusOK)
		}
	})
	dir := t.TempDir()
	cfg := deliveryConfig(srv.URL)
	cfg.Delivery.Get().Storage = &fileStorageID

	// First process: three deliveries fail and are scheduled, one more is
	// replayed into a dead letter by a 400.
	host, stopStorage := startFileStorage(t, dir)
	clock1 := delivery.NewFakeClock(deliveryT0)
	e1exp, e1 := newStoppableDeliveryExporter(t, cfg, host, clock1)
	for n := range 3 {
		require.NoError(t, e1exp.ConsumeTraces(t.Context(), testTraces(1, 1, n+1)))
	}
	waitStatus(t, e1, 3, 0)
	before := e1.delivery.List(console.Filter{})
	require.NoError(t, e1exp.Shutdown(context.Background()))
	stopStorage()

	// Second process, same directory.
	down.Store(false)
	host2, stopStorage2 := startFileStorage(t, dir)
	defer stopStorage2()
	clock2 := delivery.NewFakeClock(deliveryT0.Add(time.Second))
	exp2, e2 := newStoppableDeliveryExporter(t, cfg, host2, clock2)
	defer func() { require.NoError(t, exp2.Shutdown(context.Background())) }()
	waitStatus(t, e2, 3, 0)
	after := e2.delivery.List(console.Filter{})
	require.Len(t, after, 3)
	for i := range before {
		assert.Equal(t, before[i].ID, after[i].ID)
		assert.Equal(t, before[i].WebhookID, after[i].WebhookID)
		assert.Equal(t, *before[i].NextAttemptAt, *after[i].NextAttemptAt, "same place in the schedule")
		assert.Equal(t, before[i].Attempts, after[i].Attempts)
	}
	sent := srv.count()
	advanceWhenWaiting(t, clock2, 12*time.Second)
	require.Eventually(t, func() bool { return srv.count() == sent+3 }, 10*time.Second, time.Millisecond)
	waitStatus(t, e2, 0, 0)
	ids := map[string]bool{}
	for _, r := range srv.requests()[sent:] {
		ids[r.Header.Get("webhook-id")] = true
	}
	for _, d := range before {
		assert.True(t, ids[d.WebhookID], "%s delivered after the restart", d.WebhookID)
	}
}

// A dead letter and the disabled state survive a restart too.
func TestDeliveryDeadLetterAndDisabledSurviveRestart(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusGone, http.StatusOK))
	dir := t.TempDir()
	cfg := deliveryConfig(srv.URL)
	cfg.Delivery.Get().Storage = &fileStorageID

	host, stopStorage := startFileStorage(t, dir)
	exp1, e1 := newStoppableDeliveryExporter(t, cfg, host, delivery.NewFakeClock(deliveryT0))
	require.NoError(t, exp1.ConsumeTraces(t.Context(), testTraces(1, 1, 2)))
	waitStatus(t, e1, 0, 1)
	require.NoError(t, exp1.Shutdown(context.Background()))
	stopStorage()

	host2, stopStorage2 := startFileStorage(t, dir)
	defer stopStorage2()
	exp2, e2 := newStoppableDeliveryExporter(t, cfg, host2, delivery.NewFakeClock(deliveryT0))
	defer func() { require.NoError(t, exp2.Shutdown(context.Background())) }()
	assert.Equal(t, console.Status{State: console.StateDisabled, Dead: 1}, e2.delivery.Status())
	require.NoError(t, exp2.ConsumeTraces(t.Context(), testTraces(1, 1, 1)))
	waitStatus(t, e2, 0, 2)
	assert.Equal(t, 1, srv.count(), "no request to a disabled endpoint")

	require.NoError(t, e2.delivery.Enable(t.Context()))
	assert.Equal(t, 2, e2.delivery.ReplayDead(t.Context(), time.Time{}))
	require.Eventually(t, func() bool { return srv.count() == 3 }, 10*time.Second, time.Millisecond)
	waitStatus(t, e2, 0, 0)
}

func TestDeliveryStorageMustBeAStorageExtension(t *testing.T) {
	cfg := deliveryConfig("http://127.0.0.1:1/hook")
	cfg.TestConnection = configoptional.None[TestConnectionConfig]()
	id := component.MustNewID("health_check")
	cfg.Delivery.Get().Storage = &id
	for name, host := range map[string]component.Host{
		"missing":     componenttest.NewNopHost(),
		"not storage": &testHost{extensions: map[component.ID]component.Component{id: notStorage{}}},
	} {
		e, err := newWebhookExporter(cfg, nopSettings())
		require.NoError(t, err)
		e.signal = "traces"
		err = e.start(context.Background(), host)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), `"delivery::storage"`)
		assert.Contains(t, err.Error(), "health_check")
		require.NoError(t, e.shutdown(context.Background()))
	}
}

type notStorage struct {
	component.StartFunc
	component.ShutdownFunc
}

var _ extension.Extension = notStorage{}

// newStoppableDeliveryExporter builds the traces exporter as the factory
// does, on clock, and starts it with host; the test shuts it down.
func newStoppableDeliveryExporter(t *testing.T, cfg *Config, host component.Host, clock delivery.Clock) (exporter.Traces, *webhookExporter) {
	t.Helper()
	return newDeliveryExporterWith(t, cfg, nopSettings(), host, clock)
}

// newDeliveryExporterWith is newStoppableDeliveryExporter with settings.
func newDeliveryExporterWith(t *testing.T, cfg *Config, set exporter.Settings, host component.Host, clock delivery.Clock) (exporter.Traces, *webhookExporter) {
	t.Helper()
	require.NoError(t, cfg.Validate())
	// One ID for every instance: a restarted collector has the same.
	set.ID = component.MustNewIDWithName("webhook", "delivery")
	e, err := newWebhookExporter(cfg, set)
	require.NoError(t, err)
	e.signal = "traces"
	e.clock = clock
	inner, err := exporterhelper.NewTraces(context.Background(), set, cfg, e.pushTraces, helperOptions(cfg, e)...)
	require.NoError(t, err)
	exp := newTracesExporter(inner, cfg.RedactContent)
	require.NoError(t, exp.Start(context.Background(), host))
	return exp, e
}
