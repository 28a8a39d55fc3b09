package openrouterevents // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/openrouterevents"

import (
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// event is one event read and checked, its attributes already built.
type event struct {
	id, typ string
	created time.Time
	attrs   pcommon.Map
}

// readEvent reads and checks the event object at r, which the tokenizer
// has checked is JSON; where names it in errors. key, when set, is the id of
// an event that has none.
func readEvent(r *jsontok.Reader, where, key string) (*event, error) {
	ev := &event{attrs: pcommon.NewMap()}
	var createdText string
	var hasID, hasType, hasCreated bool
	r.BeginObject()
	for ok := r.FirstKey(); ok; ok = r.NextKey() {
		key := jsonvalue.Text(r.Key(), r.KeyInfo())
		field := where + "." + key
		switch key {
		case "id", "type", "created_at":
			s, err := readString(r, field)
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
			if err := readData(r, ev.attrs, field); err != nil {
				return nil, err
			}
		default:
			if err := flat.Put(ev.attrs, attrEventPrefix+key, r, field, 1); err != nil {
				return nil, err
			}
		}
	}
	if (!hasID || ev.id == "") && key != "" {
		ev.id, hasID = key, true
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

func readString(r *jsontok.Reader, field string) (string, error) {
	if kind := r.Peek(); kind != jsontok.String {
		return "", fmt.Errorf("%s: must be a string, got %s", field, kind.Article())
	}
	return jsonvalue.Text(r.Str()), nil
}

// readData puts the fields of the data object under AttrDataPrefix; null is
// no data.
func readData(r *jsontok.Reader, attrs pcommon.Map, field string) error {
	switch kind := r.Peek(); kind {
	case jsontok.Null:
		r.Null()
		return nil
	case jsontok.Object:
	default:
		return fmt.Errorf("%s: must be an object, got %s", field, kind.Article())
	}
	r.BeginObject()
	for ok := r.FirstKey(); ok; ok = r.NextKey() {
		key := jsonvalue.Text(r.Key(), r.KeyInfo())
		if err := flat.Put(attrs, AttrDataPrefix+key, r, field+"."+key, 2); err != nil {
			return err
		}
	}
	return nil
}

// flat flattens event fields: objects into key.field, arrays kept as
// arrays, null as an empty value.
var flat = jsonvalue.Flattener{MaxDepth: maxDepth}

func shorten(s string) string {
	const maxLen = 64
	if len(s) > maxLen {
		return s[:maxLen] + "..."
	}
	return s
}

// fill writes the event into lr; raw is the event as sent (JSON), kept as
// the body.
func (ev *event) fill(lr plog.LogRecord, raw []byte) {
	lr.SetEventName(ev.typ)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(ev.created))
	switch n := severityOf(ev.typ, ev.attrs); n {
	case plog.SeverityNumberError:
		lr.SetSeverityNumber(n)
		lr.SetSeverityText("ERROR")
	case plog.SeverityNumberWarn:
		lr.SetSeverityNumber(n)
		lr.SetSeverityText("WARN")
	default:
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
	}
	lr.Body().SetStr(string(jsonvalue.AppendCompact(make([]byte, 0, len(raw)), raw)))
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
	status, ok := attrs.Get(AttrDataPrefix + "new_status")
	var text string
	if ok {
		text = status.AsString()
	}
	return Severity(typ, text, ok)
}

// Severity is the severity of an event of type typ: ERROR for a failed job
// (video.generation.failed), WARN for a cancelled or expired one, for the
// events that announce something to act on, and for a model status change
// to a status that is not healthy (newStatus, when the event has one);
// INFO otherwise.
func Severity(typ, newStatus string, hasStatus bool) plog.SeverityNumber {
	switch {
	case strings.HasSuffix(typ, ".failed"):
		return plog.SeverityNumberError
	case strings.HasSuffix(typ, ".cancelled"), strings.HasSuffix(typ, ".expired"), warnTypes[typ]:
		return plog.SeverityNumberWarn
	case typ == StatusChangeType && (!hasStatus || !healthyStatuses[strings.ToLower(strings.TrimSpace(newStatus))]):
		return plog.SeverityNumberWarn
	}
	return plog.SeverityNumberInfo
}
