package webhookexporter

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/metadatatest"
	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// flatItem is a template that works on spans, log records and data points
// alike: the flat object an automation hook wants. It prints the model
// without json, so a model name with a quote in it breaks the JSON.
const flatItem = `{"service": {{json .ServiceName}}, "id": {{json .TraceID}}, "tokens": {{json (attr "gen_ai.usage.input_tokens")}}, "model": "{{attr "gen_ai.request.model"}}", "prompt": {{json (attr "gen_ai.prompt")}}}`

// flatItemOf is flatItem with the field that tells the items of s apart.
func flatItemOf[D any](s signal[D]) string {
	return strings.Replace(flatItem, ".TraceID", "."+s.idField, 1)
}

// flatList renders the items of a request as a JSON array of flatItem.
const flatList = `[{{range $i, $x := .}}{{if $i}},{{end}}{"tokens": {{json (attr "gen_ai.usage.input_tokens" $x)}}, "model": "{{attr "gen_ai.request.model" $x}}"}{{end}}]`

func templateConfig(endpoint, body, per string) *Config {
	cfg := testConfig(endpoint)
	cfg.Encoding = EncodingTemplate
	cfg.Template = configoptional.Some(TemplateConfig{Body: body, Per: per, ContentType: "application/json"})
	return cfg
}

func decodeJSON(t *testing.T, body []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(body, &v), "body %s", body)
	return v
}

func TestTemplatePerItemSendsOneRequestPerItem(t *testing.T) {
	allSignals(t, testTemplatePerItemSendsOneRequestPerItem, testTemplatePerItemSendsOneRequestPerItem, testTemplatePerItemSendsOneRequestPerItem)
}

func testTemplatePerItemSendsOneRequestPerItem[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := templateConfig(srv.URL, flatItemOf(s), "item")
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp := startSignal(t, s, cfg, nopSettings())

	data := s.data(2, 1, 2)
	items := s.items(data)
	require.NoError(t, exp.consume(t.Context(), data))

	reqs := srv.requests()
	require.Len(t, reqs, len(items), "one request per item")
	for i, r := range reqs {
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, signature.DeliveryID(r.Body), r.Header.Get(signature.HeaderWebhookID), "request %d is signed", i)
		svc, _ := items[i].resource.Attributes().Get("service.name")
		tokens, _ := items[i].attributes.Get("gen_ai.usage.input_tokens")
		prompt, _ := items[i].attributes.Get("gen_ai.prompt")
		assert.Equal(t, map[string]any{
			"service": svc.Str(),
			"id":      s.idOf(items[i]),
			"tokens":  float64(tokens.Int()),
			"model":   "openai/gpt-4o",
			"prompt":  prompt.Str(),
		}, decodeJSON(t, r.Body), "request %d", i)
	}
}

func TestTemplatePerRequestRendersTheBatchOnce(t *testing.T) {
	allSignals(t, testTemplatePerRequestRendersTheBatchOnce, testTemplatePerRequestRendersTheBatchOnce, testTemplatePerRequestRendersTheBatchOnce)
}

func testTemplatePerRequestRendersTheBatchOnce[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	exp := startSignal(t, s, templateConfig(srv.URL, flatList, "request"), nopSettings())
	data := s.data(2, 2, 2)
	require.NoError(t, exp.consume(t.Context(), data))

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	list := decodeJSON(t, reqs[0].Body).([]any)
	require.Len(t, list, s.count(data))
	for i, it := range s.items(data) {
		tokens, _ := it.attributes.Get("gen_ai.usage.input_tokens")
		assert.Equal(t, float64(tokens.Int()), list[i].(map[string]any)["tokens"])
	}
}

// An item that renders invalid JSON is dropped permanently and counted;
// the others are sent, also with per: request, where the bad item is
// isolated from the rest of the batch.
func TestTemplateInvalidJSONDropsOnlyThatItem(t *testing.T) {
	for _, per := range []string{"item", "request"} {
		t.Run(per, func(t *testing.T) {
			allSignals(t,
				func(t *testing.T, s signal[ptrace.Traces]) { testTemplateInvalidJSON(t, s, per) },
				func(t *testing.T, s signal[plog.Logs]) { testTemplateInvalidJSON(t, s, per) },
				func(t *testing.T, s signal[pmetric.Metrics]) { testTemplateInvalidJSON(t, s, per) })
		})
	}
}

func testTemplateInvalidJSON[D any](t *testing.T, s signal[D], per string) {
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	srv := newTestServer(t, statuses(http.StatusOK))
	body := flatList
	if per == "item" {
		body = flatItemOf(s)
	}
	exp := startSignal(t, s, templateConfig(srv.URL, body, per), metadatatest.NewSettings(tt))

	data := s.data(1, 1, 7)
	s.items(data)[3].attributes.PutStr("gen_ai.request.model", `model "with quotes"`)
	named := s.named(data, 3)
	err := exp.consume(t.Context(), data)
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), "cannot be encoded, it was dropped")
	assert.Contains(t, err.Error(), "the rendered body is not valid JSON")
	for _, name := range named {
		assert.Contains(t, err.Error(), name)
	}

	var sent []float64
	for _, r := range srv.requests() {
		switch v := decodeJSON(t, r.Body).(type) {
		case []any:
			for _, x := range v {
				sent = append(sent, x.(map[string]any)["tokens"].(float64))
			}
		case map[string]any:
			sent = append(sent, v["tokens"].(float64))
		}
	}
	assert.Equal(t, []float64{10, 11, 12, 14, 15, 16}, sent, "every other item is sent, in order")
	metadatatest.AssertEqualExporterWebhookEncodingFailures(t, tt, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("encoding", "template"))},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestTemplateEmptyRenderingIsNotSent(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusOK))
	const onlyEven = `{{$n := attr "gen_ai.usage.input_tokens"}}{{if eq (printf "%v" $n) "10" "12" "14"}}{"tokens": {{$n}}}{{end}}
`
	exp := startSignal(t, logsSignal, templateConfig(srv.URL, onlyEven, "item"), nopSettings())
	require.NoError(t, exp.consume(t.Context(), testLogs(1, 1, 6)), "skipping an item is not an error")
	var sent []any
	for _, r := range srv.requests() {
		sent = append(sent, decodeJSON(t, r.Body).(map[string]any)["tokens"])
	}
	assert.Equal(t, []any{float64(10), float64(12), float64(14)}, sent)
}

// With per: item, a retried item keeps its body and webhook-id, and the
// items delivered before it are not sent again.
func TestTemplatePerItemRetryResumesAtTheFailedItem(t *testing.T) {
	allSignals(t, testTemplatePerItemRetry, testTemplatePerItemRetry, testTemplatePerItemRetry)
}

func testTemplatePerItemRetry[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK, http.StatusServiceUnavailable, http.StatusOK))
	cfg := templateConfig(srv.URL, flatItemOf(s), "item")
	cfg.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secret: testStandardSecret})
	exp := startSignal(t, s, cfg, nopSettings())
	require.NoError(t, exp.consume(t.Context(), s.data(1, 1, 3)))

	reqs := srv.requests()
	require.Len(t, reqs, 4, "item 0, item 1 refused, item 1 again, item 2")
	assert.Equal(t, reqs[1].Body, reqs[2].Body)
	assert.Equal(t, reqs[1].Header.Get(signature.HeaderWebhookID), reqs[2].Header.Get(signature.HeaderWebhookID))
	var tokens []any
	for _, r := range append([]recordedRequest{reqs[0]}, reqs[2:]...) {
		tokens = append(tokens, decodeJSON(t, r.Body).(map[string]any)["tokens"])
	}
	assert.Equal(t, []any{float64(10), float64(11), float64(12)}, tokens)
}

// Redaction happens before rendering: a template cannot print what was
// removed.
func TestTemplateSeesRedactedData(t *testing.T) {
	allSignals(t, testTemplateSeesRedactedData, testTemplateSeesRedactedData, testTemplateSeesRedactedData)
}

func testTemplateSeesRedactedData[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := templateConfig(srv.URL, `{{json .Attributes}}`, "item")
	cfg.RedactContent = true
	require.NoError(t, startSignal(t, s, cfg, nopSettings()).consume(t.Context(), s.data(1, 1, 2)))
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		attrs := decodeJSON(t, r.Body).(map[string]any)
		assert.NotContains(t, attrs, "gen_ai.prompt")
		assert.NotContains(t, attrs, "gen_ai.completion")
		assert.Equal(t, "openai/gpt-4o", attrs["gen_ai.request.model"])
	}
}

func TestTemplateSplitsBySize(t *testing.T) {
	allSignals(t, testTemplateSplitsBySize, testTemplateSplitsBySize, testTemplateSplitsBySize)
}

func testTemplateSplitsBySize[D any](t *testing.T, s signal[D]) {
	srv := newTestServer(t, statuses(http.StatusOK))
	cfg := templateConfig(srv.URL, flatList, "request")
	cfg.MaxRequestBodySize = 200
	data := s.data(2, 2, 5)
	require.NoError(t, startSignal(t, s, cfg, nopSettings()).consume(t.Context(), data))

	reqs := srv.requests()
	require.Greater(t, len(reqs), 2)
	n := 0
	for i, r := range reqs {
		assert.LessOrEqual(t, len(r.Body), 200, "request %d", i)
		n += len(decodeJSON(t, r.Body).([]any))
	}
	assert.Equal(t, s.count(data), n)
}

func TestTestConnectionTemplateIsEmpty(t *testing.T) {
	srv := newTestServer(t, statuses(http.StatusBadRequest))
	cfg := withTestConnection(templateConfig(srv.URL, flatItem, "item"), true)
	cfg.Template.Get().ContentType = "application/json; charset=utf-8"
	startExporter(t, cfg, nopSettings())

	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "application/json; charset=utf-8", reqs[0].Header.Get("Content-Type"))
	assert.Empty(t, reqs[0].Body, "an empty body, which chat hooks answer with 400: reachable")
}
