package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// AlertScopeName is the scope of the log records of LiteLLM's alerts.
const AlertScopeName = "litellm.alerting"

// AttrEvent is the alert's event, also its EventName.
const AttrEvent = AttrPrefix + "event"

// alertFlat keeps every field of an alert; a null is an empty value, as
// LiteLLM's WebhookEvent sends the fields it has no value for.
var alertFlat = jsonvalue.Flattener{MaxDepth: maxDepth}

// warnEvents are the alerts about a budget or a limit.
var warnEvents = map[string]bool{
	"budget_crossed":           true,
	"soft_budget_crossed":      true,
	"threshold_crossed":        true,
	"projected_limit_exceeded": true,
}

// Alert is what one delivery of LiteLLM's alert webhook decoded into.
type Alert struct {
	// Logs holds the alert's log record.
	Logs plog.Logs
	// Key identifies the delivery for dedup: the SHA-256 of the body, as
	// an alert carries no id of its own.
	Key string
}

// DecodeAlert reads one alert, a WebhookEvent object; arrival is its
// observed time (an alert carries no time of its own).
func DecodeAlert(body []byte, arrival time.Time) (Alert, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Alert{}, fmt.Errorf("the body must be one LiteLLM alert object, got %s", jsonvalue.Kind(trimmed))
	}
	if !json.Valid(trimmed) {
		var v any
		err := json.Unmarshal(trimmed, &v)
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			return Alert{}, fmt.Errorf("body is not valid JSON: %s at byte %d", se.Error(), se.Offset)
		}
		return Alert{}, fmt.Errorf("body is not valid JSON: %v", err)
	}

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", ServiceName)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(AlertScopeName)
	lr := sl.LogRecords().AppendEmpty()
	if err := readAlert(trimmed, lr.Attributes()); err != nil {
		return Alert{}, err
	}
	event, ok := lr.Attributes().Get(AttrEvent)
	if !ok || event.Type() != pcommon.ValueTypeStr || event.Str() == "" {
		return Alert{}, errors.New("alert.event: missing: every alert names its event")
	}
	lr.SetEventName(event.Str())
	if warnEvents[event.Str()] {
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
		lr.SetSeverityText("WARN")
	} else {
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
	}
	lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(arrival))
	var compact bytes.Buffer
	_ = json.Compact(&compact, trimmed)
	lr.Body().SetStr(compact.String())

	sum := sha256.Sum256(body)
	return Alert{Logs: ld, Key: hex.EncodeToString(sum[:])}, nil
}

// readAlert puts every field of the alert object under litellm.*.
func readAlert(body []byte, attrs pcommon.Map) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // '{'
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		if key == "event" {
			s, ok, err := readString(dec)
			if fe, isField := err.(fieldError); isField {
				return errors.New("alert.event" + fe.msg)
			}
			if err != nil {
				return err
			}
			if ok {
				attrs.PutStr(AttrEvent, s)
			}
			continue
		}
		if err := alertFlat.Put(attrs, AttrPrefix+key, dec, "alert."+key, 1); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("body is not valid JSON: data after the alert object")
	}
	return nil
}
