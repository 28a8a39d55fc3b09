package openrouterevents

// The decoder as it was on encoding/json (json.Unmarshal, json.Valid, the
// Decoder token by token, the Flattener on it): FuzzDecodeAsReference holds
// the decoder to what this one decodes.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue/jsonvaluetest"
)

// Decode reads one delivery. arrival is the observed time of every record.
// An error names the event and the field, like
// `events[2].created_at: not an RFC 3339 time`; nothing is returned then,
// so a delivery is forwarded whole or not at all.
func refDecode(body []byte, arrival time.Time) (Events, error) {
	trimmed := bytes.TrimSpace(body)
	var raws []json.RawMessage
	single := len(trimmed) > 0 && trimmed[0] == '{'
	switch {
	case single:
		raws = []json.RawMessage{trimmed}
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return Events{}, refSyntaxError(err)
		}
		if len(raws) == 0 {
			return Events{}, errors.New("the delivery is an empty array: expected at least one event")
		}
	default:
		return Events{}, fmt.Errorf("the body must be an event object or an array of events, got %s", jsonvalue.Kind(trimmed))
	}

	out := Events{Logs: plog.NewLogs()}
	rl := out.Logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", ServiceName)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(ScopeName)
	observed := pcommon.NewTimestampFromTime(arrival)
	for i, raw := range raws {
		where := fmt.Sprintf("events[%d]", i)
		if single {
			where = "event"
		}
		ev, err := refReadEvent(raw, where)
		if err != nil {
			return Events{}, err
		}
		if ev.typ == TypeTest {
			out.Tests++
			continue
		}
		lr := sl.LogRecords().AppendEmpty()
		ev.refFill(lr, raw)
		lr.SetObservedTimestamp(observed)
		out.IDs = append(out.IDs, ev.id)
	}
	return out, nil
}

func refSyntaxError(err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("body is not valid JSON: %s at byte %d", se.Error(), se.Offset)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Errorf("body is not valid JSON: %s", te.Error())
	}
	return fmt.Errorf("body is not valid JSON: %w", err)
}

// readEvent reads and checks one event object; where names it in errors.
func refReadEvent(raw json.RawMessage, where string) (*event, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("%s: expected an event object, got %s", where, jsonvalue.Kind(raw))
	}
	if !json.Valid(raw) {
		var v any
		return nil, refSyntaxError(json.Unmarshal(raw, &v))
	}
	ev := &event{attrs: pcommon.NewMap()}
	var createdText string
	var hasID, hasType, hasCreated bool
	dec := refNewDecoder(raw)
	_, _ = dec.Token() // '{'
	for dec.More() {
		tok, _ := dec.Token()
		key := tok.(string)
		field := where + "." + key
		switch key {
		case "id", "type", "created_at":
			s, err := refReadString(dec, field)
			if err != nil {
				return nil, err
			}
			switch key {
			case "id":
				ev.id, hasID = s, true
			case "type":
				ev.typ, hasType = s, true
			default:
				createdText, hasCreated = s, true
			}
		case "data":
			if err := refReadData(dec, ev.attrs, field); err != nil {
				return nil, err
			}
		default:
			if err := refPutFlat(ev.attrs, attrEventPrefix+key, dec, field, 1); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case !hasID || ev.id == "":
		return nil, fmt.Errorf("%s.id: missing: every event needs its id (or the delivery its %s header)", where, HeaderIdempotencyKey)
	case !hasType || ev.typ == "":
		return nil, fmt.Errorf("%s.type: missing: every event needs its type", where)
	case !hasCreated:
		return nil, fmt.Errorf("%s.created_at: missing: every event needs its time", where)
	}
	t, ok := parseTime(createdText)
	if !ok {
		return nil, fmt.Errorf("%s.created_at: not an RFC 3339 time: %q", where, shorten(createdText))
	}
	ev.created = t
	return ev, nil
}

func refNewDecoder(raw []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec
}

func refReadString(dec *json.Decoder, field string) (string, error) {
	tok, _ := dec.Token()
	switch v := tok.(type) {
	case string:
		return v, nil
	default:
		return "", fmt.Errorf("%s: must be a string, got %s", field, jsonvaluetest.TokenKind(v))
	}
}

// readData puts the fields of the data object under AttrDataPrefix; null is
// no data.
func refReadData(dec *json.Decoder, attrs pcommon.Map, field string) error {
	tok, _ := dec.Token()
	switch v := tok.(type) {
	case nil:
		return nil
	case json.Delim:
		if v != '{' {
			return fmt.Errorf("%s: must be an object, got %s", field, jsonvaluetest.TokenKind(v))
		}
	default:
		return fmt.Errorf("%s: must be an object, got %s", field, jsonvaluetest.TokenKind(v))
	}
	for dec.More() {
		tok, _ := dec.Token()
		key := tok.(string)
		if err := refPutFlat(attrs, AttrDataPrefix+key, dec, field+"."+key, 2); err != nil {
			return err
		}
	}
	_, _ = dec.Token() // '}'
	return nil
}

func refPutFlat(m pcommon.Map, key string, dec *json.Decoder, field string, depth int) error {
	return jsonvaluetest.Put(flat, m, key, dec, field, depth)
}

// fill writes the event into lr; raw is the event as sent, kept as the body.
func (ev *event) refFill(lr plog.LogRecord, raw json.RawMessage) {
	lr.SetEventName(ev.typ)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(ev.created))
	if severityOf(ev.typ, ev.attrs) == plog.SeverityNumberWarn {
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
		lr.SetSeverityText("WARN")
	} else {
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil {
		lr.Body().SetStr(compact.String())
	} else {
		lr.Body().SetStr(string(bytes.TrimSpace(raw)))
	}
	// id and type lead, as they do in the event.
	attrs := lr.Attributes()
	attrs.EnsureCapacity(ev.attrs.Len() + 2)
	attrs.PutStr(AttrEventID, ev.id)
	attrs.PutStr(AttrEventType, ev.typ)
	for k, v := range ev.attrs.All() {
		v.CopyTo(attrs.PutEmpty(k))
	}
}
