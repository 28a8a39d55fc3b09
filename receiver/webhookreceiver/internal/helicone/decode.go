// Package helicone reads Helicone webhooks into GenAI spans.
//
// Helicone posts one JSON object per LLM request it proxied: request_id,
// request_body and response_body (each a JSON-encoded string or an object,
// replaced by a sentence when over 10 KB), user_id, and, with "include data"
// on, request_response_url, model, provider and metadata {cost, promptTokens,
// completionTokens, totalTokens, latencyMs}.
//
// The way in is Decode: the raw body of one delivery in, one span out, with
// the delivery's dedup key, using the attribute names of the OpenTelemetry
// GenAI semantic conventions that OpenRouter Broadcast spans use too.
package helicone // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/helicone"

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/ids"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// Names of the resource, the scope and Helicone's own attributes.
const (
	ServiceName = "helicone"
	ScopeName   = "helicone.webhooks"

	AttrRequestID          = "helicone.request_id"
	AttrRequestResponseURL = "helicone.request_response_url"
	AttrRequestBody        = "helicone.request_body"
	AttrResponseBody       = "helicone.response_body"
	AttrBodyTruncated      = "helicone.body_truncated"
	AttrLatencyMs          = "helicone.latency_ms"
	AttrProvider           = "helicone.provider"
	// attrPrefix holds fields Helicone may add to the payload later.
	attrPrefix = "helicone."

	// TruncatedBody is what Helicone sends instead of a body over 10 KB.
	TruncatedBody = "Body too large for webhook, please fetch the full request and response from Helicone"
)

// Delivery is what one webhook delivery decoded into.
type Delivery struct {
	// Traces holds the one span of the delivery.
	Traces ptrace.Traces
	// Key identifies the delivery for dedup: the request_id, or, for a
	// payload without one, a hash of the body.
	Key string
}

// payload is the webhook body, its bodies still raw.
type payload struct {
	RequestID          *string         `json:"request_id"`
	UserID             *string         `json:"user_id"`
	RequestBody        json.RawMessage `json:"request_body"`
	ResponseBody       json.RawMessage `json:"response_body"`
	RequestResponseURL *string         `json:"request_response_url"`
	Model              *string         `json:"model"`
	Provider           *string         `json:"provider"`
	Metadata           map[string]any  `json:"metadata"`
}

// Decode reads one delivery; arrival is when it came. Any JSON object is a
// span: a field of an unexpected type is kept as text under helicone.*, and
// only a body that is not a JSON object is an error.
func Decode(body []byte, arrival time.Time) (Delivery, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Delivery{}, fmt.Errorf("the body must be a JSON object (one Helicone request), got %s", jsonvalue.Kind(trimmed))
	}
	var fields map[string]json.RawMessage
	if err := decodeJSON(trimmed, &fields); err != nil {
		return Delivery{}, fmt.Errorf("body is not valid JSON: %w", err)
	}

	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", ServiceName)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName(ScopeName)
	span := ss.Spans().AppendEmpty()
	span.SetKind(ptrace.SpanKindClient)
	attrs := span.Attributes()

	var p payload
	// Each field is read alone, so that one of an unexpected type is kept
	// as text instead of failing the whole delivery.
	readField(fields, "request_id", &p.RequestID, attrs)
	readField(fields, "user_id", &p.UserID, attrs)
	readField(fields, "request_response_url", &p.RequestResponseURL, attrs)
	readField(fields, "model", &p.Model, attrs)
	readField(fields, "provider", &p.Provider, attrs)
	readField(fields, "metadata", &p.Metadata, attrs)
	p.RequestBody, p.ResponseBody = fields["request_body"], fields["response_body"]
	for name, raw := range fields {
		if !knownFields[name] {
			putRaw(attrs, attrPrefix+name, raw)
		}
	}

	key := ""
	if p.RequestID != nil && *p.RequestID != "" {
		key = *p.RequestID
		span.SetTraceID(ids.TraceID(key))
		span.SetSpanID(ids.SpanID("span:" + key))
	} else {
		// No request id: the IDs and the key come from the body, so a
		// replay of the same body is still recognised.
		sum := sha256.Sum256(trimmed)
		key = "body-" + hex.EncodeToString(sum[:16])
		span.SetTraceID(ids.TraceID(key))
		span.SetSpanID(ids.SpanID("span:" + key))
	}

	m := newMapping(attrs, p)
	m.apply()
	span.SetName(m.spanName())
	m.setStatus(span.Status())
	start, end := times(arrival, m.latency, m.created)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(end))
	return Delivery{Traces: td, Key: key}, nil
}

var knownFields = map[string]bool{
	"request_id": true, "user_id": true, "request_body": true, "response_body": true,
	"request_response_url": true, "model": true, "provider": true, "metadata": true,
}

// readField decodes one field into dst; a field of another type is kept as
// its JSON text under helicone.<name>.
func readField[T any](fields map[string]json.RawMessage, name string, dst *T, attrs pcommon.Map) {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return
	}
	if err := decodeJSON(raw, dst); err != nil {
		var zero T
		*dst = zero
		attrs.PutStr(attrPrefix+name, string(raw))
	}
}

func decodeJSON(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON object")
	}
	return nil
}

// times places the span: it ends at arrival, or, when the response says
// when the provider created it, starts then; it lasts latencyMs.
func times(arrival time.Time, latency time.Duration, created time.Time) (start, end time.Time) {
	if !created.IsZero() {
		return created, created.Add(latency)
	}
	return arrival.Add(-latency), arrival
}
