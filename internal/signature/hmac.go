package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// checkBodyTimestamp checks the time a signed JSON body carries in
// TimestampField, once the signature has shown the body is the sender's.
func (v *Verifier) checkBodyTimestamp(body []byte, now time.Time) error {
	name := v.opts.TimestampField
	if name == "" {
		return nil
	}
	where := "body field " + name
	raw, ok := topLevelField(body, name)
	if !ok {
		return &detailError{ErrInvalidTimestamp, where + " is missing: the sender signs the time of every delivery there"}
	}
	n, err := strconv.ParseFloat(string(bytes.Trim(raw, `"`)), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return invalidTimestamp(where, "a Unix time in seconds or milliseconds")
	}
	var t time.Time
	if math.Abs(n) >= 1e11 {
		t = time.UnixMilli(int64(n))
	} else {
		t = time.Unix(int64(n), 0)
	}
	if !v.within(t, now) {
		return staleTimestamp(where)
	}
	return nil
}

// topLevelField returns the raw value of a top-level field of a JSON object.
func topLevelField(body []byte, name string) (json.RawMessage, bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, false
	}
	raw, ok := fields[name]
	return raw, ok && len(raw) > 0 && string(raw) != "null"
}
