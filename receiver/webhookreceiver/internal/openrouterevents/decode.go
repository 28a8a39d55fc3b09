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
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
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

	// HeaderIdempotencyKey is sent with OpenRouter's signed callbacks,
	// whose events have no id of their own: "<job id>-<status>".
	HeaderIdempotencyKey = "X-OpenRouter-Idempotency-Key"
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
	return DecodeKeyed(body, arrival, "")
}

// DecodeKeyed is Decode for a delivery that came with an idempotency key
// (HeaderIdempotencyKey): an event without an id of its own, as OpenRouter's
// signed callbacks are, takes the key as its id (the key and "#<index>" in
// an array).
func DecodeKeyed(body []byte, arrival time.Time, key string) (Events, error) {
	trimmed := bytes.TrimSpace(body)
	single := len(trimmed) > 0 && trimmed[0] == '{'
	if !single && (len(trimmed) == 0 || trimmed[0] != '[') {
		return Events{}, fmt.Errorf("the body must be an event object or an array of events, got %s", jsonvalue.Kind(trimmed))
	}
	// The whole body is checked first, so a delivery that is not JSON is
	// refused as such, whatever its events hold.
	if err := jsontok.Valid(trimmed, jsonDepth); err != nil {
		return Events{}, syntaxError(err, len(trimmed))
	}
	var r jsontok.Reader
	r.Reset(trimmed, jsonDepth)

	out := Events{Logs: plog.NewLogs()}
	rl := out.Logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", ServiceName)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(ScopeName)
	observed := pcommon.NewTimestampFromTime(arrival)
	// one reads the event at r, named where, into its record.
	one := func(where, key string) error {
		if kind := r.Peek(); kind != jsontok.Object {
			return fmt.Errorf("%s: expected an event object, got %s", where, kind.Article())
		}
		begin := r.Pos()
		ev, err := readEvent(&r, where, key)
		if err != nil {
			return err
		}
		if ev.typ == TypeTest {
			out.Tests++
			return nil
		}
		lr := sl.LogRecords().AppendEmpty()
		ev.fill(lr, trimmed[begin:r.Pos()])
		lr.SetObservedTimestamp(observed)
		out.IDs = append(out.IDs, ev.id)
		return nil
	}
	if single {
		if err := one("event", key); err != nil {
			return Events{}, err
		}
		return out, nil
	}
	r.BeginArray()
	i := 0
	for ok := r.FirstElem(); ok; ok = r.NextElem() {
		elemKey := key
		if key != "" {
			elemKey = key + "#" + strconv.Itoa(i)
		}
		if err := one("events["+strconv.Itoa(i)+"]", elemKey); err != nil {
			return Events{}, err
		}
		i++
	}
	if i == 0 {
		return Events{}, errors.New("the delivery is an empty array: expected at least one event")
	}
	return out, nil
}

// jsonDepth is the nesting the tokenizer allows, encoding/json's: deeper
// than maxDepth is refused by the flattener, naming the field.
const jsonDepth = jsonvalue.DecodeDepth

func syntaxError(err error, size int) error {
	text, atEnd := jsonvalue.SyntaxText(err, size)
	if atEnd {
		return fmt.Errorf("body is not valid JSON: unexpected end of JSON input at byte %d", size)
	}
	return errors.New("body is not valid JSON: " + text)
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
