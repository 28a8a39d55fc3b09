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
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/ids"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
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

// payload is the webhook body, its bodies still raw (JSON text, slices of
// the body).
type payload struct {
	RequestID          *string
	UserID             *string
	RequestBody        []byte
	ResponseBody       []byte
	RequestResponseURL *string
	Model              *string
	Provider           *string
	Metadata           map[string]any
}

// Decode reads one delivery; arrival is when it came. Any JSON object is a
// span: a field of an unexpected type is kept as text under helicone.*, and
// only a body that is not a JSON object is an error.
func Decode(body []byte, arrival time.Time) (Delivery, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Delivery{}, fmt.Errorf("the body must be a JSON object (one Helicone request), got %s", jsonvalue.Kind(trimmed))
	}
	fields, err := readFields(trimmed)
	if err != nil {
		return Delivery{}, err
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
	p.RequestID = fields.str("request_id", attrs)
	p.UserID = fields.str("user_id", attrs)
	p.RequestResponseURL = fields.str("request_response_url", attrs)
	p.Model = fields.str("model", attrs)
	p.Provider = fields.str("provider", attrs)
	p.Metadata = fields.object("metadata", attrs)
	p.RequestBody, p.ResponseBody = fields.raw["request_body"], fields.raw["response_body"]
	for _, name := range fields.names {
		if !knownFields[name] {
			putRaw(attrs, attrPrefix+name, fields.raw[name])
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

// fields are the members of the delivery's object as sent (their JSON
// text, slices of the body), a name sent twice with its last value, as
// decoding into a map keeps it; names are in the order they first came.
type fields struct {
	raw   map[string][]byte
	names []string
}

// readFields reads the delivery's object in one walk of the tokenizer.
func readFields(body []byte) (fields, error) {
	var r jsontok.Reader
	r.Reset(body, jsonvalue.DecodeDepth)
	f := fields{raw: make(map[string][]byte)}
	r.BeginObject()
	for ok := r.FirstKey(); ok; ok = r.NextKey() {
		name := jsonvalue.Text(r.Key(), r.KeyInfo())
		raw := r.SkipRaw()
		if _, seen := f.raw[name]; !seen {
			f.names = append(f.names, name)
		}
		f.raw[name] = raw
	}
	if err := r.Err(); err != nil {
		return fields{}, syntaxError(err, len(body))
	}
	if r.End() != nil {
		return fields{}, errors.New("body is not valid JSON: data after the JSON object")
	}
	return f, nil
}

func syntaxError(err error, size int) error {
	text, atEnd := jsonvalue.SyntaxText(err, size)
	if atEnd {
		return errors.New("body is not valid JSON: unexpected EOF")
	}
	return errors.New("body is not valid JSON: " + text)
}

// str is the string field name, nil for none or null; a field of another
// type is kept as its JSON text under helicone.<name>.
func (f fields) str(name string, attrs pcommon.Map) *string {
	raw, ok := f.raw[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if raw[0] != '"' {
		attrs.PutStr(attrPrefix+name, string(raw))
		return nil
	}
	s := jsonvalue.Unquote(raw)
	return &s
}

// object is the object field name as Go values, nil for none or null; a
// field of another type is kept as its JSON text under helicone.<name>.
func (f fields) object(name string, attrs pcommon.Map) map[string]any {
	raw, ok := f.raw[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if raw[0] != '{' {
		attrs.PutStr(attrPrefix+name, string(raw))
		return nil
	}
	v, _, _ := jsonvalue.Decode(raw) // the tokenizer has read it
	return v.(map[string]any)
}

// times places the span: it ends at arrival, or, when the response says
// when the provider created it, starts then; it lasts latencyMs.
func times(arrival time.Time, latency time.Duration, created time.Time) (start, end time.Time) {
	if !created.IsZero() {
		return created, created.Add(latency)
	}
	return arrival.Add(-latency), arrival
}
