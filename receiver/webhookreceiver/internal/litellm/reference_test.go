package litellm

// The decoder as it was before it read bodies with jsontok: encoding/json's
// Decoder, token by token, and Decode into any for the fields it flattens.
// FuzzDecodeAsReference holds the decoder to what this one decodes.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue/jsonvaluetest"
)

// refDecoder reads the payloads of one body from one json.Decoder.
type refDecoder struct {
	body    []byte
	dec     *json.Decoder
	arrival time.Time
	td      ptrace.Traces
	spans   ptrace.SpanSlice
	keys    []string
}

// Decode reads one delivery; arrival stands in for a payload without times.
// An error names the payload and the field, like
// `payloads[3].startTime: not a number or a time`; nothing is returned
// then, so a delivery is forwarded whole or not at all.
func refDecode(body []byte, arrival time.Time) (Calls, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || (trimmed[0] != '[' && trimmed[0] != '{') {
		return Calls{}, fmt.Errorf("the body must be a JSON array of LiteLLM payloads, NDJSON or one payload object, got %s",
			jsonvalue.Kind(trimmed))
	}
	d := &refDecoder{body: trimmed, dec: json.NewDecoder(bytes.NewReader(trimmed)), arrival: arrival}
	d.dec.UseNumber()
	d.start()
	var err error
	if trimmed[0] == '[' {
		err = d.array()
	} else {
		err = d.objects()
	}
	if err != nil {
		return Calls{}, err
	}
	return Calls{Traces: d.td, Keys: d.keys}, nil
}

// array reads `[payload, ...]` and nothing after it.
func (d *refDecoder) array() error {
	if _, err := d.dec.Token(); err != nil { // '['
		return d.syntaxError(err)
	}
	for i := 0; d.dec.More(); i++ {
		if err := d.payload(i); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil { // ']'
		return d.syntaxError(err)
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return fmt.Errorf("body is not valid JSON: data after the array at byte %d", d.dec.InputOffset())
	}
	return nil
}

// objects reads one payload object, or several one after the other (NDJSON).
func (d *refDecoder) objects() error {
	for i := 0; ; i++ {
		if err := d.payload(i); err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// payload reads payload i and appends its span.
func (d *refDecoder) payload(i int) error {
	begin := d.dec.InputOffset()
	tok, err := d.dec.Token()
	if err == io.EOF {
		return err
	}
	if err != nil {
		return d.syntaxError(err)
	}
	where := fmt.Sprintf("payloads[%d]", i)
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return fmt.Errorf("%s: not an object, got %s", where, jsonvaluetest.TokenKind(tok))
	}
	span := d.spans.AppendEmpty()
	c := newCall(span.Attributes(), where)
	if err := refRead(c, d.dec); err != nil {
		if _, syntax := errors.AsType[*json.SyntaxError](err); syntax || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return d.syntaxError(err)
		}
		return err
	}
	raw := bytes.TrimLeft(d.body[begin:d.dec.InputOffset()], " \t\r\n,")
	key, err := c.fill(span, raw, d.arrival)
	if err != nil {
		return err
	}
	d.keys = append(d.keys, key)
	return nil
}

func (d *refDecoder) syntaxError(err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("body is not valid JSON: %s at byte %d", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("body is not valid JSON: it ends inside a value at byte %d", len(d.body))
	}
	return fmt.Errorf("body is not valid JSON: %w", err)
}

// read reads the fields of the payload object whose '{' was read, and its
// closing '}'. A field of the wrong type is an error naming it.
func refRead(c *call, dec *json.Decoder) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		if err := refField(c, dec, key); err != nil {
			if fe, ok := err.(fieldError); ok {
				// The field's name is built only for the message.
				return fmt.Errorf("%s.%s%s", c.where, key, fe.msg)
			}
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

func refField(c *call, dec *json.Decoder, key string) error {
	if dst := c.stringField(key); dst != nil {
		s, _, err := refReadString(dec)
		*dst = s
		return err
	}
	var err error
	switch key {
	case "startTime":
		c.start, err = refReadTime(dec)
	case "endTime":
		c.end, err = refReadTime(dec)
	case "completionStartTime":
		c.firstToken, err = refReadTime(dec)
	case "prompt_tokens":
		c.promptTokens, err = refReadInt(dec)
	case "completion_tokens":
		c.completionTokens, err = refReadInt(dec)
	case "total_tokens":
		c.totals, err = refReadInt(dec)
	case "response_cost":
		c.cost, err = refReadFloat(dec)
	case "litellm_call_id", "model_id", "api_base", "cache_key", "requester_ip_address", "user_agent":
		var s string
		if s, _, err = refReadString(dec); s != "" {
			c.attrs.PutStr(AttrPrefix+key, s)
		}
	case "response_time", "saved_cache_cost":
		var f optFloat
		if f, err = refReadFloat(dec); f.ok {
			c.attrs.PutDouble(AttrPrefix+key, f.v)
		}
	case "cache_hit", "stream":
		err = refReadBool(dec, c.attrs, AttrPrefix+key)
	case "metadata", "model_parameters", "hidden_params", "error_information", "cost_breakdown",
		"status_fields", "response_cost_failure_debug_info", "standard_built_in_tools_params":
		err = refReadObject(dec, c.attrs, AttrPrefix+key, nil)
	case "model_map_information":
		// model_map_value is LiteLLM's price-table entry of the model,
		// dozens of keys about the model, not the call: kept as one text.
		err = refReadObject(dec, c.attrs, AttrPrefix+key, map[string]bool{"model_map_value": true})
	case "request_tags", "guardrail_information":
		err = refReadArray(dec, c.attrs, AttrPrefix+key)
	case "messages":
		var raw json.RawMessage
		err = dec.Decode(&raw)
		c.messages = raw
	case "response":
		var raw json.RawMessage
		err = dec.Decode(&raw)
		c.response = raw
	default:
		// A field LiteLLM adds later is kept too.
		err = refReadAny(dec, c.attrs, AttrPrefix+key)
	}
	return err
}

// refReadString reads a string or null; ok is false for null.
func refReadString(dec *json.Decoder) (string, bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", false, err
	}
	switch v := tok.(type) {
	case string:
		return v, true, nil
	case nil:
		return "", false, nil
	}
	return "", false, wrongType("not a string, got %s", jsonvaluetest.TokenKind(tok))
}

func refReadInt(dec *json.Decoder) (optInt, error) {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return optInt{}, err
	}
	if n, ok := tok.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return optInt{i, true}, nil
		}
		// 12.0 is an integer too; 12.5 is not.
		if f, err := n.Float64(); err == nil && f == float64(int64(f)) {
			return optInt{int64(f), true}, nil
		}
		return optInt{}, wrongType("not an integer, got %s", n)
	}
	return optInt{}, wrongType("not an integer, got %s", jsonvaluetest.TokenKind(tok))
}

func refReadFloat(dec *json.Decoder) (optFloat, error) {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return optFloat{}, err
	}
	if n, ok := tok.(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			return optFloat{f, true}, nil
		}
		return optFloat{}, wrongType("not a number in range, got %s", n)
	}
	return optFloat{}, wrongType("not a number, got %s", jsonvaluetest.TokenKind(tok))
}

func refReadBool(dec *json.Decoder, m pcommon.Map, key string) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if b, ok := tok.(bool); ok {
		m.PutBool(key, b)
		return nil
	}
	return wrongType("not a boolean, got %s", jsonvaluetest.TokenKind(tok))
}

// refReadObject flattens an object or null under prefix; the members named in
// asText are kept as their compact JSON text instead.
func refReadObject(dec *json.Decoder, m pcommon.Map, prefix string, asText map[string]bool) error {
	var v any
	if err := dec.Decode(&v); err != nil || v == nil {
		return err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return wrongType("not an object, got %s", refKindOfAny(v))
	}
	for _, name := range jsonvaluetest.SortedKeys(obj) {
		if asText[name] {
			if obj[name] != nil {
				b, _ := json.Marshal(obj[name])
				m.PutStr(prefix+"."+name, string(b))
			}
			continue
		}
		if err := jsonvaluetest.PutValue(flat, m, prefix+"."+name, obj[name], 2); err != nil {
			return nested(err, prefix)
		}
	}
	return nil
}

// refReadArray keeps an array or null as a slice.
func refReadArray(dec *json.Decoder, m pcommon.Map, key string) error {
	var v any
	if err := dec.Decode(&v); err != nil || v == nil {
		return err
	}
	if _, ok := v.([]any); !ok {
		return wrongType("not an array, got %s", refKindOfAny(v))
	}
	return nested(jsonvaluetest.SetValue(flat, m.PutEmpty(key), v, key, 1), key)
}

// refReadAny keeps any other field, flattened.
func refReadAny(dec *json.Decoder, m pcommon.Map, key string) error {
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	return nested(jsonvaluetest.PutValue(flat, m, key, v, 1), key)
}

func refKindOfAny(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	}
	return "null"
}

// refReadTime reads a time: Unix seconds as a number (the float LiteLLM
// writes), or one of the texts of timeLayouts; null is no time.
func refReadTime(dec *json.Decoder) (optTime, error) {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return optTime{}, err
	}
	switch v := tok.(type) {
	case json.Number:
		t, err := unixSeconds(string(v))
		if err != nil {
			return optTime{}, fieldError{": " + err.Error()}
		}
		return optTime{t, true}, nil
	case string:
		if t, err := unixSeconds(strings.TrimSpace(v)); err == nil {
			return optTime{t, true}, nil
		}
		if t, ok := parseTimeText(strings.TrimSpace(v)); ok {
			return optTime{t, true}, nil
		}
		return optTime{}, wrongType("not a time: %q", shorten(v))
	}
	return optTime{}, wrongType("not a number or a time, got %s", jsonvaluetest.TokenKind(tok))
}

func (d *refDecoder) start() {
	d.td = ptrace.NewTraces()
	rs := d.td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", ServiceName)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName(ScopeName)
	d.spans = ss.Spans()
}
