package webhookreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/collector/receiver"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadatatest"
)

const (
	metricTestConnections = "otelcol_receiver_webhook_test_connections"
	metricAuthFailures    = "otelcol_receiver_webhook_auth_failures"
	metricDupDeliveries   = "otelcol_receiver_webhook_duplicate_deliveries"
	metricDupSpans        = "otelcol_receiver_webhook_duplicate_spans"
	metricRepairs         = "otelcol_receiver_webhook_repairs"
	metricAccepted        = "otelcol_receiver_accepted_spans"
	metricRefused         = "otelcol_receiver_refused_spans"

	traceA = "5b8efff798038103d269b633813fc60c"
	traceB = "0af7651916cd43dd8448eb211c80319c"
	spanA  = "eee19b7ec3c1b174"
	spanB  = "b7ad6b7169203331"
)

func TestPostAndPutDeliverSpans(t *testing.T) {
	env := startReceiver(t, nil, nil)
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		resp := env.do(method, "/v1/traces", readTestdata(t, "chat_privacy_off.json"), "Content-Type", "application/json")
		require.Equal(t, http.StatusOK, resp.status, resp.body)
		assert.Equal(t, "application/json", resp.header.Get("Content-Type"))
		assert.JSONEq(t, `{}`, resp.body)
	}
	// The second delivery repeats the first span and is dropped by dedup.
	require.Len(t, env.spans(), 1)
	assert.Equal(t, "chat openai/gpt-4o", env.spans()[0].Name())
	assert.Equal(t, int64(1), env.counter(metricAccepted))
	assert.Equal(t, int64(1), env.counter(metricDupSpans))
}

func TestOtherMethodsAre405WithAllow(t *testing.T) {
	env := startReceiver(t, nil, nil)
	for _, method := range []string{http.MethodGet, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions} {
		resp := env.do(method, "/v1/traces", nil)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.status, method)
		assert.Equal(t, "POST, PUT", resp.header.Get("Allow"), method)
		if method != http.MethodHead {
			assert.Contains(t, resp.body, "method "+method+" is not allowed: use POST or PUT")
		}
	}
	assert.Empty(t, env.spans())
}

func TestContentTypes(t *testing.T) {
	env := startReceiver(t, func(c *Config) { c.Dedup = configoptional.None[DedupConfig]() }, nil)
	body := readTestdata(t, "chat_privacy_on.json")
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
	require.NoError(t, err)
	pb, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)

	tests := []struct {
		contentType string
		body        []byte
		status      int
		message     string
	}{
		{contentType: "application/json", body: body, status: http.StatusOK},
		{contentType: "application/json; charset=utf-8", body: body, status: http.StatusOK},
		{contentType: "Application/JSON", body: body, status: http.StatusOK},
		{contentType: "application/x-protobuf", body: pb, status: http.StatusOK},
		{contentType: "text/plain", body: body, status: http.StatusUnsupportedMediaType, message: `unsupported Content-Type "text/plain": use application/json (OTLP JSON) or application/x-protobuf`},
		{contentType: "", body: body, status: http.StatusUnsupportedMediaType, message: `unsupported Content-Type ""`},
		{contentType: "application/xml", body: []byte("<a/>"), status: http.StatusUnsupportedMediaType, message: "application/xml"},
	}
	accepted := 0
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			resp := env.do(http.MethodPost, "/v1/traces", tt.body, "Content-Type", tt.contentType)
			require.Equal(t, tt.status, resp.status, resp.body)
			if tt.status == http.StatusOK {
				accepted++
			}
			assert.Contains(t, resp.body, tt.message)
		})
	}
	assert.Len(t, env.spans(), accepted)
	assert.Equal(t, "application/x-protobuf", env.do(http.MethodPost, "/v1/traces", pb, "Content-Type", "application/x-protobuf").header.Get("Content-Type"))
}

func TestTestConnection(t *testing.T) {
	env := startReceiver(t, nil, nil)
	spans := readTestdata(t, "chat_privacy_off.json")
	cases := []struct {
		name    string
		body    []byte
		headers []string
	}{
		{name: "OpenRouter test: empty OTLP payload with header", body: []byte(`{}`), headers: []string{"Content-Type", "application/json", "X-Test-Connection", "true"}},
		{name: "header in another case", body: []byte(`{"resourceSpans":[]}`), headers: []string{"Content-Type", "application/json", "x-test-connection", "TRUE"}},
		{name: "header without content type", body: nil, headers: []string{"X-Test-Connection", "true"}},
		{name: "header on a payload with spans pushes nothing", body: spans, headers: []string{"Content-Type", "application/json", "X-Test-Connection", "true"}},
		{name: "empty body", body: nil, headers: []string{"Content-Type", "application/json"}},
		{name: "payload without spans", body: readTestdata(t, "test_connection.json"), headers: []string{"Content-Type", "application/json"}},
		{name: "resource without spans", body: []byte(`{"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[]}]}]}`), headers: []string{"Content-Type", "application/json"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := env.do(http.MethodPost, "/v1/traces", c.body, c.headers...)
			assert.Equal(t, http.StatusOK, resp.status, resp.body)
		})
	}
	assert.Empty(t, env.spans(), "a test connection pushes nothing")
	assert.Equal(t, int64(len(cases)), env.counter(metricTestConnections))
	assert.Equal(t, int64(0), env.counter(metricAccepted))
}

func TestRequiredHeaders(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		c.RequiredHeaders = map[string]configopaque.String{
			"authorization":    "Bearer s3cret-token",
			"X-Webhook-Source": "openrouter",
		}
	}, nil)
	body := readTestdata(t, "chat_privacy_on.json")

	tests := []struct {
		name    string
		headers []string
		status  int
	}{
		{name: "all present", headers: []string{"Authorization", "Bearer s3cret-token", "X-Webhook-Source", "openrouter"}, status: http.StatusOK},
		{name: "one missing", headers: []string{"Authorization", "Bearer s3cret-token"}, status: http.StatusUnauthorized},
		{name: "wrong value", headers: []string{"Authorization", "Bearer guess", "X-Webhook-Source", "openrouter"}, status: http.StatusUnauthorized},
		{name: "prefix of the value", headers: []string{"Authorization", "Bearer s3cret", "X-Webhook-Source", "openrouter"}, status: http.StatusUnauthorized},
		{name: "none", status: http.StatusUnauthorized},
		{name: "test connection also needs them", headers: []string{"X-Test-Connection", "true"}, status: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.postJSON(body, tt.headers...)
			require.Equal(t, tt.status, resp.status, resp.body)
			if tt.status == http.StatusUnauthorized {
				assert.Regexp(t, `required header (Authorization|X-Webhook-Source) is missing or has the wrong value`, resp.body)
				assert.NotContains(t, resp.body, "s3cret-token")
				assert.JSONEq(t, `16`, gjson(t, resp.body, "code"))
			}
		})
	}
	assert.Len(t, env.spans(), 1)
	assert.Equal(t, int64(5), env.counter(metricAuthFailures, "reason", "required_header"))
}

func TestHMACSignature(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		c.Signature = configoptional.Some(SignatureConfig{
			Scheme:  signature.SchemeHMACSHA256,
			Header:  "X-OpenRouter-Signature",
			Prefix:  "sha256=",
			Secrets: []configopaque.String{"new-secret", "old-secret"},
		})
	}, nil)
	sign := func(secret string, body []byte) string {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		return "sha256=" + hex.EncodeToString(mac.Sum(nil))
	}
	body := tracesJSON(t, [2]string{traceA, spanA})
	other := tracesJSON(t, [2]string{traceB, spanB})

	resp := env.postJSON(body, "X-OpenRouter-Signature", sign("new-secret", body))
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	resp = env.postJSON(other, "X-OpenRouter-Signature", sign("old-secret", other))
	require.Equal(t, http.StatusOK, resp.status, "a rotated-out secret still in the list is accepted: %s", resp.body)

	for name, c := range map[string]struct {
		header, message, reason string
	}{
		"missing":      {"", "signature verification failed: signature header is missing", "missing_signature"},
		"wrong secret": {sign("guess", body), "signature verification failed: signature does not match", "invalid_signature"},
		"over other":   {sign("new-secret", other), "signature verification failed: signature does not match", "invalid_signature"},
		"not hex":      {"sha256=xyz", "signature verification failed: signature header is malformed", "malformed_signature"},
	} {
		t.Run(name, func(t *testing.T) {
			headers := []string{}
			if c.header != "" {
				headers = append(headers, "X-OpenRouter-Signature", c.header)
			}
			resp := env.postJSON(body, headers...)
			require.Equal(t, http.StatusUnauthorized, resp.status, resp.body)
			assert.Contains(t, resp.body, c.message)
			assert.NotContains(t, resp.body, "new-secret")
		})
	}
	assert.Len(t, env.spans(), 2)
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "missing_signature"))
	assert.Equal(t, int64(2), env.counter(metricAuthFailures, "reason", "invalid_signature"))
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "malformed_signature"))
}

const whSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// standardHeaders signs body with the reference Standard Webhooks library.
func standardHeaders(t *testing.T, id string, at time.Time, body []byte) []string {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(whSecret)
	require.NoError(t, err)
	sig, err := wh.Sign(id, at, body)
	require.NoError(t, err)
	return []string{
		"webhook-id", id,
		"webhook-timestamp", strconv.FormatInt(at.Unix(), 10),
		"webhook-signature", sig,
	}
}

func TestStandardWebhooksSignatureAndDeliveryDedup(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		c.Signature = configoptional.Some(SignatureConfig{
			Scheme:    signature.SchemeStandardWebhooks,
			Secrets:   []configopaque.String{whSecret},
			Tolerance: time.Minute,
		})
	}, nil)
	body := tracesJSON(t, [2]string{traceA, spanA})
	now := time.Now()

	resp := env.postJSON(body, standardHeaders(t, "msg_1", now, body)...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)

	// A redelivery of msg_1, freshly signed, is dropped as a duplicate.
	resp = env.postJSON(body, standardHeaders(t, "msg_1", now.Add(time.Second), body)...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Len(t, env.spans(), 1)
	assert.Equal(t, int64(1), env.counter(metricDupDeliveries))

	// Replayed outside the tolerance.
	resp = env.postJSON(body, standardHeaders(t, "msg_2", now.Add(-2*time.Minute), body)...)
	require.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Contains(t, resp.body, "webhook-timestamp is outside the allowed tolerance")

	// Signed for another body.
	other := tracesJSON(t, [2]string{traceB, spanB})
	resp = env.postJSON(other, standardHeaders(t, "msg_3", now, body)...)
	require.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Contains(t, resp.body, "signature does not match")

	// Missing headers.
	resp = env.postJSON(other)
	require.Equal(t, http.StatusUnauthorized, resp.status)
	assert.Contains(t, resp.body, "webhook-id, webhook-timestamp and webhook-signature headers are required")

	assert.Len(t, env.spans(), 1)
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "timestamp"))
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "invalid_signature"))
	assert.Equal(t, int64(1), env.counter(metricAuthFailures, "reason", "missing_signature"))
}

func TestSpanDedup(t *testing.T) {
	env := startReceiver(t, nil, nil)
	first := tracesJSON(t, [2]string{traceA, spanA}, [2]string{traceA, spanB})
	require.Equal(t, http.StatusOK, env.postJSON(first).status)
	require.Equal(t, http.StatusOK, env.postJSON(first).status)
	require.Len(t, env.spans(), 2, "a repeated delivery adds nothing")

	// One old and one new span, plus the new one repeated within the request.
	mixed := tracesJSON(t, [2]string{traceA, spanB}, [2]string{traceB, spanA}, [2]string{traceB, spanA})
	require.Equal(t, http.StatusOK, env.postJSON(mixed).status)
	spans := env.spans()
	require.Len(t, spans, 3)
	assert.Equal(t, traceB, spans[2].TraceID().String())
	assert.Equal(t, int64(4), env.counter(metricDupSpans))
	assert.Equal(t, int64(3), env.counter(metricAccepted))
}

func TestDedupOff(t *testing.T) {
	env := startReceiver(t, func(c *Config) { c.Dedup = configoptional.None[DedupConfig]() }, nil)
	body := tracesJSON(t, [2]string{traceA, spanA})
	require.Equal(t, http.StatusOK, env.postJSON(body, "webhook-id", "msg_1").status)
	require.Equal(t, http.StatusOK, env.postJSON(body, "webhook-id", "msg_1").status)
	assert.Len(t, env.spans(), 2)
}

// failingConsumer fails its first calls with err, then passes to the sink.
type failingConsumer struct {
	consumertest.TracesSink
	mu    sync.Mutex
	fails int
	err   error
	ctxs  []context.Context
}

func (f *failingConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (f *failingConsumer) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	f.mu.Lock()
	f.ctxs = append(f.ctxs, ctx)
	if f.fails > 0 {
		f.fails--
		f.mu.Unlock()
		return f.err
	}
	f.mu.Unlock()
	return f.TracesSink.ConsumeTraces(ctx, td)
}

func TestRetryableConsumerErrorIs503AndDedupForgetsTheDelivery(t *testing.T) {
	next := &failingConsumer{fails: 1, err: errors.New("memory limiter refused the data")}
	env := startReceiver(t, nil, next)
	body := tracesJSON(t, [2]string{traceA, spanA})

	resp := env.postJSON(body, "webhook-id", "msg_1")
	require.Equal(t, http.StatusServiceUnavailable, resp.status)
	assert.Equal(t, "5", resp.header.Get("Retry-After"))
	assert.JSONEq(t, `14`, gjson(t, resp.body, "code"))
	assert.Contains(t, resp.body, "pipeline refused the data, retry later: memory limiter refused the data")
	assert.Equal(t, int64(1), env.counter(metricRefused))

	// The retry is not a duplicate: the failed attempt was forgotten.
	resp = env.postJSON(body, "webhook-id", "msg_1")
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Equal(t, 1, next.SpanCount())
	assert.Equal(t, int64(1), env.counter(metricAccepted))
}

func TestPermanentConsumerErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{name: "permanent", err: consumererror.NewPermanent(errors.New("schema mismatch")), status: http.StatusInternalServerError, code: "13"},
		{name: "permanent with HTTP status", err: consumererror.NewPermanent(consumererror.NewOTLPHTTPError(errors.New("bad span"), http.StatusBadRequest)), status: http.StatusBadRequest, code: "3"},
		{name: "throttled", err: consumererror.NewOTLPHTTPError(errors.New("slow down"), http.StatusTooManyRequests), status: http.StatusTooManyRequests, code: "8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &failingConsumer{fails: 1, err: tt.err}
			env := startReceiver(t, nil, next)
			resp := env.postJSON(tracesJSON(t, [2]string{traceA, spanA}))
			require.Equal(t, tt.status, resp.status, resp.body)
			assert.JSONEq(t, tt.code, gjson(t, resp.body, "code"))
			assert.Contains(t, resp.body, tt.err.Error())
			assert.Equal(t, int64(1), env.counter(metricRefused))
		})
	}
}

func TestErrorBodyIsProtobufStatusForProtobufRequests(t *testing.T) {
	env := startReceiver(t, nil, &failingConsumer{fails: 1, err: errors.New("busy")})
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("x")
	pb, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	resp := env.do(http.MethodPost, "/v1/traces", pb, "Content-Type", "application/x-protobuf")
	require.Equal(t, http.StatusServiceUnavailable, resp.status)
	assert.Equal(t, "application/x-protobuf", resp.header.Get("Content-Type"))
	code, msg := decodeStatus(t, []byte(resp.body))
	assert.Equal(t, int32(14), code)
	assert.Contains(t, msg, "busy")
}

func decodeStatus(t *testing.T, b []byte) (code int32, msg string) {
	t.Helper()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		require.GreaterOrEqual(t, n, 0)
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			require.GreaterOrEqual(t, n, 0)
			code, b = int32(v), b[n:]
		case num == 2 && typ == protowire.BytesType:
			v, n := protowire.ConsumeString(b)
			require.GreaterOrEqual(t, n, 0)
			msg, b = v, b[n:]
		default:
			t.Fatalf("unexpected field %d", num)
		}
	}
	return code, msg
}

func TestBodyLimits(t *testing.T) {
	env := startReceiver(t, func(c *Config) { c.ServerConfig.MaxRequestBodySize = 16384 }, nil)

	big := bytes.Repeat([]byte(" "), 32768)
	copy(big, `{"resourceSpans":[]}`)
	resp := env.postJSON(big)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.status)
	assert.Contains(t, resp.body, "request body exceeds max_request_body_size of 16384 bytes")

	// Chunked, so no Content-Length announces the size.
	req, err := http.NewRequest(http.MethodPost, env.base+"/v1/traces", io.MultiReader(bytes.NewReader(big)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	resp = env.send(req)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.status)

	// A gzip bomb: small on the wire, far over the limit once decompressed.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err = zw.Write(bytes.Repeat([]byte{'A'}, 10<<20))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.Less(t, gz.Len(), 16384)
	resp = env.postJSON(gz.Bytes(), "Content-Encoding", "gzip")
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.status)
	assert.Contains(t, resp.body, "(after decompression)")

	assert.Empty(t, env.spans())
}

func TestCompressedBodies(t *testing.T) {
	env := startReceiver(t, func(c *Config) { c.Dedup = configoptional.None[DedupConfig]() }, nil)
	body := readTestdata(t, "chat_privacy_on.json")

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write(body)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	resp := env.postJSON(gz.Bytes(), "Content-Encoding", "gzip")
	require.Equal(t, http.StatusOK, resp.status, resp.body)

	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	resp = env.postJSON(enc.EncodeAll(body, nil), "Content-Encoding", "zstd")
	require.NoError(t, enc.Close())
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Len(t, env.spans(), 2)

	resp = env.postJSON([]byte("not gzip"), "Content-Encoding", "gzip")
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, resp.body, "decoding Content-Encoding gzip")

	resp = env.postJSON(body, "Content-Encoding", "br")
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, resp.body, "unsupported Content-Encoding: br")
}

func TestSignatureCoversTheDecompressedBody(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		c.Signature = configoptional.Some(SignatureConfig{Scheme: signature.SchemeStandardWebhooks, Secrets: []configopaque.String{whSecret}})
	}, nil)
	body := tracesJSON(t, [2]string{traceA, spanA})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write(body)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	resp := env.postJSON(gz.Bytes(), append(standardHeaders(t, "msg_gz", time.Now(), body), "Content-Encoding", "gzip")...)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Len(t, env.spans(), 1)
}

func TestMalformedBodies(t *testing.T) {
	env := startReceiver(t, nil, nil)
	tests := []struct {
		name    string
		body    string
		message string
	}{
		{name: "truncated", body: `{"resourceSpans":[{"scopeSpans":[`, message: "body is not valid JSON: unexpected end of JSON input at line 1, column 34 (byte 33)"},
		{name: "syntax error on line 3", body: "{\n\"resourceSpans\": [\n  {,}\n]}", message: "invalid character ',' looking for beginning of object key string at line 3, column 4 (byte 24)"},
		{name: "not an object", body: `[1,2,3]`, message: "the body must be a JSON object with a resourceSpans array, got an array"},
		{name: "resourceSpans not an array", body: `{"resourceSpans":5}`, message: "resourceSpans: expected an array, got a number"},
		{name: "scopeSpans of the wrong type", body: `{"resourceSpans":[{"scopeSpans":"x"}]}`, message: "resourceSpans[0].scopeSpans: expected an array, got a string"},
		{name: "too deep", body: strings.Repeat("[", 100) + strings.Repeat("]", 100), message: "JSON is nested more than 64 levels deep at byte 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := env.postJSON([]byte(tt.body))
			require.Equal(t, http.StatusBadRequest, resp.status, resp.body)
			assert.Contains(t, gjson(t, resp.body, "message"), tt.message)
			assert.JSONEq(t, `3`, gjson(t, resp.body, "code"))
		})
	}
	assert.Empty(t, env.spans())
}

func TestStrictModeNamesTheProblem(t *testing.T) {
	env := startReceiver(t, func(c *Config) { c.Lenient = false }, nil)
	resp := env.postJSON(readTestdata(t, "docs_example.json"))
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, resp.body, `resourceSpans[0].scopeSpans[0].spans[0].traceId: ID \"abc123...\" is not 32 hex characters (lenient: true would repair this)`)

	resp = env.postJSON(readTestdata(t, "numbers_as_strings.json"))
	require.Equal(t, http.StatusOK, resp.status, "well-formed OTLP is accepted in strict mode: %s", resp.body)
	span := env.spans()[0]
	v, _ := span.Attributes().Get("gen_ai.usage.prompt_tokens")
	assert.Equal(t, "1200", v.Str(), "strict mode leaves strings as sent")
	assert.Equal(t, int64(0), env.counter(metricRepairs))
}

func TestOneBadSpanDoesNotRejectTheOthers(t *testing.T) {
	env := startReceiver(t, nil, nil)
	resp := env.postJSON(readTestdata(t, "agent_trace_uuid_ids.json"))
	require.Equal(t, http.StatusOK, resp.status, resp.body)

	out := ptraceotlp.NewExportResponse()
	require.NoError(t, out.UnmarshalJSON([]byte(resp.body)))
	assert.Equal(t, int64(1), out.PartialSuccess().RejectedSpans())
	assert.Contains(t, out.PartialSuccess().ErrorMessage(),
		`resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: timestamp "yesterday" is neither nanoseconds since the Unix epoch nor an RFC 3339 time`)
	require.Len(t, env.spans(), 2)
	assert.Equal(t, int64(2), env.counter(metricAccepted))
	assert.Equal(t, int64(1), env.counter(metricRefused))
	assert.Positive(t, env.counter(metricRepairs, "kind", "id_hashed"))
}

func TestEverySpanRejectedIs400(t *testing.T) {
	env := startReceiver(t, nil, nil)
	resp := env.postJSON([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","startTimeUnixNano":"soon"},7]}]}]}`))
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, resp.body, "2 span(s) rejected; first: resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano")
	assert.Empty(t, env.spans())
}

func TestInvalidUTF8(t *testing.T) {
	body := []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"` + traceA + `","spanId":"` + spanA + `","name":"bad ` + "\xff\xfe" + ` name"}]}]}]}`)

	env := startReceiver(t, nil, nil)
	resp := env.postJSON(body)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	require.Len(t, env.spans(), 1)
	assert.Equal(t, "bad \uFFFD name", env.spans()[0].Name())
	assert.Equal(t, int64(1), env.counter(metricRepairs, "kind", "invalid_utf8"))

	strict := startReceiver(t, func(c *Config) { c.Lenient = false }, nil)
	resp = strict.postJSON(body)
	require.Equal(t, http.StatusBadRequest, resp.status)
	assert.Contains(t, resp.body, fmt.Sprintf("body is not valid UTF-8 at byte %d", bytes.IndexByte(body, 0xff)))
}

func TestSemconvAndRedactContent(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		c.Semconv = true
		c.RedactContent = true
	}, nil)
	require.Equal(t, http.StatusOK, env.postJSON(readTestdata(t, "chat_privacy_off.json")).status)
	attrs := env.spans()[0].Attributes().AsRaw()
	for _, k := range []string{"gen_ai.prompt", "gen_ai.completion", "trace.input", "trace.output"} {
		assert.NotContains(t, attrs, k)
	}
	assert.Equal(t, int64(100), attrs["gen_ai.usage.input_tokens"])
	assert.Equal(t, int64(100), attrs["gen_ai.usage.prompt_tokens"])
	assert.Equal(t, "openai", attrs["gen_ai.provider.name"])
	assert.Equal(t, "session_abc123", attrs["gen_ai.conversation.id"])
	assert.Equal(t, "production", attrs["trace.metadata.environment"])
}

func TestResponseHeadersDoNotSwallowRequests(t *testing.T) {
	env := startReceiver(t, func(c *Config) {
		c.ServerConfig.ResponseHeaders = configopaque.MapList{{Name: "X-Served-By", Value: "webhook"}}
	}, nil)
	resp := env.postJSON(tracesJSON(t, [2]string{traceA, spanA}))
	require.Equal(t, http.StatusOK, resp.status)
	assert.Equal(t, "webhook", resp.header.Get("X-Served-By"))
	assert.Len(t, env.spans(), 1, "the request reached the pipeline")
}

func TestHealthAndUnknownPaths(t *testing.T) {
	env := startReceiver(t, nil, nil)
	resp := env.do(http.MethodGet, "/health", nil)
	require.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `{"status":"ok"}`, resp.body)
	resp = env.do(http.MethodPost, "/health", nil)
	require.Equal(t, http.StatusMethodNotAllowed, resp.status)
	assert.Equal(t, "GET, HEAD", resp.header.Get("Allow"))

	resp = env.do(http.MethodPost, "/v1/metrics", []byte("{}"), "Content-Type", "application/json")
	require.Equal(t, http.StatusNotFound, resp.status)
	assert.Contains(t, resp.body, `no endpoint at "/v1/metrics": send traces to "/v1/traces"`)
	// The logs path of a receiver that no logs pipeline uses names the
	// missing pipeline.
	resp = env.do(http.MethodPost, "/v1/logs", []byte("{}"), "Content-Type", "application/json")
	require.Equal(t, http.StatusNotFound, resp.status)
	assert.Equal(t, `"/v1/logs" is not served: no logs pipeline uses receiver "webhook"; add it to a logs pipeline`, gjson(t, resp.body, "message"))

	noHealth := startReceiver(t, func(c *Config) { c.HealthPath = ""; c.Path = "/hooks/openrouter" }, nil)
	assert.Equal(t, http.StatusNotFound, noHealth.do(http.MethodGet, "/health", nil).status)
	resp = noHealth.do(http.MethodPost, "/hooks/openrouter", tracesJSON(t, [2]string{traceA, spanA}), "Content-Type", "application/json")
	assert.Equal(t, http.StatusOK, resp.status)
}

func TestIncludeMetadata(t *testing.T) {
	next := &failingConsumer{}
	env := startReceiver(t, func(c *Config) { c.ServerConfig.IncludeMetadata = true }, next)
	resp := env.postJSON(tracesJSON(t, [2]string{traceA, spanA}), "X-Tenant", "acme")
	require.Equal(t, http.StatusOK, resp.status)
	require.Len(t, next.ctxs, 1)
	assert.Equal(t, []string{"acme"}, client.FromContext(next.ctxs[0]).Metadata.Get("X-Tenant"))
}

func TestLifecycle(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	set := metadataSettings(t)
	r, err := NewFactory().CreateTraces(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, r.Shutdown(context.Background()), "shutdown before start")
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()), "second start")
	require.NoError(t, r.Shutdown(context.Background()))
	require.NoError(t, r.Shutdown(context.Background()), "second shutdown")
}

func TestStartFailsWhenThePortIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "localhost:0")
	require.NoError(t, err)
	defer ln.Close()
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = ln.Addr().String()
	r, err := NewFactory().CreateTraces(context.Background(), metadataSettings(t), cfg, consumertest.NewNop())
	require.NoError(t, err)
	err = r.Start(context.Background(), componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "address already in use")
	require.NoError(t, r.Shutdown(context.Background()))
}

func TestShutdownWaitsForInFlightRequests(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	next := consumerFunc(func(context.Context, ptrace.Traces) error {
		close(entered)
		<-release
		return nil
	})
	env := startReceiver(t, nil, next)
	done := make(chan response)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, env.base+"/v1/traces", bytes.NewReader(tracesJSON(t, [2]string{traceA, spanA})))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- response{}
			return
		}
		resp.Body.Close()
		done <- response{status: resp.StatusCode}
	}()
	<-entered
	shutdownDone := make(chan error)
	go func() { shutdownDone <- env.rcv.Shutdown(context.Background()) }()
	select {
	case <-shutdownDone:
		t.Fatal("Shutdown returned while a request was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-shutdownDone)
	assert.Equal(t, http.StatusOK, (<-done).status, "the in-flight request completed")
}

type consumerFunc func(context.Context, ptrace.Traces) error

func (f consumerFunc) ConsumeTraces(ctx context.Context, td ptrace.Traces) error { return f(ctx, td) }
func (consumerFunc) Capabilities() consumer.Capabilities                         { return consumer.Capabilities{} }

func TestConcurrentDuplicateIsToldToRetry(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	var calls int
	var mu sync.Mutex
	next := consumerFunc(func(context.Context, ptrace.Traces) error {
		mu.Lock()
		calls++
		mu.Unlock()
		entered <- struct{}{}
		<-release
		return nil
	})
	env := startReceiver(t, nil, next)
	body := tracesJSON(t, [2]string{traceA, spanA})
	first := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, env.base+"/v1/traces", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-entered
	resp := env.postJSON(body)
	assert.Equal(t, http.StatusServiceUnavailable, resp.status, "a copy of an in-flight span must not be dropped nor pushed twice")
	assert.Equal(t, "5", resp.header.Get("Retry-After"))
	close(release)
	assert.Equal(t, http.StatusOK, <-first)
	resp = env.postJSON(body)
	assert.Equal(t, http.StatusOK, resp.status)
	mu.Lock()
	assert.Equal(t, 1, calls)
	mu.Unlock()
}

func metadataSettings(t *testing.T) receiver.Settings {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	return metadatatest.NewSettings(tel)
}

// gjson returns the JSON text of one top-level field of a JSON object.
func gjson(t *testing.T, body, field string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(body), &m), body)
	if field == "message" {
		var s string
		require.NoError(t, json.Unmarshal(m[field], &s))
		return s
	}
	return string(m[field])
}
