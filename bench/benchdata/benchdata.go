// Package benchdata builds the payloads of the benchmarks and of the load
// generator: OTLP JSON bodies shaped like OpenRouter Broadcast chat spans
// (testdata/broadcast/chat_privacy_off.json), whose trace IDs are rewritten
// in place for every request so that the receiver's dedup never sees a
// repeat, and Standard Webhooks signing of them.
//
// The Go benchmarks and bench/loadgen use the same payloads, so their
// figures describe the same work.
package benchdata // import "github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/signature"
)

// Secret is the Standard Webhooks secret the benchmarks sign with.
const Secret = "whsec_YmVuY2htYXJrLXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24="

// AuthHeader and AuthValue are the required header of the benchmarks.
const (
	AuthHeader = "X-Bench-Token"
	AuthValue  = "bench-token-0123456789abcdef"
)

var (
	models = [...][2]string{
		{"openai/gpt-4o", "openai/gpt-4o-2024-08-06"},
		{"anthropic/claude-sonnet-4", "anthropic/claude-4-sonnet-20250522"},
		{"google/gemini-2.5-flash", "google/gemini-2.5-flash-001"},
		{"meta-llama/llama-3.3-70b-instruct", "meta-llama/llama-3.3-70b-instruct"},
	}
	questions = [...]string{
		"How do I reset my password?",
		"Summarise the attached incident report in three bullet points and list the follow-up actions with owners.",
		"Translate the following paragraph into French, keeping the product names in English: Our new dashboard shows every request, its latency and its cost, grouped by model and by team.",
		"Why is my invoice higher this month?",
	}
	answers = [...]string{
		"Open Settings, choose Security and click Reset password.",
		"- The database failover took 4 minutes because the replica lagged.\n- Alerts fired but paged the wrong rotation.\n- No data was lost.\nFollow-ups: fix replica lag alerting (SRE), update the paging policy (on-call lead).",
		"Notre nouveau tableau de bord affiche chaque requête, sa latence et son coût, regroupés par modèle et par équipe.",
		"Your usage grew by 38% and two requests used a larger model; the breakdown is on the Usage page.",
	}
	tiers = [...]string{"free", "pro", "enterprise"}
)

// Traces returns n Broadcast-like chat spans in one resource and scope. All
// share one trace ID; span IDs are 1..n. Each has 23 attributes: the GenAI
// request and usage (gen_ai.response.finish_reasons as the JSON-array string
// Broadcast sends), the content (gen_ai.prompt, gen_ai.completion,
// trace.input, trace.output), trace.metadata.*, user.id and session.id.
func Traces(n int) ptrace.Traces { return traces(n, false) }

// UniqueTraces is Traces with no text repeated from span to span: each
// span's prompt, completion, input and output name the span. Real traces
// repeat their system prompt and metadata; this is the case where nothing
// long repeats.
func UniqueTraces(n int) ptrace.Traces { return traces(n, true) }

func traces(n int, unique bool) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "openrouter")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("openrouter.broadcast")
	ss.Scope().SetVersion("1.0.0")
	spans := ss.Spans()
	spans.EnsureCapacity(n)
	tid := pcommon.TraceID{0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c}
	start := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	for i := range n {
		s := spans.AppendEmpty()
		m := models[i%len(models)]
		q, a := questions[i%len(questions)], answers[i%len(answers)]
		if unique {
			q, a = fmt.Sprintf("(request %d) %s", i, q), fmt.Sprintf("(answer %d) %s", i, a)
		}
		var sid pcommon.SpanID
		binary.BigEndian.PutUint64(sid[:], uint64(i)+1)
		s.SetTraceID(tid)
		s.SetSpanID(sid)
		s.SetName("chat " + m[0])
		s.SetKind(ptrace.SpanKindClient)
		t0 := start.Add(time.Duration(i) * 1300 * time.Millisecond)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(800+37*(i%50)) * time.Millisecond)))
		s.Status().SetCode(ptrace.StatusCodeOk)

		prompt, completion := 60+len(q)/4+i%40, 20+len(a)/4+i%25
		attrs := s.Attributes()
		attrs.EnsureCapacity(23)
		attrs.PutStr("gen_ai.operation.name", "chat")
		attrs.PutStr("gen_ai.system", strings.SplitN(m[0], "/", 2)[0])
		attrs.PutStr("gen_ai.request.model", m[0])
		attrs.PutStr("gen_ai.response.model", m[1])
		attrs.PutStr("gen_ai.response.id", fmt.Sprintf("gen-%d-Qx7mK2pLr9%06d", t0.Unix(), i))
		attrs.PutDouble("gen_ai.request.temperature", 0.7)
		attrs.PutInt("gen_ai.request.max_tokens", 512)
		attrs.PutInt("gen_ai.usage.prompt_tokens", int64(prompt))
		attrs.PutInt("gen_ai.usage.completion_tokens", int64(completion))
		attrs.PutInt("gen_ai.usage.total_tokens", int64(prompt+completion))
		attrs.PutInt("gen_ai.usage.input_tokens.cached", int64(prompt/2))
		attrs.PutInt("gen_ai.usage.output_tokens.reasoning", 0)
		attrs.PutDouble("gen_ai.usage.cost", float64(prompt)*2.5e-6+float64(completion)*1e-5)
		// As Broadcast sends it: a JSON-encoded array in a string, which
		// the receiver's lenient decoding turns into a string array.
		attrs.PutStr("gen_ai.response.finish_reasons", `["stop"]`)
		attrs.PutStr("gen_ai.prompt", `[{"role":"system","content":"You are a helpful support agent."},{"role":"user","content":`+quote(q)+`}]`)
		attrs.PutStr("gen_ai.completion", `[{"role":"assistant","content":`+quote(a)+`}]`)
		attrs.PutStr("trace.input", q)
		attrs.PutStr("trace.output", a)
		attrs.PutStr("trace.metadata.environment", "production")
		attrs.PutStr("trace.metadata.feature", "support-bot")
		attrs.PutStr("trace.metadata.customer_tier", tiers[i%len(tiers)])
		attrs.PutStr("user.id", fmt.Sprintf("user_%05d", 12345+i%97))
		attrs.PutStr("session.id", fmt.Sprintf("session_%06x", 0xabc123+i%13))
	}
	return td
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Payload is the OTLP body of a request with Spans spans, and where in it
// the trace IDs are, so that Fill can give each request its own.
type Payload struct {
	// Body is the template: OTLP JSON (or protobuf) as pdata marshals it.
	Body  []byte
	Spans int
	// ContentType is the body's media type.
	ContentType string
	// idOffsets are the offsets of the 32 hex digits of each traceId, or
	// of its 16 bytes in protobuf (raw).
	idOffsets []int
	raw       bool
}

var traceIDKey = []byte(`"traceId":"`)

// NewPayload marshals Traces(spans) to OTLP JSON.
func NewPayload(spans int) *Payload { return newPayload(Traces(spans), spans) }

// NewUniquePayload marshals UniqueTraces(spans) to OTLP JSON.
func NewUniquePayload(spans int) *Payload { return newPayload(UniqueTraces(spans), spans) }

func newPayload(td ptrace.Traces, spans int) *Payload {
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	if err != nil {
		panic(err)
	}
	p := &Payload{Body: body, Spans: spans, ContentType: "application/json"}
	for off := 0; ; {
		i := bytes.Index(body[off:], traceIDKey)
		if i < 0 {
			break
		}
		off += i + len(traceIDKey)
		p.idOffsets = append(p.idOffsets, off)
		off += 32
	}
	if len(p.idOffsets) != spans {
		panic(fmt.Sprintf("benchdata: found %d trace IDs in a body of %d spans", len(p.idOffsets), spans))
	}
	return p
}

// NewProtoPayload marshals Traces(spans) to OTLP protobuf, the encoding
// OpenTelemetry SDKs send by default.
func NewProtoPayload(spans int) *Payload {
	body, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(Traces(spans))
	if err != nil {
		panic(err)
	}
	p := &Payload{Body: body, Spans: spans, ContentType: "application/x-protobuf", raw: true}
	// Every span has the trace ID of Traces, as 16 bytes after the tag and
	// length of field trace_id (0x0a 0x10).
	id := Traces(1).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).TraceID()
	tid := append([]byte{0x0a, 0x10}, id[:]...)
	for off := 0; ; {
		i := bytes.Index(body[off:], tid)
		if i < 0 {
			break
		}
		off += i + 2
		p.idOffsets = append(p.idOffsets, off)
		off += 16
	}
	if len(p.idOffsets) != spans {
		panic(fmt.Sprintf("benchdata: found %d trace IDs in a protobuf body of %d spans", len(p.idOffsets), spans))
	}
	return p
}

// Fill copies the template into dst, reusing its capacity, and writes the
// trace ID of request seq of run into every span. Distinct (run, seq) pairs
// give distinct trace IDs, so no span repeats another request's.
func (p *Payload) Fill(dst []byte, run, seq uint64) []byte {
	dst = append(dst[:0], p.Body...)
	var id [16]byte
	binary.BigEndian.PutUint64(id[:8], run)
	binary.BigEndian.PutUint64(id[8:], seq)
	var hexID [32]byte
	hex.Encode(hexID[:], id[:])
	for _, off := range p.idOffsets {
		if p.raw {
			copy(dst[off:off+16], id[:])
			continue
		}
		copy(dst[off:off+32], hexID[:])
	}
	return dst
}

// NewRun returns a random run ID, so that runs against the same receiver
// (and its dedup caches) do not repeat each other's trace IDs.
func NewRun() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:])
}

// DeliveryID is the webhook-id of request seq of run.
func DeliveryID(run, seq uint64) string {
	return fmt.Sprintf("msg_%016x%016x", run, seq)
}

// Signer signs bodies with Secret as a Standard Webhooks sender does.
type Signer struct{ s *signature.Signer }

// NewSigner returns a Standard Webhooks signer for secret.
func NewSigner(secret string) (*Signer, error) {
	s, err := signature.NewSigner(signature.SchemeStandardWebhooks, "", "", secret)
	if err != nil {
		return nil, err
	}
	return &Signer{s: s}, nil
}

// Sign sets webhook-id, webhook-timestamp and webhook-signature on h.
func (s *Signer) Sign(h http.Header, body []byte, id string, now time.Time) {
	s.s.Sign(h, body, id, now)
}
