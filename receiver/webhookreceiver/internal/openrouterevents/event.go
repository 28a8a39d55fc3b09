package openrouterevents // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/openrouterevents"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// event is one event read and checked, its attributes already built.
type event struct {
	id, typ string
	created time.Time
	attrs   pcommon.Map
}

// readEvent reads and checks one event object; where names it in errors.
func readEvent(raw json.RawMessage, where string) (*event, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("%s: expected an event object, got %s", where, jsonvalue.Kind(raw))
	}
	if !json.Valid(raw) {
		var v any
		return nil, syntaxError(json.Unmarshal(raw, &v))
	}
	ev := &event{attrs: pcommon.NewMap()}
	var createdText string
	var hasID, hasType, hasCreated bool
	dec := newDecoder(raw)
	_, _ = dec.Token() // '{'
	for dec.More() {
		tok, _ := dec.Token()
		key := tok.(string)
		field := where + "." + key
		switch key {
		case "id", "type", "created_at":
			s, err := readString(dec, field)
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
			if err := readData(dec, ev.attrs, field); err != nil {
				return nil, err
			}
		default:
			if err := putFlat(ev.attrs, attrEventPrefix+key, dec, field, 1); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case !hasID || ev.id == "":
		return nil, fmt.Errorf("%s.id: missing: every event needs its id", where)
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

func newDecoder(raw []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec
}

func readString(dec *json.Decoder, field string) (string, error) {
	tok, _ := dec.Token()
	switch v := tok.(type) {
	case string:
		return v, nil
	default:
		return "", fmt.Errorf("%s: must be a string, got %s", field, jsonvalue.TokenKind(v))
	}
}

// readData puts the fields of the data object under AttrDataPrefix; null is
// no data.
func readData(dec *json.Decoder, attrs pcommon.Map, field string) error {
	tok, _ := dec.Token()
	switch v := tok.(type) {
	case nil:
		return nil
	case json.Delim:
		if v != '{' {
			return fmt.Errorf("%s: must be an object, got %s", field, jsonvalue.TokenKind(v))
		}
	default:
		return fmt.Errorf("%s: must be an object, got %s", field, jsonvalue.TokenKind(v))
	}
	for dec.More() {
		tok, _ := dec.Token()
		key := tok.(string)
		if err := putFlat(attrs, AttrDataPrefix+key, dec, field+"."+key, 2); err != nil {
			return err
		}
	}
	_, _ = dec.Token() // '}'
	return nil
}

// flat flattens event fields: objects into key.field, arrays kept as
// arrays, null as an empty value.
var flat = jsonvalue.Flattener{MaxDepth: maxDepth}

func putFlat(m pcommon.Map, key string, dec *json.Decoder, field string, depth int) error {
	return flat.Put(m, key, dec, field, depth)
}

func shorten(s string) string {
	const maxLen = 64
	if len(s) > maxLen {
		return s[:maxLen] + "..."
	}
	return s
}

// fill writes the event into lr; raw is the event as sent, kept as the body.
func (ev *event) fill(lr plog.LogRecord, raw json.RawMessage) {
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

// warnTypes are the events that announce something to act on.
var warnTypes = map[string]bool{
	"usage.threshold":    true,
	"credit.low_balance": true,
	"key.expiring":       true,
}

// healthyStatuses are the model statuses that mean the model works; a
// model.status_change to any other status, or without one, is a warning.
var healthyStatuses = map[string]bool{
	"operational": true, "healthy": true, "available": true, "online": true,
	"up": true, "ok": true, "resolved": true, "recovered": true,
}

// StatusChangeType is the event of a model's provider status.
const StatusChangeType = "model.status_change"

func severityOf(typ string, attrs pcommon.Map) plog.SeverityNumber {
	if warnTypes[typ] {
		return plog.SeverityNumberWarn
	}
	if typ == StatusChangeType {
		status, ok := attrs.Get(AttrDataPrefix + "new_status")
		if !ok || !healthyStatuses[strings.ToLower(strings.TrimSpace(status.AsString()))] {
			return plog.SeverityNumberWarn
		}
	}
	return plog.SeverityNumberInfo
}
