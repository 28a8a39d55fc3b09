package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"sort"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
)

// parseJSON reads one JSON value, numbers kept as json.Number, as
// encoding/json decodes it, in one walk of the tokenizer; what says what it
// is in errors ("body", "line 3").
func parseJSON(b []byte, what string) (any, error) {
	v, end, err := jsonvalue.Decode(b)
	if err != nil {
		return nil, jsonError(err, what, len(b))
	}
	if rest := bytes.TrimLeft(b[end:], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("%s is not one JSON value: more follows after byte %d (for one JSON value a line, set split: ndjson)", what, end)
	}
	return v, nil
}

func jsonError(err error, what string, size int) error {
	text, atEnd := jsonvalue.SyntaxText(err, size)
	if atEnd {
		return fmt.Errorf("%s is not JSON: it ends at byte %d before the value does", what, size)
	}
	return fmt.Errorf("%s is not JSON: %s", what, text)
}

// isForm reports whether contentType is a form body.
func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == formType
}

// parseForm reads an application/x-www-form-urlencoded body into a map: a
// key sent once is a string, a repeated key a list. A value that is a JSON
// object or array (Slack's interactivity `payload`) is parsed.
func parseForm(b []byte) (any, error) {
	values, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, fmt.Errorf("body is not application/x-www-form-urlencoded: %w", err)
	}
	out := make(map[string]any, len(values))
	for k, vs := range values {
		if len(vs) != 1 {
			list := make([]any, len(vs))
			for i, v := range vs {
				list[i] = v
			}
			out[k] = list
			continue
		}
		out[k] = vs[0]
		if t := bytes.TrimSpace([]byte(vs[0])); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			if v, err := parseJSON(t, "form field "+strconv.Quote(k)); err == nil {
				out[k] = v
			}
		}
	}
	return out, nil
}

// lookup follows a dotted path through maps (by key) and lists (by index).
func lookup(v any, path []string) (any, bool) {
	for _, seg := range path {
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[seg]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, v != nil
}

// text is the string form of a scalar (ids and names that are numbers).
func text(v any) (string, bool) {
	switch c := v.(type) {
	case string:
		return c, true
	case json.Number:
		return c.String(), true
	case bool:
		return strconv.FormatBool(c), true
	}
	return "", false
}

// setValue writes a parsed JSON value into dst: objects as maps, arrays as
// slices, numbers as Int or Double, booleans as Bool, null as empty.
func setValue(dst pcommon.Value, v any) {
	switch c := v.(type) {
	case map[string]any:
		m := dst.SetEmptyMap()
		m.EnsureCapacity(len(c))
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			setValue(m.PutEmpty(k), c[k])
		}
	case []any:
		s := dst.SetEmptySlice()
		s.EnsureCapacity(len(c))
		for _, e := range c {
			setValue(s.AppendEmpty(), e)
		}
	case string:
		dst.SetStr(c)
	case json.Number:
		jsonvalue.SetNumber(dst, c)
	case bool:
		dst.SetBool(c)
	}
}
