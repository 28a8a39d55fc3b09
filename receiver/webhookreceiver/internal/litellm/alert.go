package litellm // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/litellm"

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
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
	if err := jsontok.Valid(trimmed, jsonDepth); err != nil {
		text, _ := jsonvalue.SyntaxText(err, len(trimmed))
		return Alert{}, errors.New("body is not valid JSON: " + text)
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
	lr.Body().SetStr(string(jsonvalue.AppendCompact(make([]byte, 0, len(trimmed)), trimmed)))

	sum := sha256.Sum256(body)
	return Alert{Logs: ld, Key: hex.EncodeToString(sum[:])}, nil
}

// readAlert puts every field of the alert object under litellm.*; the
// body is valid JSON.
func readAlert(body []byte, attrs pcommon.Map) error {
	var r jsontok.Reader
	r.Reset(body, jsonDepth)
	r.BeginObject()
	for ok := r.FirstKey(); ok; ok = r.NextKey() {
		key := jsonvalue.Text(r.Key(), r.KeyInfo())
		if key == "event" {
			s, ok, err := readString(&r)
			if fe, isField := err.(fieldError); isField {
				return errors.New("alert.event" + fe.msg)
			}
			if ok {
				attrs.PutStr(AttrEvent, s)
			}
			continue
		}
		if err := alertFlat.Put(attrs, AttrPrefix+key, &r, "alert."+key, 1); err != nil {
			return err
		}
	}
	return r.End() // nil: the body is valid
}
