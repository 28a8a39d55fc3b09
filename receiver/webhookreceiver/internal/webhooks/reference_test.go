package webhooks

// parseJSON as it was on encoding/json's Decoder: FuzzParseJSON holds the
// one on the tokenizer to what this one decodes.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// parseJSON reads one JSON value, numbers kept as json.Number; what says
// what it is in errors ("body", "line 3").
func refParseJSON(b []byte, what string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, refJSONError(err, what, dec.InputOffset())
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s is not one JSON value: more follows after byte %d (for one JSON value a line, set split: ndjson)", what, end)
	}
	return v, nil
}

func refJSONError(err error, what string, offset int64) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("%s is not JSON: %s at byte %d", what, se.Error(), se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s is not JSON: it ends at byte %d before the value does", what, offset)
	}
	return fmt.Errorf("%s is not JSON: %w", what, err)
}
