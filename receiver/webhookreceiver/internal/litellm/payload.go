package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
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
		if err := c.field(dec, key); err != nil {
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

// fieldError is a field of the wrong type; msg follows the field's name:
// `: not a string, got a number`, or `.member: ...` for a member.
type fieldError struct{ msg string }

func (e fieldError) Error() string { return e.msg }

func wrongType(format string, args ...any) error {
	return fieldError{": " + fmt.Sprintf(format, args...)}
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

func (c *call) field(dec *json.Decoder, key string) error {
	if dst := c.stringField(key); dst != nil {
		s, _, err := readString(dec)
		*dst = s
		return err
	}
	var err error
	switch key {
	case "startTime":
		c.start, err = readTime(dec)
	case "endTime":
		c.end, err = readTime(dec)
	case "completionStartTime":
		c.firstToken, err = readTime(dec)
	case "prompt_tokens":
		c.promptTokens, err = readInt(dec)
	case "completion_tokens":
		c.completionTokens, err = readInt(dec)
	case "total_tokens":
		c.totals, err = readInt(dec)
	case "response_cost":
		c.cost, err = readFloat(dec)
	case "litellm_call_id", "model_id", "api_base", "cache_key", "requester_ip_address", "user_agent":
		var s string
		if s, _, err = readString(dec); s != "" {
			c.attrs.PutStr(AttrPrefix+key, s)
		}
	case "response_time", "saved_cache_cost":
		var f optFloat
		if f, err = readFloat(dec); f.ok {
			c.attrs.PutDouble(AttrPrefix+key, f.v)
		}
	case "cache_hit", "stream":
		err = readBool(dec, c.attrs, AttrPrefix+key)
	case "metadata", "model_parameters", "hidden_params", "error_information", "cost_breakdown",
		"status_fields", "response_cost_failure_debug_info", "standard_built_in_tools_params":
		err = readObject(dec, c.attrs, AttrPrefix+key, nil)
	case "model_map_information":
		// model_map_value is LiteLLM's price-table entry of the model,
		// dozens of keys about the model, not the call: kept as one text.
		err = readObject(dec, c.attrs, AttrPrefix+key, map[string]bool{"model_map_value": true})
	case "request_tags", "guardrail_information":
		err = readArray(dec, c.attrs, AttrPrefix+key)
	case "messages":
		err = dec.Decode(&c.messages)
	case "response":
		err = dec.Decode(&c.response)
	default:
		// A field LiteLLM adds later is kept too.
		err = readAny(dec, c.attrs, AttrPrefix+key)
	}
	return err
}

// readString reads a string or null; ok is false for null.
func readString(dec *json.Decoder) (string, bool, error) {
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
	return "", false, wrongType("not a string, got %s", jsonvalue.TokenKind(tok))
}

func readInt(dec *json.Decoder) (optInt, error) {
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
	return optInt{}, wrongType("not an integer, got %s", jsonvalue.TokenKind(tok))
}

func readFloat(dec *json.Decoder) (optFloat, error) {
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
	return optFloat{}, wrongType("not a number, got %s", jsonvalue.TokenKind(tok))
}

func readBool(dec *json.Decoder, m pcommon.Map, key string) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if b, ok := tok.(bool); ok {
		m.PutBool(key, b)
		return nil
	}
	return wrongType("not a boolean, got %s", jsonvalue.TokenKind(tok))
}

// readObject flattens an object or null under prefix; the members named in
// asText are kept as their compact JSON text instead.
func readObject(dec *json.Decoder, m pcommon.Map, prefix string, asText map[string]bool) error {
	var v any
	if err := dec.Decode(&v); err != nil || v == nil {
		return err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return wrongType("not an object, got %s", kindOfAny(v))
	}
	for _, name := range jsonvalue.SortedKeys(obj) {
		if asText[name] {
			if obj[name] != nil {
				b, _ := json.Marshal(obj[name])
				m.PutStr(prefix+"."+name, string(b))
			}
			continue
		}
		if err := flat.PutValue(m, prefix+"."+name, obj[name], 2); err != nil {
			return nested(err, prefix)
		}
	}
	return nil
}

// readArray keeps an array or null as a slice.
func readArray(dec *json.Decoder, m pcommon.Map, key string) error {
	var v any
	if err := dec.Decode(&v); err != nil || v == nil {
		return err
	}
	if _, ok := v.([]any); !ok {
		return wrongType("not an array, got %s", kindOfAny(v))
	}
	return nested(flat.SetValue(m.PutEmpty(key), v, key, 1), key)
}

// readAny keeps any other field, flattened.
func readAny(dec *json.Decoder, m pcommon.Map, key string) error {
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	return nested(flat.PutValue(m, key, v, 1), key)
}

// nested turns the flattener's error, which names the attribute
// (prefix.member...: ...), into one naming the field's member.
func nested(err error, prefix string) error {
	if err == nil {
		return nil
	}
	return fieldError{strings.TrimPrefix(err.Error(), prefix)}
}

func kindOfAny(v any) string {
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
