package webhookreceiver

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// badCase is one malformed or hostile request, the answer it must get, and
// how many spans it may push into the pipeline.
type badCase struct {
	name   string
	method string // POST when empty
	path   string // /v1/traces when empty
	// contentType is sent as Content-Type unless it is "-" (none); empty
	// means application/json.
	contentType string
	// headers are set with Header.Set (canonical names).
	headers []string
	// raw are headers written with exactly the given name, such as
	// "content-type" or "X-TEST-CONNECTION".
	raw     [][2]string
	body    []byte
	chunked bool // no Content-Length

	status int
	// message is a substring of the answer's message (the google.rpc.Status
	// message, or the text body); for a 200 a substring of the body.
	message string
	// header is a response header that must have this value.
	header [2]string
	// spans is how many spans the pipeline receives from this request.
	spans int
	// check inspects the spans this request pushed.
	check func(t *testing.T, spans []ptrace.Span)
}

// badGroup is a receiver configuration and the requests sent to it, in
// order: later cases may depend on what earlier ones delivered (duplicates).
type badGroup struct {
	name   string
	modify func(*Config)
	cases  []badCase
	after  func(t *testing.T, env *testEnv)
}

// badSend sends c and returns the answer with the message extracted from
// the response's encoding.
func badSend(t *testing.T, env *testEnv, c badCase) (response, string) {
	t.Helper()
	method, path := c.method, c.path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/v1/traces"
	}
	var body io.Reader = bytes.NewReader(c.body)
	if c.chunked {
		body = io.MultiReader(bytes.NewReader(c.body))
	}
	req, err := http.NewRequest(method, env.base+path, body)
	require.NoError(t, err)
	if c.chunked {
		req.ContentLength = -1
	}
	switch c.contentType {
	case "":
		req.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		req.Header.Set("Content-Type", c.contentType)
	}
	for i := 0; i+1 < len(c.headers); i += 2 {
		req.Header.Set(c.headers[i], c.headers[i+1])
	}
	for _, h := range c.raw {
		req.Header[h[0]] = append(req.Header[h[0]], h[1])
	}
	resp := env.send(req)

	msg := resp.body
	ct := resp.header.Get("Content-Type")
	switch {
	case resp.status == http.StatusOK:
	case strings.HasPrefix(ct, "application/json"):
		var st struct {
			Code    int32  `json:"code"`
			Message string `json:"message"`
		}
		require.NoError(t, json.Unmarshal([]byte(resp.body), &st), "a JSON request gets a google.rpc.Status: %s", resp.body)
		assert.Equal(t, grpcCode(resp.status), st.Code, "the status code matches the HTTP status")
		msg = st.Message
	case strings.HasPrefix(ct, "application/x-protobuf"):
		var code int32
		code, msg = decodeStatus(t, []byte(resp.body))
		assert.Equal(t, grpcCode(resp.status), code)
	default:
		assert.Equal(t, "text/plain; charset=utf-8", ct)
	}
	return resp, msg
}

func badRun(t *testing.T, groups []badGroup) {
	total := 0
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			env := startReceiver(t, g.modify, nil)
			for _, c := range g.cases {
				total++
				t.Run(c.name, func(t *testing.T) {
					before := len(env.spans())
					resp, msg := badSend(t, env, c)
					require.Equal(t, c.status, resp.status, "answer: %s", resp.body)
					assert.Contains(t, msg, c.message)
					if c.header[0] != "" {
						assert.Equal(t, c.header[1], resp.header.Get(c.header[0]))
					}
					spans := env.spans()
					require.Len(t, spans, before+c.spans, "spans pushed into the pipeline by this request")
					if c.check != nil {
						c.check(t, spans[before:])
					}
				})
			}
			if g.after != nil {
				g.after(t, env)
			}
		})
	}
	require.GreaterOrEqual(t, total, 40)
}

// badSpan is an OTLP JSON body of one span with extra span fields.
func badSpan(traceID, spanID, fields string) []byte {
	return []byte(`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bad"}}]},` +
		`"scopeSpans":[{"scope":{"name":"s"},"spans":[{"traceId":"` + traceID + `","spanId":"` + spanID +
		`","name":"chat","startTimeUnixNano":"1750000000000000000","endTimeUnixNano":"1750000001000000000"` + fields + `}]}]}]}`)
}

// badIDs returns a fresh valid (traceId, spanId) pair for each n.
func badIDs(n int) (string, string) {
	return fmt.Sprintf("%032x", 0xbad0000+n), fmt.Sprintf("%016x", 0xbad0000+n)
}

func badValid(n int) []byte {
	tid, sid := badIDs(n)
	return badSpan(tid, sid, "")
}

func badGzip(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func badHMAC(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// badNested is an attribute value nested depth kvlists deep.
func badNested(depth int) string {
	v := `{"stringValue":"x"}`
	for range depth {
		v = `{"kvlistValue":{"values":[{"key":"k","value":` + v + `}]}}`
	}
	return v
}

func TestBadInput(t *testing.T) {
	const limit = 64 << 10
	dupBody := func() []byte {
		tid, sid := badIDs(900)
		return []byte(strings.Replace(string(badSpan(tid, sid, "")), `}]}]}]}`,
			`},{"traceId":"`+tid+`","spanId":"`+sid+`","name":"again"}]}]}]}`, 1))
	}()
	twoSpans := func() []byte {
		tid, sid := badIDs(901)
		tid2, sid2 := badIDs(902)
		return []byte(strings.Replace(string(badSpan(tid, sid, "")), `}]}]}]}`,
			`},{"traceId":"`+tid2+`","spanId":"`+sid2+`","name":"late","startTimeUnixNano":"yesterday"}]}]}]}`, 1))
	}()
	hugeName := func(size int) []byte {
		tid, sid := badIDs(size)
		return badSpan(tid, sid, `,"attributes":[{"key":"gen_ai.prompt","value":{"stringValue":"`+strings.Repeat("p", size)+`"}}]`)
	}
	bomb := badGzip(t, bytes.Repeat([]byte(" "), 8<<20))
	require.Less(t, len(bomb), limit)

	lenient := badGroup{
		name:   "lenient",
		modify: func(c *Config) { c.ServerConfig.MaxRequestBodySize = limit },
		cases: []badCase{
			// Not JSON.
			{name: "not JSON", body: []byte(`hello`), status: 400, message: "body is not valid JSON: invalid character 'h' looking for beginning of value at line 1, column 1"},
			{name: "syntax error", body: []byte(`{"resourceSpans":[}`), status: 400, message: "invalid character '}' looking for beginning of value at line 1, column 19"},
			{name: "syntax error on a later line", body: []byte("{\n  \"resourceSpans\": [\n    {\"scopeSpans\": [}]\n  ]\n}"), status: 400, message: "at line 3, column 21"},
			{name: "truncated body", body: badValid(1)[:60], status: 400, message: "unexpected end of JSON input"},
			{name: "truncated inside a string", body: []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"cha`), status: 400, message: "unexpected end of JSON input"},
			{name: "trailing garbage", body: append(badValid(2), " x"...), status: 400, message: "invalid character 'x' after top-level value"},
			{name: "two JSON documents", body: append(badValid(3), badValid(33)...), status: 400, message: "invalid character '{' after top-level value"},
			{name: "stray closing brackets", body: append(badValid(3), "]}"...), status: 400, message: "invalid character ']' after top-level value"},
			// Wrong types at each level.
			{name: "body is an array", body: []byte(`[{"resourceSpans":[]}]`), status: 400, message: "the body must be a JSON object with a resourceSpans array, got an array"},
			{name: "body is a string", body: []byte(`"resourceSpans"`), status: 400, message: "got a string"},
			{name: "body is a number", body: []byte(`42`), status: 400, message: "got a number"},
			{name: "resourceSpans is a number", body: []byte(`{"resourceSpans":5}`), status: 400, message: "resourceSpans: expected an array, got a number"},
			{name: "resourceSpans is an object", body: []byte(`{"resourceSpans":{"scopeSpans":[]}}`), status: 400, message: "resourceSpans: expected an array, got an object"},
			{name: "resourceSpans entry is a string", body: []byte(`{"resourceSpans":["x"]}`), status: 400, message: "resourceSpans[0]: expected a resourceSpans object, got a string"},
			{name: "resource is an array", body: []byte(`{"resourceSpans":[{"resource":[1],"scopeSpans":[]}]}`), status: 400, message: "resourceSpans[0].resource: expected a resource or scope object, got an array"},
			{name: "resource attributes is a string", body: []byte(`{"resourceSpans":[{"resource":{"attributes":"service.name=x"}}]}`), status: 400, message: "resourceSpans[0].resource.attributes"},
			{name: "scopeSpans is a string", body: []byte(`{"resourceSpans":[{"scopeSpans":"x"}]}`), status: 400, message: "resourceSpans[0].scopeSpans: expected an array, got a string"},
			{name: "scope is a number", body: []byte(`{"resourceSpans":[{"scopeSpans":[{"scope":3,"spans":[]}]}]}`), status: 400, message: "resourceSpans[0].scopeSpans[0].scope: expected a resource or scope object, got a number"},
			{name: "spans is an object", body: []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":{"name":"x"}}]}]}`), status: 400, message: "resourceSpans[0].scopeSpans[0].spans: expected an array, got an object"},
			{name: "the only span is a number", body: []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[7]}]}]}`), status: 400, message: "1 span(s) rejected; first: resourceSpans[0].scopeSpans[0].spans[0]: expected a span object, got a number"},
			{name: "span name is an object", body: badSpan("", "", `,"name":{"x":1}`), status: 400, message: "spans[0].name: expected a string, got an object"},
			{name: "timestamp is not a time", body: badSpan("", "", `,"startTimeUnixNano":"yesterday"`), status: 400, message: `spans[0].startTimeUnixNano: timestamp "yesterday" is neither nanoseconds since the Unix epoch nor an RFC 3339 time`},
			{name: "one bad span of two", body: twoSpans, status: 200, message: `"rejectedSpans":"1"`, spans: 1},
			{name: "traceId is a number", body: []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":12,"name":"x"}]}]}]}`), status: 200, message: "{}", spans: 1,
				check: func(t *testing.T, spans []ptrace.Span) {
					v, _ := spans[0].Attributes().Get("webhook.original_trace_id")
					assert.Equal(t, "12", v.Str(), "hashed like any ID that is not hex")
				}},
			{name: "traceId is an object", body: []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":{"hi":1},"name":"x"}]}]}]}`), status: 400, message: "spans[0].traceId: an ID must be a hex string, got an object"},
			{name: "intValue that is not a number is kept as a string", body: badSpan(strings.Repeat("1", 32), strings.Repeat("1", 16), `,"attributes":[{"key":"gen_ai.usage.prompt_tokens","value":{"intValue":"many"}}]`), status: 200, message: "{}", spans: 1,
				check: func(t *testing.T, spans []ptrace.Span) {
					v, _ := spans[0].Attributes().Get("gen_ai.usage.prompt_tokens")
					assert.Equal(t, "many", v.Str())
				}},
			// Nesting and size.
			{name: "deep nesting", body: []byte(strings.Repeat("[", 100) + strings.Repeat("]", 100)), status: 400, message: "JSON is nested more than 64 levels deep at byte 64"},
			{name: "deep nesting inside an attribute", body: badSpan("", "", `,"attributes":[{"key":"deep","value":`+badNested(40)+`}]`), status: 400, message: "JSON is nested more than 64 levels deep"},
			{name: "huge string within the limit", body: hugeName(60 << 10), status: 200, message: "{}", spans: 1},
			{name: "huge string over the limit", body: hugeName(100 << 10), status: 413, message: "request body exceeds max_request_body_size of 65536 bytes"},
			{name: "huge string over the limit, chunked", body: hugeName(100 << 10), chunked: true, status: 413, message: "request body exceeds max_request_body_size of 65536 bytes"},
			{name: "gzip bomb", body: bomb, headers: []string{"Content-Encoding", "gzip"}, status: 413, message: "request body exceeds max_request_body_size of 65536 bytes (after decompression)"},
			// Repairs.
			{name: "invalid UTF-8 is repaired", body: badSpan(strings.Repeat("2", 32), strings.Repeat("2", 16), `,"attributes":[{"key":"k","value":{"stringValue":"bad `+"\xff\xfe"+` bytes"}}]`), status: 200, message: "{}", spans: 1,
				check: func(t *testing.T, spans []ptrace.Span) {
					v, _ := spans[0].Attributes().Get("k")
					assert.Equal(t, "bad \uFFFD bytes", v.Str())
				}},
			{name: "non-hex IDs are hashed", body: badSpan("abc123...", "span-1", ""), status: 200, message: "{}", spans: 1,
				check: func(t *testing.T, spans []ptrace.Span) {
					v, _ := spans[0].Attributes().Get("webhook.original_trace_id")
					assert.Equal(t, "abc123...", v.Str())
				}},
			// Duplicates.
			{name: "the same span twice in one request", body: dupBody, status: 200, message: "{}", spans: 1},
			{name: "the same spans again", body: dupBody, status: 200, message: "{}", spans: 0},
			// Bodies without spans.
			{name: "empty object", body: []byte(`{}`), status: 200, message: "{}"},
			{name: "no resourceSpans", body: []byte(`{"resourceSpans":[]}`), status: 200, message: "{}"},
			{name: "null", body: []byte(`null`), status: 200, message: "{}"},
			{name: "empty body with a wrong content type", contentType: "text/plain", status: 200, message: "{}"},
			// Content types.
			{name: "text/plain", contentType: "text/plain", body: badValid(4), status: 415, message: `unsupported Content-Type "text/plain": use application/json (OTLP JSON) or application/x-protobuf`},
			{name: "no Content-Type", contentType: "-", body: badValid(4), status: 415, message: `unsupported Content-Type ""`},
			{name: "application/xml", contentType: "application/xml", body: badValid(4), status: 415, message: `unsupported Content-Type "application/xml"`},
			{name: "form", contentType: "application/x-www-form-urlencoded", body: []byte("resourceSpans=1"), status: 415, message: `unsupported Content-Type "application/x-www-form-urlencoded"`},
			{name: "application/json-seq", contentType: "application/json-seq", body: badValid(4), status: 415, message: `unsupported Content-Type "application/json-seq"`},
			{name: "lower-case content-type header", contentType: "-", raw: [][2]string{{"content-type", "application/json"}}, body: badValid(5), status: 200, message: "{}", spans: 1},
			{name: "upper-case media type with charset", contentType: "APPLICATION/JSON; charset=UTF-8", body: badValid(6), status: 200, message: "{}", spans: 1},
			{name: "X-TEST-CONNECTION in capitals", raw: [][2]string{{"X-TEST-CONNECTION", "TRUE"}}, status: 200, message: "{}"},
			{name: "test connection carrying spans pushes nothing", headers: []string{"X-Test-Connection", "true"}, body: badValid(7), status: 200, message: "{}"},
			// Protobuf.
			{name: "protobuf garbage", contentType: "application/x-protobuf", body: []byte("\xff\xff\xff\xff\x0f"), status: 400, message: "body is not a valid OTLP protobuf ExportTraceServiceRequest"},
			{name: "JSON sent as protobuf", contentType: "application/x-protobuf", body: badValid(8), status: 400, message: "body is not a valid OTLP protobuf ExportTraceServiceRequest"},
			// Encodings.
			{name: "unknown Content-Encoding", headers: []string{"Content-Encoding", "br"}, body: badValid(9), status: 400, message: "unsupported Content-Encoding: br"},
			{name: "gzip that is not gzip", headers: []string{"Content-Encoding", "gzip"}, body: badValid(9), status: 400, message: "decoding Content-Encoding gzip"},
			{name: "truncated gzip", headers: []string{"Content-Encoding", "gzip"}, body: badGzip(t, badValid(9))[:40], status: 400, message: "reading request body: unexpected EOF"},
			// Methods and paths.
			{name: "GET", method: http.MethodGet, status: 405, message: "method GET is not allowed: use POST or PUT", header: [2]string{"Allow", "POST, PUT"}},
			{name: "DELETE", method: http.MethodDelete, body: badValid(10), status: 405, message: "method DELETE is not allowed", header: [2]string{"Allow", "POST, PUT"}},
			{name: "PATCH", method: http.MethodPatch, body: badValid(10), status: 405, message: "method PATCH is not allowed"},
			{name: "lower-case method", method: "post", body: badValid(10), status: 405, message: "method post is not allowed"},
			{name: "POST to the health path", path: "/health", body: badValid(10), status: 405, message: "method POST is not allowed on the health path: use GET", header: [2]string{"Allow", "GET, HEAD"}},
			{name: "unknown path", path: "/v1/metrics", body: badValid(10), status: 404, message: `no endpoint at "/v1/metrics": send traces to "/v1/traces"`},
			{name: "logs path without a logs pipeline", path: "/v1/logs", body: badValid(10), status: 404, message: `"/v1/logs" is not served: no logs pipeline uses receiver "webhook"; add it to a logs pipeline`},
			{name: "path with a trailing slash", path: "/v1/traces/", body: badValid(10), status: 404, message: `no endpoint at "/v1/traces/"`},
		},
		after: func(t *testing.T, env *testEnv) {
			assert.Equal(t, int64(3), env.counter(metricDupSpans), "the repeat within the request, then both copies of the resent request")
			assert.Positive(t, env.counter(metricRepairs, "kind", "invalid_utf8"))
			assert.Positive(t, env.counter(metricRepairs, "kind", "id_hashed"))
		},
	}

	strict := badGroup{
		name:   "strict",
		modify: func(c *Config) { c.Lenient = false },
		cases: []badCase{
			{name: "non-hex traceId", body: badSpan("abc123...", strings.Repeat("a", 16), ""), status: 400, message: `spans[0].traceId: ID "abc123..." is not 32 hex characters (lenient: true would repair this)`},
			{name: "short spanId", body: badSpan(strings.Repeat("a", 32), "abcd", ""), status: 400, message: `spans[0].spanId: ID "abcd" is not 16 hex characters (lenient: true would repair this)`},
			{name: "long traceId", body: badSpan(strings.Repeat("a", 34), strings.Repeat("a", 16), ""), status: 400, message: "is not 32 hex characters"},
			{name: "non-hex parentSpanId", body: badSpan(strings.Repeat("a", 32), strings.Repeat("a", 16), `,"parentSpanId":"zzzzzzzzzzzzzzzz"`), status: 400, message: `spans[0].parentSpanId: ID "zzzzzzzzzzzzzzzz" is not 16 hex characters`},
			{name: "base64 spanId", body: badSpan(strings.Repeat("a", 32), base64.StdEncoding.EncodeToString([]byte("12345678")), ""), status: 400, message: "is base64, not 16 hex characters"},
			{name: "link with a bad traceId", body: badSpan(strings.Repeat("a", 32), strings.Repeat("a", 16), `,"links":[{"traceId":"nope","spanId":"`+strings.Repeat("b", 16)+`"}]`), status: 400, message: `spans[0].links[0].traceId: ID "nope" is not 32 hex characters`},
			{name: "invalid UTF-8", body: badSpan(strings.Repeat("a", 32), strings.Repeat("a", 16), `,"attributes":[{"key":"k","value":{"stringValue":"`+"\xc3\x28"+`"}}]`), status: 400, message: "body is not valid UTF-8 at byte"},
			{name: "intValue that is not a number", body: badSpan(strings.Repeat("a", 32), strings.Repeat("a", 16), `,"attributes":[{"key":"n","value":{"intValue":"many"}}]`), status: 400, message: `intValue "many" is not a number (lenient: true would repair this)`},
			{name: "kind as a word", body: badSpan(strings.Repeat("a", 32), strings.Repeat("a", 16), `,"kind":"client"`), status: 400, message: `spans[0].kind: enum value "client" is not in canonical form`},
			{name: "timestamp as a float", body: badSpan(strings.Repeat("a", 32), strings.Repeat("a", 16), `,"endTimeUnixNano":1.75e18`), status: 400, message: "spans[0].endTimeUnixNano: timestamp"},
			{name: "attributes as an object", body: badSpan(strings.Repeat("a", 32), strings.Repeat("a", 16), `,"attributes":{"user.id":"u1"}`), status: 400, message: "spans[0].attributes"},
			{name: "trailing garbage", body: append(badValid(21), ",{}"...), status: 400, message: "invalid character ',' after top-level value"},
			{name: "well-formed OTLP is accepted", body: badValid(20), status: 200, message: "{}", spans: 1},
		},
		after: func(t *testing.T, env *testEnv) {
			assert.Zero(t, env.counter(metricRepairs), "strict mode repairs nothing")
		},
	}

	const hmacSecret = "bad-input hmac secret"
	hmacBody := badValid(30)
	hmacSig := "sha256=" + badHMAC(hmacSecret, hmacBody)
	hmacGroup := badGroup{
		name: "hmac_sha256",
		modify: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{
				Scheme:  signature.SchemeHMACSHA256,
				Header:  "X-Signature",
				Prefix:  "sha256=",
				Secrets: []configopaque.String{hmacSecret},
			})
		},
		cases: []badCase{
			{name: "missing", body: hmacBody, status: 401, message: "signature verification failed: signature header is missing"},
			{name: "empty", body: hmacBody, raw: [][2]string{{"X-Signature", ""}}, status: 401, message: "signature header is missing"},
			{name: "prefix only", body: hmacBody, headers: []string{"X-Signature", "sha256="}, status: 401, message: "signature header is malformed"},
			{name: "without the prefix", body: hmacBody, headers: []string{"X-Signature", badHMAC(hmacSecret, hmacBody)}, status: 401, message: "signature header is malformed"},
			{name: "not hex", body: hmacBody, headers: []string{"X-Signature", "sha256=" + strings.Repeat("zz", 32)}, status: 401, message: "signature header is malformed"},
			{name: "too short", body: hmacBody, headers: []string{"X-Signature", "sha256=" + badHMAC(hmacSecret, hmacBody)[:40]}, status: 401, message: "signature header is malformed"},
			{name: "wrong secret", body: hmacBody, headers: []string{"X-Signature", "sha256=" + badHMAC("guess", hmacBody)}, status: 401, message: "signature does not match the body with any configured secret"},
			{name: "body changed after signing", body: append(bytes.Clone(hmacBody), ' '), headers: []string{"X-Signature", hmacSig}, status: 401, message: "signature does not match"},
			{name: "signature in another header", body: hmacBody, headers: []string{"X-Hub-Signature-256", hmacSig}, status: 401, message: "signature header is missing"},
			{name: "invalid JSON with a wrong signature is refused before parsing", body: []byte("{not json"), headers: []string{"X-Signature", hmacSig}, status: 401, message: "signature does not match"},
			{name: "invalid JSON with a valid signature", body: []byte("{not json"), headers: []string{"X-Signature", "sha256=" + badHMAC(hmacSecret, []byte("{not json"))}, status: 400, message: "body is not valid JSON"},
			{name: "valid, lower-case header name and upper-case prefix", body: hmacBody, raw: [][2]string{{"x-signature", "SHA256=" + badHMAC(hmacSecret, hmacBody)}}, status: 200, message: "{}", spans: 1},
		},
		after: func(t *testing.T, env *testEnv) {
			assert.Equal(t, int64(3), env.counter(metricAuthFailures, "reason", "missing_signature"))
			assert.Equal(t, int64(4), env.counter(metricAuthFailures, "reason", "malformed_signature"))
			assert.Equal(t, int64(3), env.counter(metricAuthFailures, "reason", "invalid_signature"))
		},
	}

	now := time.Now()
	stdBody := badValid(40)
	stdSigned := standardHeaders(t, "msg_bad_1", now, stdBody)
	otherBody := badValid(41)
	wrongSecret := func(id string, at time.Time, body []byte) []string {
		s, err := signature.NewSigner(signature.SchemeStandardWebhooks, "", "", "whsec_"+base64.StdEncoding.EncodeToString([]byte("not the receiver's secret")))
		require.NoError(t, err)
		h := http.Header{}
		s.Sign(h, body, id, at)
		return []string{"webhook-id", h.Get("webhook-id"), "webhook-timestamp", h.Get("webhook-timestamp"), "webhook-signature", h.Get("webhook-signature")}
	}
	with := func(headers []string, name, value string) []string {
		out := append([]string(nil), headers...)
		for i := 0; i+1 < len(out); i += 2 {
			if out[i] == name {
				out[i+1] = value
			}
		}
		return out
	}
	rawOf := func(headers []string, names ...string) [][2]string {
		var out [][2]string
		for i := 0; i+1 < len(headers); i += 2 {
			out = append(out, [2]string{names[i/2], headers[i+1]})
		}
		return out
	}
	standard := badGroup{
		name: "standard_webhooks",
		modify: func(c *Config) {
			c.Signature = configoptional.Some(SignatureConfig{
				Scheme:  signature.SchemeStandardWebhooks,
				Secrets: []configopaque.String{whSecret},
			})
		},
		cases: []badCase{
			{name: "no signature headers", body: stdBody, status: 401, message: "signature verification failed: webhook-id, webhook-timestamp and webhook-signature headers are required"},
			{name: "empty signature", body: stdBody, headers: with(stdSigned, "webhook-signature", ""), status: 401, message: "webhook-id, webhook-timestamp and webhook-signature headers are required"},
			{name: "no webhook-id", body: stdBody, headers: stdSigned[2:], status: 401, message: "headers are required"},
			{name: "timestamp not a number", body: stdBody, headers: with(stdSigned, "webhook-timestamp", "yesterday"), status: 401, message: "webhook-timestamp is not a Unix time in seconds"},
			{name: "timestamp in milliseconds", body: stdBody, headers: with(stdSigned, "webhook-timestamp", fmt.Sprint(now.UnixMilli())), status: 401, message: "webhook-timestamp is outside the allowed tolerance (replayed or clock skew)"},
			{name: "stale timestamp", body: stdBody, headers: standardHeaders(t, "msg_bad_2", now.Add(-10*time.Minute), stdBody), status: 401, message: "webhook-timestamp is outside the allowed tolerance"},
			{name: "timestamp in the future", body: stdBody, headers: standardHeaders(t, "msg_bad_3", now.Add(10*time.Minute), stdBody), status: 401, message: "webhook-timestamp is outside the allowed tolerance"},
			{name: "wrong secret", body: stdBody, headers: wrongSecret("msg_bad_4", now, stdBody), status: 401, message: "signature does not match the body with any configured secret"},
			{name: "signed for another id", body: stdBody, headers: with(stdSigned, "webhook-id", "msg_other"), status: 401, message: "signature does not match"},
			{name: "signed for another body", body: otherBody, headers: stdSigned, status: 401, message: "signature does not match"},
			{name: "unknown signature version", body: stdBody, headers: with(stdSigned, "webhook-signature", strings.Replace(stdSigned[5], "v1,", "v2,", 1)), status: 401, message: "signature does not match"},
			{name: "signature not base64", body: stdBody, headers: with(stdSigned, "webhook-signature", "v1,!!!!"), status: 401, message: "signature does not match"},
			{name: "valid", body: stdBody, headers: stdSigned, status: 200, message: "{}", spans: 1},
			{name: "replayed as is", body: stdBody, headers: stdSigned, status: 200, message: "{}", spans: 0},
			{name: "redelivered with a fresh signature", body: stdBody, headers: standardHeaders(t, "msg_bad_1", now.Add(time.Second), stdBody), status: 200, message: "{}", spans: 0},
			{name: "webhook-id reused for another body", body: otherBody, headers: standardHeaders(t, "msg_bad_1", now, otherBody), status: 200, message: "{}", spans: 0},
			{name: "new id for spans already accepted", body: stdBody, headers: standardHeaders(t, "msg_bad_5", now, stdBody), status: 200, message: "{}", spans: 0},
			{name: "header names in capitals", body: otherBody, raw: rawOf(standardHeaders(t, "msg_bad_6", now, otherBody), "WEBHOOK-ID", "WEBHOOK-TIMESTAMP", "WEBHOOK-SIGNATURE"), status: 200, message: "{}", spans: 1},
		},
		after: func(t *testing.T, env *testEnv) {
			assert.Equal(t, int64(3), env.counter(metricDupDeliveries))
			assert.Equal(t, int64(1), env.counter(metricDupSpans))
			assert.Equal(t, int64(3), env.counter(metricAuthFailures, "reason", "missing_signature"))
			assert.Equal(t, int64(4), env.counter(metricAuthFailures, "reason", "timestamp"))
			assert.Equal(t, int64(5), env.counter(metricAuthFailures, "reason", "invalid_signature"))
		},
	}

	const token = "Bearer bad-input-token"
	required := badGroup{
		name: "required_headers",
		modify: func(c *Config) {
			c.RequiredHeaders = map[string]configopaque.String{"Authorization": token, "X-Source": "openrouter"}
		},
		cases: []badCase{
			{name: "none", body: badValid(50), status: 401, message: "is missing or has the wrong value"},
			{name: "wrong token", body: badValid(50), headers: []string{"Authorization", "Bearer guess", "X-Source", "openrouter"}, status: 401, message: "required header Authorization is missing or has the wrong value"},
			{name: "token in another case", body: badValid(50), headers: []string{"Authorization", strings.ToLower(token), "X-Source", "openrouter"}, status: 401, message: "required header Authorization"},
			{name: "prefix of the token", body: badValid(50), headers: []string{"Authorization", token[:len(token)-1], "X-Source", "openrouter"}, status: 401, message: "required header Authorization"},
			{name: "token with more after it", body: badValid(50), headers: []string{"Authorization", token + "x", "X-Source", "openrouter"}, status: 401, message: "required header Authorization"},
			{name: "a wrong token first", body: badValid(50), raw: [][2]string{{"Authorization", "Bearer guess"}, {"Authorization", token}, {"X-Source", "openrouter"}}, status: 401, message: "required header Authorization"},
			{name: "one header missing", body: badValid(50), headers: []string{"Authorization", token}, status: 401, message: "required header X-Source is missing"},
			{name: "checked before the Content-Type", contentType: "text/plain", body: badValid(50), status: 401, message: "is missing or has the wrong value"},
			{name: "test connection without them", headers: []string{"X-Test-Connection", "true"}, status: 401, message: "is missing or has the wrong value"},
			{name: "AUTHORIZATION in capitals", body: badValid(51), raw: [][2]string{{"AUTHORIZATION", token}, {"x-source", "openrouter"}}, status: 200, message: "{}", spans: 1},
		},
		after: func(t *testing.T, env *testEnv) {
			assert.Equal(t, int64(9), env.counter(metricAuthFailures, "reason", "required_header"))
		},
	}

	badRun(t, []badGroup{lenient, strict, hmacGroup, standard, required})
}
