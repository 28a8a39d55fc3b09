package helicone

// The decoder as it was on encoding/json (a map of json.RawMessage, each
// field decoded alone): FuzzDecodeAsReference holds the decoder to what this
// one decodes.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/ids"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// Decode reads one delivery; arrival is when it came. Any JSON object is a
// span: a field of an unexpected type is kept as text under helicone.*, and
// only a body that is not a JSON object is an error.
func refDecode(body []byte, arrival time.Time) (Delivery, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Delivery{}, fmt.Errorf("the body must be a JSON object (one Helicone request), got %s", jsonvalue.Kind(trimmed))
	}
	var fields map[string]json.RawMessage
	if err := refDecodeJSON(trimmed, &fields); err != nil {
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
	refReadField(fields, "request_id", &p.RequestID, attrs)
	refReadField(fields, "user_id", &p.UserID, attrs)
	refReadField(fields, "request_response_url", &p.RequestResponseURL, attrs)
	refReadField(fields, "model", &p.Model, attrs)
	refReadField(fields, "provider", &p.Provider, attrs)
	refReadField(fields, "metadata", &p.Metadata, attrs)
	p.RequestBody, p.ResponseBody = fields["request_body"], fields["response_body"]
	for name, raw := range fields {
		if !knownFields[name] {
			refPutRaw(attrs, attrPrefix+name, raw)
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

	m := &mapping{attrs: attrs, p: p, req: refReadBody(p.RequestBody), resp: refReadBody(p.ResponseBody)}
	m.apply()
	span.SetName(m.spanName())
	m.setStatus(span.Status())
	start, end := times(arrival, m.latency, m.created)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(end))
	return Delivery{Traces: td, Key: key}, nil
}

// refReadField decodes one field into dst; a field of another type is kept as
// its JSON text under helicone.<name>.
func refReadField[T any](fields map[string]json.RawMessage, name string, dst *T, attrs pcommon.Map) {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return
	}
	if err := refDecodeJSON(raw, dst); err != nil {
		var zero T
		*dst = zero
		attrs.PutStr(attrPrefix+name, string(raw))
	}
}

func refDecodeJSON(b []byte, dst any) error {
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

func refReadBody(raw json.RawMessage) body {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return body{}
	}
	b := body{present: true}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &b.text); err != nil {
			b.text = string(raw)
			return b
		}
		if strings.TrimSpace(b.text) == TruncatedBody {
			b.truncated = true
			return b
		}
		_ = refDecodeJSON([]byte(b.text), &b.obj)
		return b
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil {
		b.text = compact.String()
	} else {
		b.text = string(raw)
	}
	if raw[0] == '{' {
		_ = refDecodeJSON(raw, &b.obj)
	}
	return b
}

func refPutRaw(a pcommon.Map, key string, raw json.RawMessage) {
	var v any
	if refDecodeJSON(raw, &v) != nil {
		a.PutStr(key, string(raw))
		return
	}
	putAny(a, key, v)
}
