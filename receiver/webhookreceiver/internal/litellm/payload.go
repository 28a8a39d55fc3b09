package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
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

	// messages and response are their JSON text, slices of the body.
	messages, response []byte
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
func (c *call) read(d *decoder) error {
	r := &d.r
	for ok := r.FirstKey(); ok; ok = r.NextKey() {
		key := r.Key()
		if r.KeyInfo() != 0 {
			key = jsontok.Unescape(nil, key)
		}
		if err := c.field(d, key); err != nil {
			if fe, ok := err.(fieldError); ok {
				// The field's name is built only for the message.
				return fmt.Errorf("%s.%s%s", c.where, key, fe.msg)
			}
			return err
		}
		if r.Err() != nil {
			break
		}
	}
	if r.Err() != nil {
		return d.syntaxError()
	}
	return nil
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

func (c *call) field(d *decoder, key []byte) error {
	r := &d.r
	if dst := c.stringField(string(key)); dst != nil {
		s, _, err := readString(r)
		*dst = s
		return err
	}
	var err error
	switch string(key) {
	case "startTime":
		c.start, err = readTime(r)
	case "endTime":
		c.end, err = readTime(r)
	case "completionStartTime":
		c.firstToken, err = readTime(r)
	case "prompt_tokens":
		c.promptTokens, err = readInt(r)
	case "completion_tokens":
		c.completionTokens, err = readInt(r)
	case "total_tokens":
		c.totals, err = readInt(r)
	case "response_cost":
		c.cost, err = readFloat(r)
	case "litellm_call_id", "model_id", "api_base", "cache_key", "requester_ip_address", "user_agent":
		var s string
		if s, _, err = readString(r); s != "" {
			c.attrs.PutStr(AttrPrefix+string(key), s)
		}
	case "response_time", "saved_cache_cost":
		var f optFloat
		if f, err = readFloat(r); f.ok {
			c.attrs.PutDouble(AttrPrefix+string(key), f.v)
		}
	case "cache_hit", "stream":
		err = readBool(r, c.attrs, key)
	case "metadata", "model_parameters", "hidden_params", "error_information", "cost_breakdown",
		"status_fields", "response_cost_failure_debug_info", "standard_built_in_tools_params":
		err = d.readObject(c.attrs, key, "")
	case "model_map_information":
		// model_map_value is LiteLLM's price-table entry of the model,
		// dozens of keys about the model, not the call: kept as one text.
		err = d.readObject(c.attrs, key, "model_map_value")
	case "request_tags", "guardrail_information":
		err = d.readArray(c.attrs, key)
	case "messages":
		c.messages = r.SkipRaw()
	case "response":
		c.response = r.SkipRaw()
	default:
		// A field LiteLLM adds later is kept too.
		err = d.readAny(c.attrs, key)
	}
	return err
}

// readString reads a string or null; ok is false for null.
func readString(r *jsontok.Reader) (string, bool, error) {
	switch kind := r.Peek(); kind {
	case jsontok.String:
		return jsonvalue.Text(r.Str()), true, nil
	case jsontok.Null:
		r.Null()
		return "", false, nil
	case jsontok.Invalid:
		r.Skip() // reports the error
		return "", false, nil
	default:
		return "", false, wrongType("not a string, got %s", kind.Article())
	}
}

func readInt(r *jsontok.Reader) (optInt, error) {
	switch kind := r.Peek(); kind {
	case jsontok.Number:
		n := r.Num()
		if r.Err() != nil {
			return optInt{}, nil // a syntax error, which read reports
		}
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return optInt{i, true}, nil
		}
		// 12.0 is an integer too; 12.5 is not.
		if f, err := strconv.ParseFloat(string(n), 64); err == nil && f == float64(int64(f)) {
			return optInt{int64(f), true}, nil
		}
		return optInt{}, wrongType("not an integer, got %s", n)
	case jsontok.Null, jsontok.Invalid:
		r.Skip() // null, or reports the error
		return optInt{}, nil
	default:
		return optInt{}, wrongType("not an integer, got %s", kind.Article())
	}
}

func readFloat(r *jsontok.Reader) (optFloat, error) {
	switch kind := r.Peek(); kind {
	case jsontok.Number:
		n := r.Num()
		if r.Err() != nil {
			return optFloat{}, nil // a syntax error, which read reports
		}
		if f, err := strconv.ParseFloat(string(n), 64); err == nil {
			return optFloat{f, true}, nil
		}
		return optFloat{}, wrongType("not a number in range, got %s", n)
	case jsontok.Null, jsontok.Invalid:
		r.Skip()
		return optFloat{}, nil
	default:
		return optFloat{}, wrongType("not a number, got %s", kind.Article())
	}
}

func readBool(r *jsontok.Reader, m pcommon.Map, key []byte) error {
	switch kind := r.Peek(); kind {
	case jsontok.Bool:
		if b := r.Bool(); r.Err() == nil {
			m.PutBool(AttrPrefix+string(key), b)
		}
		return nil
	case jsontok.Null, jsontok.Invalid:
		r.Skip()
		return nil
	default:
		return wrongType("not a boolean, got %s", kind.Article())
	}
}

// readTree reads the next value, whole, into the decoder's tree; ok is
// false at a syntax error.
func (d *decoder) readTree() (jsonvalue.Node, bool) {
	d.tree.Reset()
	n := d.tree.Read(&d.r)
	return n, d.r.Err() == nil
}

// readObject flattens an object or null under litellm.<key>; the member
// named asText, if any, is kept as its compact JSON text instead.
func (d *decoder) readObject(m pcommon.Map, key []byte, asText string) error {
	n, ok := d.readTree()
	t := &d.tree
	if !ok || t.Kind(n) == jsontok.Null {
		return nil
	}
	if t.Kind(n) != jsontok.Object {
		return wrongType("not an object, got %s", t.Kind(n).Article())
	}
	prefix := AttrPrefix + string(key)
	for i := 0; i < t.Len(n); i++ {
		member := t.Member(n, i)
		name := t.NameBytes(member)
		if asText != "" && string(name) == asText {
			if t.Kind(member) != jsontok.Null {
				d.scratch = t.AppendJSON(d.scratch[:0], member)
				m.PutStr(prefix+"."+asText, string(d.scratch))
			}
			continue
		}
		if err := flat.PutNode(m, prefix+"."+string(name), t, member, 2); err != nil {
			return nested(err, prefix)
		}
	}
	return nil
}

// readArray keeps an array or null as a slice.
func (d *decoder) readArray(m pcommon.Map, key []byte) error {
	n, ok := d.readTree()
	t := &d.tree
	if !ok || t.Kind(n) == jsontok.Null {
		return nil
	}
	if t.Kind(n) != jsontok.Array {
		return wrongType("not an array, got %s", t.Kind(n).Article())
	}
	attr := AttrPrefix + string(key)
	return nested(flat.SetNode(m.PutEmpty(attr), t, n, attr, 1), attr)
}

// readAny keeps any other field, flattened.
func (d *decoder) readAny(m pcommon.Map, key []byte) error {
	n, ok := d.readTree()
	if !ok {
		return nil
	}
	attr := AttrPrefix + string(key)
	return nested(flat.PutNode(m, attr, &d.tree, n, 1), attr)
}

// nested turns the flattener's error, which names the attribute
// (prefix.member...: ...), into one naming the field's member.
func nested(err error, prefix string) error {
	if err == nil {
		return nil
	}
	return fieldError{strings.TrimPrefix(err.Error(), prefix)}
}

// compactText is a JSON value as text: a string as it is, anything else
// as compact JSON; ok is false for null.
func compactText(raw []byte) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", false
	case raw[0] == '"':
		return jsonvalue.Unquote(raw), true
	}
	return string(jsonvalue.AppendCompact(make([]byte, 0, len(raw)), raw)), true
}
