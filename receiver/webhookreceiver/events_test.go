package webhookreceiver

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadatatest"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

const (
	eventsPath   = "/openrouter/events"
	eventsSecret = "whsec-openrouter-events-test-secret"
	metricDupLog = "otelcol_receiver_webhook_duplicate_log_records"
	metricLogsIn = "otelcol_receiver_accepted_log_records"
)

// withEvents turns on the openrouter_events section with a signing secret.
func withEvents(c *Config) {
	s := c.OpenRouterEvents.GetOrInsertDefault()
	s.Signature.GetOrInsertDefault().Secrets = []configopaque.String{eventsSecret}
}

func readEvents(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "openrouter_events", name))
	require.NoError(t, err)
	return b
}

// postEvent POSTs body to the events path signed as OpenRouter signs it.
func (e *testEnv) postEvent(body []byte, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodPost, eventsPath, body, append([]string{
		"Content-Type", "application/json",
		headerOpenRouterSignature, badHMAC(eventsSecret, body),
	}, headers...)...)
}

// TestGoldenOpenRouterEvents posts each event payload, signed, and compares
// the log records with the expected ones next to it.
func TestGoldenOpenRouterEvents(t *testing.T) {
	tests := []struct {
		payload  string
		accepted int
	}{
		{"usage_threshold.json", 1},
		{"credit_low_balance.json", 1},
		{"key_created.json", 1},
		{"key_expiring.json", 1},
		{"key_revoked.json", 1},
		{"model_status_change.json", 1},
		{"batch.json", 3},
		{"unknown_type.json", 1},
	}
	for _, tt := range tests {
		t.Run(tt.payload, func(t *testing.T) {
			env := startBoth(t, withEvents)
			before := time.Now()
			resp := env.postEvent(readEvents(t, tt.payload))
			require.Equal(t, http.StatusOK, resp.status, resp.body)
			assert.JSONEq(t, `{"accepted":`+strconv.Itoa(tt.accepted)+`,"duplicates":0}`, resp.body)
			require.Len(t, env.logs.AllLogs(), 1)
			actual := env.logs.AllLogs()[0]
			for _, r := range env.records() {
				assert.False(t, r.ObservedTimestamp().AsTime().Before(before.Truncate(time.Microsecond)), "observed at arrival")
			}
			path := filepath.Join("..", "..", "testdata", "openrouter_events", strings.TrimSuffix(tt.payload, ".json")+".yaml")
			if *updateGolden {
				// The arrival time differs on every run.
				stable := plog.NewLogs()
				actual.CopyTo(stable)
				for _, r := range harness.RecordsIn([]plog.Logs{stable}) {
					r.SetObservedTimestamp(0)
				}
				require.NoError(t, golden.WriteLogs(t, path, stable))
			}
			expected, err := golden.ReadLogs(path)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(expected, actual, plogtest.IgnoreObservedTimestamp()))
			assert.Equal(t, int64(tt.accepted), env.counter(metricLogsIn))
			assert.Empty(t, env.sink.AllTraces(), "events never reach the traces pipeline")
		})
	}
}

func TestOpenRouterTestEventIsAnsweredNotForwarded(t *testing.T) {
	env := startBoth(t, withEvents)
	resp := env.postEvent(readEvents(t, "webhook_test.json"))
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Empty(t, env.records())
	assert.Equal(t, int64(1), env.counter(metricTestConnections, "sender", "openrouter_events"))
	assert.Zero(t, env.counter(metricTestConnections, "sender", "otlp"))
}

func TestOpenRouterTestEventInABatch(t *testing.T) {
	env := startBoth(t, withEvents)
	body := []byte(`[` + string(readEvents(t, "webhook_test.json")) + `,` + string(readEvents(t, "key_revoked.json")) + `]`)
	resp := env.postEvent(body)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":0}`, resp.body)
	require.Len(t, env.records(), 1)
	assert.Equal(t, "key.revoked", env.records()[0].EventName())
	assert.Equal(t, int64(1), env.counter(metricTestConnections, "sender", "openrouter_events"))
}

func TestOpenRouterRedeliveryIsNotForwardedTwice(t *testing.T) {
	env := startBoth(t, withEvents)
	body := readEvents(t, "credit_low_balance.json")
	require.Equal(t, http.StatusOK, env.postEvent(body).status)
	// OpenRouter retried: the same event, the same id.
	resp := env.postEvent(body)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":0,"duplicates":1}`, resp.body)
	require.Len(t, env.records(), 1)

	// A batch with the event seen before and a new one: only the new one.
	resp = env.postEvent(readEvents(t, "batch_with_repeat.json"))
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":1}`, resp.body)
	records := env.records()
	require.Len(t, records, 2)
	assert.Equal(t, "usage.threshold", records[1].EventName())
	assert.Equal(t, int64(2), env.counter(metricDupLog, "sender", "openrouter_events"))
	assert.Equal(t, int64(2), env.counter(metricLogsIn))

	// The same event twice within one delivery is forwarded once.
	twice := []byte(`[` + string(readEvents(t, "key_expiring.json")) + `,` + string(readEvents(t, "key_expiring.json")) + `]`)
	resp = env.postEvent(twice)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{"accepted":1,"duplicates":1}`, resp.body)
	assert.Len(t, env.records(), 3)
}

func TestOpenRouterBadEventIsRefusedWhole(t *testing.T) {
	env := startBoth(t, withEvents)
	resp := env.postEvent(readEvents(t, "bad_created_at.json"))
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Equal(t, `events[2].created_at: not an RFC 3339 time: "yesterday"`, gjson(t, resp.body, "message"))
	assert.Empty(t, env.records(), "nothing of the delivery is forwarded")

	// Once fixed, every event of it is new: the refused attempt kept none.
	fixed := []byte(strings.Replace(string(readEvents(t, "bad_created_at.json")), "yesterday", "2026-11-30T10:15:31Z", 1))
	resp = env.postEvent(fixed)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Len(t, env.records(), 3)
}

func TestOpenRouterSignature(t *testing.T) {
	env := startBoth(t, withEvents)
	body := readEvents(t, "key_revoked.json")
	tests := []struct {
		name    string
		headers []string
		message string
		reason  string
	}{
		{"missing", nil, "signature verification failed: signature header is missing", "missing_signature"},
		{"wrong secret", []string{headerOpenRouterSignature, badHMAC("guess", body)}, "signature does not match the body", "invalid_signature"},
		{"not hex", []string{headerOpenRouterSignature, strings.Repeat("zz", 32)}, "signature header is malformed", "malformed_signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.do(http.MethodPost, eventsPath, body, append([]string{"Content-Type", "application/json"}, tt.headers...)...)
			require.Equal(t, http.StatusUnauthorized, resp.status)
			assert.Contains(t, gjson(t, resp.body, "message"), tt.message)
		})
	}
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "invalid_signature"))
	assert.Equal(t, int64(3), env.counter(metricAuthFailures, "sender", "openrouter_events"))
	assert.Empty(t, env.records())

	// A body changed after signing is refused.
	resp := env.do(http.MethodPost, eventsPath, append(body, ' '), "Content-Type", "application/json",
		headerOpenRouterSignature, badHMAC(eventsSecret, body))
	require.Equal(t, http.StatusUnauthorized, resp.status)
	require.Equal(t, http.StatusOK, env.postEvent(body).status)
	assert.Len(t, env.records(), 1)
}

// TestSendersHaveTheirOwnAuth: Broadcast traces with their bearer token and
// OpenRouter events with their signature share one port; neither's
// credentials open the other's path.
func TestSendersHaveTheirOwnAuth(t *testing.T) {
	const token = "Bearer broadcast-token"
	env := startBoth(t, func(c *Config) {
		withEvents(c)
		c.RequiredHeaders = map[string]configopaque.String{"Authorization": token}
	})
	traces := readTestdata(t, "chat_privacy_off.json")
	event := readEvents(t, "usage_threshold.json")

	require.Equal(t, http.StatusOK, env.postJSON(traces, "Authorization", token).status)
	require.Equal(t, http.StatusOK, env.postEvent(event).status, "the events path does not ask for the Broadcast token")
	assert.Len(t, env.spans(), 1)
	assert.Len(t, env.records(), 1)

	resp := env.postJSON(traces, headerOpenRouterSignature, badHMAC(eventsSecret, traces))
	assert.Equal(t, http.StatusUnauthorized, resp.status, "the events signature does not open the traces path")
	resp = env.do(http.MethodPost, eventsPath, event, "Content-Type", "application/json", "Authorization", token)
	assert.Equal(t, http.StatusUnauthorized, resp.status, "the Broadcast token does not open the events path")
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "sender", "otlp"))
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "sender", "openrouter_events"))
}

func TestEventsPathContentTypes(t *testing.T) {
	env := startBoth(t, withEvents)
	body := readEvents(t, "usage_threshold.json")
	for _, ct := range []string{"application/x-protobuf", "text/plain"} {
		resp := env.do(http.MethodPost, eventsPath, body, "Content-Type", ct, headerOpenRouterSignature, badHMAC(eventsSecret, body))
		require.Equal(t, http.StatusUnsupportedMediaType, resp.status, ct)
		assert.Equal(t, "text/plain; charset=utf-8", resp.header.Get("Content-Type"), "only OTLP paths answer in protobuf")
		assert.Contains(t, resp.body, `unsupported Content-Type "`+ct+`": use application/json`)
	}
	resp := env.do(http.MethodGet, eventsPath, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.status)
	assert.Empty(t, env.records())
}

func TestOpenRouterRetryableErrorForgetsTheEvents(t *testing.T) {
	next := &failingLogs{fails: 1, err: errors.New("memory limiter refused the data")}
	env := startPipelines(t, withEvents, nil, next, true, true)
	body := readEvents(t, "batch.json")
	resp := env.postEvent(body)
	require.Equal(t, http.StatusServiceUnavailable, resp.status)
	assert.Equal(t, "5", resp.header.Get("Retry-After"))
	// OpenRouter retries later: every event is new again.
	resp = env.postEvent(body)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Equal(t, 3, next.LogRecordCount())
}

type failingLogs struct {
	consumertest.LogsSink
	fails int
	err   error
}

func (f *failingLogs) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (f *failingLogs) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if f.fails > 0 {
		f.fails--
		return f.err
	}
	return f.LogsSink.ConsumeLogs(ctx, ld)
}

// TestOTLPLogsPath: OTLP JSON logs, lenient, with the top-level auth and
// the webhook-id dedup of the traces path.
func TestOTLPLogsPath(t *testing.T) {
	const token = "Bearer logs"
	env := startBoth(t, func(c *Config) { c.RequiredHeaders = map[string]configopaque.String{"Authorization": token} })
	body := []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1750000000000000000","severityNumber":"warn",` +
		`"eventName":"gen_ai.client.inference.operation.details","traceId":"abc123...","attributes":[{"key":"gen_ai.usage.input_tokens","value":{"stringValue":"12"}}]}]}]}]}`)
	post := func(headers ...string) response {
		return env.do(http.MethodPost, "/v1/logs", body, append([]string{"Content-Type", "application/json"}, headers...)...)
	}
	require.Equal(t, http.StatusUnauthorized, post().status)
	resp := post("Authorization", token, "webhook-id", "msg_logs_1")
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.JSONEq(t, `{}`, resp.body)
	records := env.records()
	require.Len(t, records, 1)
	assert.Equal(t, plog.SeverityNumberWarn, records[0].SeverityNumber())
	assert.False(t, records[0].TraceID().IsEmpty())
	v, _ := records[0].Attributes().Get("gen_ai.usage.input_tokens")
	assert.Equal(t, int64(12), v.Int())
	assert.Equal(t, int64(1), env.counter(metricRepairs, "kind", "enum"))
	assert.Equal(t, int64(1), env.counter(metricRepairs, "kind", "id_hashed"))

	resp = post("Authorization", token, "webhook-id", "msg_logs_1")
	require.Equal(t, http.StatusOK, resp.status)
	assert.Len(t, env.records(), 1, "a repeated webhook-id is dropped")
	assert.Equal(t, int64(1), env.counter(metricDupDeliveries, "sender", "otlp"))

	// A record that cannot be read is left out, the others delivered.
	partial := []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"eventName":"ok"},{"timeUnixNano":"yesterday"}]}]}]}`)
	resp = env.do(http.MethodPost, "/v1/logs", partial, "Content-Type", "application/json", "Authorization", token)
	require.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `"1"`, gjson(t, gjson(t, resp.body, "partialSuccess"), "rejectedLogRecords"))
	assert.Len(t, env.records(), 2)
	assert.Equal(t, int64(1), env.counter("otelcol_receiver_refused_log_records"))
}

// TestPathWithoutPipeline: a configured section no pipeline consumes is
// warned about at start and answers 404 naming the missing pipeline.
func TestPathWithoutPipeline(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	withEvents(cfg)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	core, logs := observer.New(zap.InfoLevel)
	set := metadatatest.NewSettings(tel)
	set.Logger = zap.New(core)
	r, err := NewFactory().CreateTraces(context.Background(), set, cfg, new(consumertest.TracesSink))
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })

	warnings := logs.FilterMessageSnippet("no logs pipeline uses this receiver").All()
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0].Message, "openrouter_events")

	env := &testEnv{t: t, base: "http://" + r.(*sharedReceiver).addr}
	body := readEvents(t, "usage_threshold.json")
	resp := env.do(http.MethodPost, eventsPath, body, "Content-Type", "application/json", headerOpenRouterSignature, badHMAC(eventsSecret, body))
	require.Equal(t, http.StatusNotFound, resp.status)
	assert.Equal(t, `"/openrouter/events" is not served: no logs pipeline uses receiver "webhook"; add it to a logs pipeline`, gjson(t, resp.body, "message"))
}

func TestOpenSectionIsWarnedAbout(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	cfg.OpenRouterEvents = configoptional.Some(SenderConfig{Path: eventsPath})
	core, logs := observer.New(zap.InfoLevel)
	set := metadatatest.NewSettings(componenttest.NewTelemetry())
	set.Logger = zap.New(core)
	r, err := NewFactory().CreateLogs(context.Background(), set, cfg, new(consumertest.LogsSink))
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	assert.Len(t, logs.FilterMessageSnippet("has neither a signature nor required_headers").All(), 1)
}

// TestOneServerForBothPipelines: the traces and logs pipelines get the same
// receiver, started once.
func TestOneServerForBothPipelines(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	set := metadataSettings(t)
	tr, err := NewFactory().CreateTraces(context.Background(), set, cfg, new(consumertest.TracesSink))
	require.NoError(t, err)
	lr, err := NewFactory().CreateLogs(context.Background(), set, cfg, new(consumertest.LogsSink))
	require.NoError(t, err)
	assert.Same(t, tr, lr)
	require.NoError(t, tr.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, lr.Start(context.Background(), componenttest.NewNopHost()), "the second start shares the first one's server")
	require.NoError(t, tr.Shutdown(context.Background()))
	require.NoError(t, lr.Shutdown(context.Background()))

	// Once shut down, the config gets a new receiver.
	again, err := NewFactory().CreateTraces(context.Background(), set, cfg, new(consumertest.TracesSink))
	require.NoError(t, err)
	assert.NotSame(t, tr, again)
	require.NoError(t, again.Shutdown(context.Background()))
}
