package e2e

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

var (
	// peerStandardSecret is a Standard Webhooks secret: whsec_ + base64 key.
	peerStandardSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("peer-e2e standard webhooks key!!"))
	peerWrongStandard  = "whsec_" + base64.StdEncoding.EncodeToString([]byte("some other key, not the sender's"))
)

const (
	peerHMACSecret = "peer-e2e hmac secret"
	peerHMACHeader = "X-Hub-Signature-256"
	peerHMACPrefix = "sha256="
)

// peerSinkRequest is one request received by peerSink.
type peerSinkRequest struct {
	path   string
	method string
	header http.Header
	wire   []byte // as received
	body   []byte // with Content-Encoding removed: what was signed
	err    error  // verification result; the sink answered 401 when not nil
}

func (r peerSinkRequest) testConnection() bool { return r.header.Get("X-Test-Connection") == "true" }

// peerSink is an HTTP server in the test process that verifies each request
// with a verifier of its path, answers 200 or 401, and records everything.
type peerSink struct {
	mu        sync.Mutex
	reqs      []peerSinkRequest
	verifiers map[string]func(body []byte, h http.Header) error
	srv       *httptest.Server
}

func peerStartSink(t *testing.T, verifiers map[string]func(body []byte, h http.Header) error) *peerSink {
	t.Helper()
	s := &peerSink{verifiers: verifiers}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *peerSink) serve(w http.ResponseWriter, req *http.Request) {
	wire, err := io.ReadAll(req.Body)
	r := peerSinkRequest{path: req.URL.Path, method: req.Method, header: req.Header.Clone(), wire: wire, body: wire}
	if err == nil && req.Header.Get("Content-Encoding") == "gzip" {
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(bytes.NewReader(wire)); err == nil {
			r.body, err = io.ReadAll(zr)
		}
	}
	switch verify := s.verifiers[req.URL.Path]; {
	case err != nil:
		r.err = err
	case verify == nil:
		r.err = fmt.Errorf("no verifier for path %q", req.URL.Path)
	default:
		r.err = verify(r.body, req.Header)
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
	if r.err != nil {
		http.Error(w, r.err.Error(), http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *peerSink) requests(path string) []peerSinkRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []peerSinkRequest
	for _, r := range s.reqs {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// peerDeliveries decodes the bodies of the requests that are not test
// connections, in order.
func peerDeliveries(t *testing.T, reqs []peerSinkRequest, u ptrace.Unmarshaler) []ptrace.Traces {
	t.Helper()
	var out []ptrace.Traces
	for _, r := range reqs {
		if r.testConnection() {
			continue
		}
		td, err := u.UnmarshalTraces(r.body)
		require.NoError(t, err, "body of a delivery to %s", r.path)
		out = append(out, td)
	}
	return out
}

func peerSpanCount(tds []ptrace.Traces) int {
	n := 0
	for _, td := range tds {
		n += td.SpanCount()
	}
	return n
}

// peerHMAC is the hmac_sha256 header value of body, computed here
// independently of internal/signature.
func peerHMAC(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return peerHMACPrefix + hex.EncodeToString(mac.Sum(nil))
}

func peerVerifyHMAC(body []byte, h http.Header) error {
	if !hmac.Equal([]byte(h.Get(peerHMACHeader)), []byte(peerHMAC(peerHMACSecret, body))) {
		return errors.New("hmac_sha256 signature does not match the body")
	}
	return nil
}

// peerTamper returns a copy of body with one byte changed.
func peerTamper(body []byte) []byte {
	out := bytes.Clone(body)
	out[len(out)/2] ^= 0x01
	return out
}

// TestPeerWebhookExporterSignaturesVerifiedByReference: the webhook exporter
// signs with standard_webhooks, and every request (the start-up test
// connection and the deliveries) verifies with the Standard Webhooks
// reference library in a sink of the test process; the OTLP JSON body
// decodes to exactly the spans sent. A tampered body, a wrong secret and a
// stale timestamp are refused by the reference (negative controls). The
// same for hmac_sha256, recomputed independently, with OTLP protobuf and
// gzip: the signature covers the uncompressed body.
func TestPeerWebhookExporterSignaturesVerifiedByReference(t *testing.T) {
	wh, err := standardwebhooks.NewWebhook(peerStandardSecret)
	require.NoError(t, err)
	sink := peerStartSink(t, map[string]func([]byte, http.Header) error{
		"/standard": wh.Verify,
		"/hmac":     peerVerifyHMAC,
	})

	otlpPort := harness.FreePort(t)
	sender := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  webhook/standard:
    endpoint: %[2]s/standard
    signature:
      scheme: standard_webhooks
      secret: %[3]q
    test_connection:
  webhook/hmac:
    endpoint: %[2]s/hmac
    encoding: proto
    compression: gzip
    signature:
      scheme: hmac_sha256
      secret: %[4]q
      header: %[5]s
      prefix: %[6]q
    test_connection:
service:%[7]s
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [webhook/standard, webhook/hmac]
`, otlpPort, sink.srv.URL, peerStandardSecret, peerHMACSecret, peerHMACHeader, peerHMACPrefix, peerTelemetryMetricsOff))

	want := peerTraces()
	peerPostOTLP(t, otlpPort, want)
	require.Eventually(t, func() bool {
		return peerSpanCount(peerDeliveries(t, sink.requests("/standard"), &ptrace.JSONUnmarshaler{})) >= want.SpanCount() &&
			peerSpanCount(peerDeliveries(t, sink.requests("/hmac"), &ptrace.ProtoUnmarshaler{})) >= want.SpanCount()
	}, 30*time.Second, 50*time.Millisecond, "waiting for the deliveries")
	// Nothing can arrive after the sender has shut down.
	peerStop(sender)

	t.Run("standard_webhooks", func(t *testing.T) {
		reqs := sink.requests("/standard")
		var tests, deliveries int
		for i, r := range reqs {
			require.NoError(t, r.err, "request %d was refused by the reference library", i)
			assert.Equal(t, http.MethodPost, r.method)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.Empty(t, r.header.Get("Content-Encoding"))
			assert.True(t, strings.HasPrefix(r.header.Get("User-Agent"), "otelcol-webhook-exporter/"), r.header.Get("User-Agent"))
			sum := sha256.Sum256(r.body)
			assert.Equal(t, "msg_"+hex.EncodeToString(sum[:16]), r.header.Get(standardwebhooks.HeaderWebhookID))
			if r.testConnection() {
				tests++
				assert.JSONEq(t, `{}`, string(r.body))
			} else {
				deliveries++
			}
		}
		require.Equal(t, 1, tests, "one signed test connection at start")
		require.Positive(t, deliveries)
		got := peerMerge(peerDeliveries(t, reqs, &ptrace.JSONUnmarshaler{}))
		t.Logf("%d requests verified by the reference (%d deliveries, %d spans)", len(reqs), deliveries, got.SpanCount())
		peerRequireEqual(t, want, got)

		// Negative controls on a real delivery.
		var d peerSinkRequest
		for _, r := range reqs {
			if !r.testConnection() {
				d = r
				break
			}
		}
		require.NoError(t, wh.VerifyIgnoringTimestamp(d.body, d.header))
		require.ErrorIs(t, wh.VerifyIgnoringTimestamp(peerTamper(d.body), d.header), standardwebhooks.ErrNoMatchingSignature, "tampered body")
		wrong, err := standardwebhooks.NewWebhook(peerWrongStandard)
		require.NoError(t, err)
		require.ErrorIs(t, wrong.VerifyIgnoringTimestamp(d.body, d.header), standardwebhooks.ErrNoMatchingSignature, "wrong secret")
		ts, err := strconv.ParseInt(d.header.Get(standardwebhooks.HeaderWebhookTimestamp), 10, 64)
		require.NoError(t, err)
		stale := d.header.Clone()
		stale.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(ts-600, 10))
		require.Error(t, wh.Verify(d.body, stale), "timestamp moved 10 minutes back")

		// The sink does refuse what the reference refuses.
		before := len(sink.requests("/standard"))
		headers := []string{
			standardwebhooks.HeaderWebhookID, d.header.Get(standardwebhooks.HeaderWebhookID),
			standardwebhooks.HeaderWebhookTimestamp, d.header.Get(standardwebhooks.HeaderWebhookTimestamp),
			standardwebhooks.HeaderWebhookSignature, d.header.Get(standardwebhooks.HeaderWebhookSignature),
		}
		status, body := harness.Post(t, http.MethodPost, sink.srv.URL+"/standard", "application/json", peerTamper(d.body), headers...)
		require.Equal(t, http.StatusUnauthorized, status, body)
		after := sink.requests("/standard")
		require.Len(t, after, before+1)
		require.ErrorIs(t, after[before].err, standardwebhooks.ErrNoMatchingSignature)
	})

	t.Run("hmac_sha256", func(t *testing.T) {
		reqs := sink.requests("/hmac")
		var tests, deliveries int
		for i, r := range reqs {
			require.NoError(t, r.err, "request %d: the independently computed HMAC does not match", i)
			assert.Equal(t, http.MethodPost, r.method)
			assert.Equal(t, "application/x-protobuf", r.header.Get("Content-Type"))
			assert.Equal(t, "gzip", r.header.Get("Content-Encoding"))
			assert.Empty(t, r.header.Get(standardwebhooks.HeaderWebhookID))
			// The signature covers the body before compression only.
			assert.NotEqual(t, peerHMAC(peerHMACSecret, r.wire), r.header.Get(peerHMACHeader))
			if r.testConnection() {
				tests++
				assert.Empty(t, r.body, "the proto test connection is an empty body")
			} else {
				deliveries++
			}
		}
		require.Equal(t, 1, tests, "one signed test connection at start")
		require.Positive(t, deliveries)
		got := peerMerge(peerDeliveries(t, reqs, &ptrace.ProtoUnmarshaler{}))
		t.Logf("%d requests verified independently (%d deliveries, %d spans)", len(reqs), deliveries, got.SpanCount())
		peerRequireEqual(t, want, got)

		d := reqs[len(reqs)-1]
		require.False(t, d.testConnection())
		require.Error(t, peerVerifyHMAC(peerTamper(d.body), d.header), "tampered body")
		require.NotEqual(t, peerHMAC("not the secret", d.body), d.header.Get(peerHMACHeader), "wrong secret")
	})
}

// TestPeerStandardWebhooksLibrarySignsForWebhookReceiver is the other
// direction: the reference library signs OTLP JSON deliveries and the
// webhook receiver of the distribution accepts exactly those, refusing a
// tampered body or another secret with 401, and drops a redelivery of the
// same webhook-id.
func TestPeerStandardWebhooksLibrarySignsForWebhookReceiver(t *testing.T) {
	port := harness.FreePort(t)
	c := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  webhook:
    endpoint: 127.0.0.1:%d
    signature:
      scheme: standard_webhooks
      secrets: [%q]
exporters:
  file:
    path: {{dir}}/traces.jsonl
    flush_interval: 100ms
service:%s
  pipelines:
    traces:
      receivers: [webhook]
      exporters: [file]
`, port, peerStandardSecret, peerTelemetryMetricsOff))
	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port)

	want := peerTraces()
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(want)
	require.NoError(t, err)
	sign := func(secret, id string, payload []byte) []string {
		wh, err := standardwebhooks.NewWebhook(secret)
		require.NoError(t, err)
		now := time.Now()
		sig, err := wh.Sign(id, now, payload)
		require.NoError(t, err)
		return []string{
			standardwebhooks.HeaderWebhookID, id,
			standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10),
			standardwebhooks.HeaderWebhookSignature, sig,
		}
	}

	status, resp := harness.Post(t, http.MethodPost, url, "application/json", peerTamper(body), sign(peerStandardSecret, "msg_peer_1", body)...)
	require.Equal(t, http.StatusUnauthorized, status, "tampered body: %s", resp)
	status, resp = harness.Post(t, http.MethodPost, url, "application/json", body, sign(peerWrongStandard, "msg_peer_1", body)...)
	require.Equal(t, http.StatusUnauthorized, status, "wrong secret: %s", resp)

	status, resp = harness.Post(t, http.MethodPost, url, "application/json", body, sign(peerStandardSecret, "msg_peer_1", body)...)
	require.Equal(t, http.StatusOK, status, resp)
	// A redelivery, signed anew with the same id, is answered 200 and dropped.
	status, resp = harness.Post(t, http.MethodPut, url, "application/json", body, sign(peerStandardSecret, "msg_peer_1", body)...)
	require.Equal(t, http.StatusOK, status, resp)

	got := peerFinalExport(t, filepath.Join(c.Dir, "traces.jsonl"), want.SpanCount(), c)
	peerRequireEqual(t, want, got)
}
