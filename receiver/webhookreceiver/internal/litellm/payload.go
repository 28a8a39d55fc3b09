package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// flat puts the fields LiteLLM sends without a semantic-convention name
// under litellm.*; a null says there is no value and is left out.
var flat = jsonvalue.Flattener{SkipNull: true, MaxDepth: maxDepth}

// call is one StandardLoggingPayload as read: the fields the span is built
// from, and the attributes of everything else, already under litellm.*.
type call struct {
	attrs pcommon.Map
	where string

	id, traceID, callType, provider, model, modelGroup string
	endUser, errorStr, status                          string

	start, end, firstToken                 optTime
	promptTokens, completionTokens, totals optInt
	cost                                   optFloat

	messages, response json.RawMessage
}

type (
	optTime struct {
		t  time.Time
		ok bool
	}
	optInt struct {
		v  int64
		ok bool
	}
	optFloat struct {
		v  float64
		ok bool
	}
)

func newCall(attrs pcommon.Map, where string) *call {
	return &call{attrs: attrs, where: where}
}

// read reads the fields of the payload object whose '{' was read, and its
// closing '}'. A field of the wrong type is an error naming it.
func (c *call) read(dec *json.Decoder) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		if err := c.field(dec, key, c.where+"."+key); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// stringField is where a string field the span is built from goes; nil
// for the other fields.
func (c *call) stringField(key string) *string {
	switch key {
	case "id":
		return &c.id
	case "trace_id":
		return &c.traceID
	case "call_type":
		return &c.callType
	case "custom_llm_provider":
		return &c.provider
	case "model":
		return &c.model
	case "model_group":
		return &c.modelGroup
	case "end_user":
		return &c.endUser
	case "error_str":
		return &c.errorStr
	case "status":
		return &c.status
	}
	return nil
}

func (c *call) field(dec *json.Decoder, key, field string) error {
	if dst := c.stringField(key); dst != nil {
		s, _, err := readString(dec, field)
		*dst = s
		return err
	}
	var err error
	switch key {
	case "startTime":
		c.start, err = readTime(dec, field)
	case "endTime":
		c.end, err = readTime(dec, field)
	case "completionStartTime":
		c.firstToken, err = readTime(dec, field)
	case "prompt_tokens":
		c.promptTokens, err = readInt(dec, field)
	case "completion_tokens":
		c.completionTokens, err = readInt(dec, field)
	case "total_tokens":
		c.totals, err = readInt(dec, field)
	case "response_cost":
		c.cost, err = readFloat(dec, field)
	case "litellm_call_id", "model_id", "api_base", "cache_key", "requester_ip_address", "user_agent":
		var s string
		if s, _, err = readString(dec, field); s != "" {
			c.attrs.PutStr(AttrPrefix+key, s)
		}
	case "response_time", "saved_cache_cost":
		var f optFloat
		if f, err = readFloat(dec, field); f.ok {
			c.attrs.PutDouble(AttrPrefix+key, f.v)
		}
	case "cache_hit", "stream":
		err = readBool(dec, c.attrs, AttrPrefix+key, field)
	case "metadata", "model_parameters", "hidden_params", "error_information", "cost_breakdown",
		"status_fields", "response_cost_failure_debug_info", "standard_built_in_tools_params":
		err = readObject(dec, c.attrs, AttrPrefix+key, field, nil)
	case "model_map_information":
		// model_map_value is LiteLLM's price-table entry of the model,
		// dozens of keys about the model, not the call: kept as one text.
		err = readObject(dec, c.attrs, AttrPrefix+key, field, map[string]bool{"model_map_value": true})
	case "request_tags", "guardrail_information":
		err = readArray(dec, c.attrs, AttrPrefix+key, field)
	case "messages":
		err = dec.Decode(&c.messages)
	case "response":
		err = dec.Decode(&c.response)
	default:
		// A field LiteLLM adds later is kept too.
		err = flat.Put(c.attrs, AttrPrefix+key, dec, field, 1)
	}
	return err
}

// readString reads a string or null; ok is false for null.
func readString(dec *json.Decoder, field string) (string, bool, error) {
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
	return "", false, fmt.Errorf("%s: not a string, got %s", field, jsonvalue.TokenKind(tok))
}

func readInt(dec *json.Decoder, field string) (optInt, error) {
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
		return optInt{}, fmt.Errorf("%s: not an integer, got %s", field, n)
	}
	return optInt{}, fmt.Errorf("%s: not an integer, got %s", field, jsonvalue.TokenKind(tok))
}

func readFloat(dec *json.Decoder, field string) (optFloat, error) {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return optFloat{}, err
	}
	if n, ok := tok.(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			return optFloat{f, true}, nil
		}
		return optFloat{}, fmt.Errorf("%s: not a number in range, got %s", field, n)
	}
	return optFloat{}, fmt.Errorf("%s: not a number, got %s", field, jsonvalue.TokenKind(tok))
}

func readBool(dec *json.Decoder, m pcommon.Map, key, field string) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if b, ok := tok.(bool); ok {
		m.PutBool(key, b)
		return nil
	}
	return fmt.Errorf("%s: not a boolean, got %s", field, jsonvalue.TokenKind(tok))
}

// readObject flattens an object or null under prefix; the members named in
// asText are kept as their compact JSON text instead.
func readObject(dec *json.Decoder, m pcommon.Map, prefix, field string, asText map[string]bool) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%s: not an object, got %s", field, jsonvalue.TokenKind(tok))
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		name := k.(string)
		if asText[name] {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			if text, ok := compactText(raw); ok {
				m.PutStr(prefix+"."+name, text)
			}
			continue
		}
		if err := flat.Put(m, prefix+"."+name, dec, field+"."+name, 2); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}

// readArray keeps an array or null as a slice.
func readArray(dec *json.Decoder, m pcommon.Map, key, field string) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("%s: not an array, got %s", field, jsonvalue.TokenKind(tok))
	}
	s := m.PutEmptySlice(key)
	for i := 0; dec.More(); i++ {
		if err := flat.Set(s.AppendEmpty(), dec, fmt.Sprintf("%s[%d]", field, i), 2); err != nil {
			return err
		}
	}
	_, err = dec.Token() // ']'
	return err
}

// compactText is a JSON value as text: a string as it is, anything else
// as compact JSON; ok is false for null.
func compactText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", false
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, true
		}
	}
	var b bytes.Buffer
	b.Grow(len(raw))
	if json.Compact(&b, raw) == nil {
		return b.String(), true
	}
	return string(raw), true
}
