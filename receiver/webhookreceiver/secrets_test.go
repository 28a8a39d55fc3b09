package webhookreceiver

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/metadatatest"
)

// secretStartReceiver is startReceiver with every log entry of the receiver
// captured, at every level.
func secretStartReceiver(t *testing.T, modify func(*Config), next consumer.Traces) (*testEnv, *observer.ObservedLogs) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = "localhost:0"
	modify(cfg)
	require.NoError(t, cfg.Validate())
	core, logs := observer.New(zapcore.DebugLevel)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := metadatatest.NewSettings(tel)
	set.Logger = zap.New(core)
	sink := new(consumertest.TracesSink)
	if next == nil {
		next = sink
	}
	r, err := NewFactory().CreateTraces(context.Background(), set, cfg, next)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	rcv := r.(*sharedReceiver).webhookReceiver
	return &testEnv{t: t, rcv: rcv, sink: sink, tel: tel, base: "http://" + rcv.addr}, logs
}

// secretLogText renders every captured entry, message and fields, as text.
func secretLogText(logs *observer.ObservedLogs) string {
	var b strings.Builder
	for _, e := range logs.All() {
		fmt.Fprintf(&b, "%s %s %s", e.Level, e.LoggerName, e.Message)
		for k, v := range e.ContextMap() {
			fmt.Fprintf(&b, " %s=%v", k, v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// secretRequireAbsent fails when text contains any of the secrets.
func secretRequireAbsent(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		require.NotEmpty(t, s)
		require.NotContains(t, text, s, "%s contains a secret or signature", where)
	}
}

// TestSecretsNeverInLogsOrAnswers sends wrong credentials, wrong and
// malformed signatures, undecodable bodies and bodies with bad spans to
// receivers guarded by required_headers and each signature scheme, and
// checks that no secret, required-header value or signature, the configured
// ones or the ones the client sent, appears in any answer or log entry.
func TestSecretsNeverInLogsOrAnswers(t *testing.T) {
	const (
		token      = "Bearer tok-5e1f9c0a7b"
		nearToken  = "Bearer tok-5e1f9c0a7c"
		hmacSecret = "hmac-secret-current-7d2e44"
		hmacOld    = "hmac-secret-old-1b4a90"
	)
	stdKey := base64.StdEncoding.EncodeToString([]byte("secrets test standard key 32byte"))
	stdSecret := "whsec_" + stdKey
	otherStd := "whsec_" + base64.StdEncoding.EncodeToString([]byte("an attacker's standard key bytes"))

	good := tracesJSON(t, [2]string{traceA, spanA})
	partly := []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[` +
		`{"traceId":"` + traceB + `","spanId":"` + spanB + `","name":"ok"},` +
		`{"traceId":"` + traceB + `","spanId":"` + spanA + `","name":"bad","startTimeUnixNano":"not-a-time-lookalike"}]}]}]}`)
	invalid := []byte(`{"resourceSpans":[{"scopeSpans":[oops`)

	// Every value that must never be printed: configured secrets, and the
	// signatures and header values clients send, right or wrong.
	secrets := []string{token, nearToken, "tok-5e1f9c0a7b", hmacSecret, hmacOld, stdSecret, stdKey, otherStd}
	var answers strings.Builder
	send := func(env *testEnv, body []byte, want int, headers ...string) {
		t.Helper()
		resp := env.postJSON(body, headers...)
		require.Equal(t, want, resp.status, resp.body)
		fmt.Fprintf(&answers, "%d %v %s\n", resp.status, resp.header, resp.body)
		for i := 0; i+1 < len(headers); i += 2 {
			switch strings.ToLower(headers[i]) {
			case "x-signature", "webhook-signature", "authorization":
				secrets = append(secrets, strings.TrimPrefix(headers[i+1], "sha256="))
			}
		}
	}

	// hmac_sha256 behind a required header.
	hmacEnv, hmacLogs := secretStartReceiver(t, func(c *Config) {
		c.RequiredHeaders = map[string]configopaque.String{"Authorization": token}
		c.Signature = configoptional.Some(SignatureConfig{
			Scheme:  signature.SchemeHMACSHA256,
			Header:  "X-Signature",
			Prefix:  "sha256=",
			Secrets: []configopaque.String{hmacSecret, hmacOld},
		})
	}, nil)
	sig := func(secret string, body []byte) string { return "sha256=" + badHMAC(secret, body) }
	send(hmacEnv, good, 401)
	send(hmacEnv, good, 401, "Authorization", nearToken, "X-Signature", sig(hmacSecret, good))
	send(hmacEnv, good, 401, "Authorization", token)
	send(hmacEnv, good, 401, "Authorization", token, "X-Signature", sig("attacker guess", good))
	send(hmacEnv, good, 401, "Authorization", token, "X-Signature", sig(hmacSecret, partly))
	send(hmacEnv, good, 401, "Authorization", token, "X-Signature", "sha256="+hmacSecret)
	send(hmacEnv, invalid, 400, "Authorization", token, "X-Signature", sig(hmacSecret, invalid))
	send(hmacEnv, partly, 200, "Authorization", token, "X-Signature", sig(hmacOld, partly))
	send(hmacEnv, good, 200, "Authorization", token, "X-Signature", sig(hmacSecret, good))
	require.Len(t, hmacEnv.spans(), 2)

	// standard_webhooks.
	stdEnv, stdLogs := secretStartReceiver(t, func(c *Config) {
		c.Signature = configoptional.Some(SignatureConfig{
			Scheme:  signature.SchemeStandardWebhooks,
			Secrets: []configopaque.String{configopaque.String(stdSecret)},
		})
	}, &failingConsumer{fails: 1, err: fmt.Errorf("exporter queue is full")})
	stdSign := func(secret, id string, at time.Time, body []byte) []string {
		s, err := signature.NewSigner(signature.SchemeStandardWebhooks, "", "", secret)
		require.NoError(t, err)
		h := http.Header{}
		s.Sign(h, body, id, at)
		return []string{"webhook-id", id, "webhook-timestamp", h.Get("webhook-timestamp"), "webhook-signature", h.Get("webhook-signature")}
	}
	now := time.Now()
	send(stdEnv, good, 401, stdSign(otherStd, "msg_s1", now, good)...)
	send(stdEnv, good, 401, stdSign(stdSecret, "msg_s2", now.Add(-time.Hour), good)...)
	send(stdEnv, good, 401, "webhook-id", "msg_s3", "webhook-timestamp", strconv.FormatInt(now.Unix(), 10), "webhook-signature", "v1,"+stdKey)
	send(stdEnv, invalid, 400, stdSign(stdSecret, "msg_s4", now, invalid)...)
	send(stdEnv, good, 503, stdSign(stdSecret, "msg_s5", now, good)...)
	send(stdEnv, partly, 200, stdSign(stdSecret, "msg_s6", now, partly)...)
	send(stdEnv, good, 200, stdSign(stdSecret, "msg_s5", now, good)...)

	logText := secretLogText(hmacLogs) + secretLogText(stdLogs)
	// The logs were captured: the dropped span is reported, with its reason.
	require.Contains(t, logText, "Dropped malformed spans")
	require.Contains(t, logText, "-lookalike", "the reason quotes the sender's text")
	secretRequireAbsent(t, "a log entry", logText, secrets)
	secretRequireAbsent(t, "an answer", answers.String(), secrets)
	require.Contains(t, answers.String(), "signature does not match")
	require.Contains(t, answers.String(), "required header Authorization is missing or has the wrong value")
}

// TestSecretsNotInConfigErrors: a configuration error about a secret names
// the key, not the value.
func TestSecretsNotInConfigErrors(t *testing.T) {
	const hmacSecret = "config-secret-3c9d"
	cfg := createDefaultConfig().(*Config)
	cfg.Signature = configoptional.Some(SignatureConfig{
		Scheme:  signature.SchemeStandardWebhooks,
		Secrets: []configopaque.String{"whsec_not base64 " + hmacSecret},
	})
	cfg.RequiredHeaders = map[string]configopaque.String{"Bad Header": hmacSecret}
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"secrets[0]": standard_webhooks secret must be base64`)
	assert.Contains(t, err.Error(), `"Bad Header" is not a valid header name`)
	assert.NotContains(t, err.Error(), hmacSecret)
}

// TestHeliconeContentNeverLogged: the pre-signed URL grants access to the
// bodies, and the bodies are prompts and completions; neither the key nor
// these appear in any log entry or answer, whatever the delivery.
func TestHeliconeContentNeverLogged(t *testing.T) {
	env, logs := secretStartReceiver(t, withHelicone, nil)
	body := readHelicone(t, "truncated_body.json")
	secrets := []string{heliconeKey, "X-Amz-Signature=0a1b2c", "Summarise this contract", badHMAC(heliconeKey, body)}
	var answers strings.Builder
	for _, resp := range []response{
		env.postHelicone(body),
		env.postHelicone(body), // a replay
		env.do(http.MethodPost, heliconePath, body, "Content-Type", "application/json", headerHeliconeSignature, badHMAC("guess", body)),
		env.postHelicone(body[:len(body)/2]), // cut: not JSON
	} {
		answers.WriteString(resp.body)
	}
	secretRequireAbsent(t, "the answers", answers.String(), secrets)
	secretRequireAbsent(t, "the logs", secretLogText(logs), secrets)
	require.Len(t, env.spans(), 1)
}
