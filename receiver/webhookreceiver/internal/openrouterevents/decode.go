// Package openrouterevents reads OpenRouter's event webhooks (usage, credit,
// key and model-status events) into log records.
//
// The way in is Decode: the raw body of one delivery in, one log record per
// event out, with each event's id for deduplication. A delivery is one event
// object {"id", "type", "created_at", "data"} or a JSON array of them
// (OpenRouter batches the events of one second into one delivery).
package openrouterevents // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/openrouterevents"

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// Attribute names and values of the records.
const (
	AttrEventID    = "openrouter.event.id"
	AttrEventType  = "openrouter.event.type"
	AttrDataPrefix = "openrouter.data."
	// attrEventPrefix holds top-level event fields other than id, type,
	// created_at and data, should OpenRouter add some.
	attrEventPrefix = "openrouter.event."

	ServiceName = "openrouter"
	ScopeName   = "openrouter.events"

	// TypeTest is the event OpenRouter sends when an endpoint is
	// registered; it is answered, not forwarded.
	TypeTest = "webhook.test"
)

// maxDepth bounds the nesting of an event, well above what events carry.
const maxDepth = 64

// Events is what one delivery decoded into.
type Events struct {
	// Logs holds one record per event, webhook.test events excluded.
	Logs plog.Logs
	// IDs are the ids of the records in Logs, in order.
	IDs []string
	// Tests counts the webhook.test events, which are not in Logs.
	Tests int
}

// Decode reads one delivery. arrival is the observed time of every record.
// An error names the event and the field, like
// `events[2].created_at: not an RFC 3339 time`; nothing is returned then,
// so a delivery is forwarded whole or not at all.
func Decode(body []byte, arrival time.Time) (Events, error) {
	trimmed := bytes.TrimSpace(body)
	var raws []json.RawMessage
	single := len(trimmed) > 0 && trimmed[0] == '{'
	switch {
	case single:
		raws = []json.RawMessage{trimmed}
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return Events{}, syntaxError(err)
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
		ev, err := readEvent(raw, where)
		if err != nil {
			return Events{}, err
		}
		if ev.typ == TypeTest {
			out.Tests++
			continue
		}
		lr := sl.LogRecords().AppendEmpty()
		ev.fill(lr, raw)
		lr.SetObservedTimestamp(observed)
		out.IDs = append(out.IDs, ev.id)
	}
	return out, nil
}

func syntaxError(err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("body is not valid JSON: %s at byte %d", se.Error(), se.Offset)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Errorf("body is not valid JSON: %s", te.Error())
	}
	return fmt.Errorf("body is not valid JSON: %w", err)
}

// parseTime reads an RFC 3339 time with any offset; lower-case t and z, which
// RFC 3339 allows, are read too.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	up := []byte(s)
	for i, c := range up {
		if c == 't' || c == 'z' {
			up[i] = c - 'a' + 'A'
		}
	}
	t, err := time.Parse(time.RFC3339Nano, string(up))
	return t, err == nil
}
