package tmpl // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/tmpl"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// FuncNames are the functions templates have besides text/template's own,
// for documentation and tests.
var FuncNames = []string{"attr", "resource", "json", "default", "truncate", "date"}

// binding is the item a per: item template is rendered for, which attr and
// resource read when they are not given one.
type binding struct {
	item attributed
}

func funcs(b *binding) template.FuncMap {
	return template.FuncMap{
		"attr":     b.attr,
		"resource": b.resource,
		"json":     toJSON,
		"default":  orDefault,
		"truncate": truncate,
		"date":     date,
	}
}

// attr KEY [ITEM] is the attribute KEY of ITEM (by default the item the
// template is rendered for) with its type, or "" when it is absent.
func (b *binding) attr(key string, item ...any) (any, error) {
	it, err := b.target("attr", item)
	if err != nil {
		return nil, err
	}
	return lookup(it.attributeMap(), key), nil
}

// resource KEY [ITEM] is attr for the item's resource attributes.
func (b *binding) resource(key string, item ...any) (any, error) {
	it, err := b.target("resource", item)
	if err != nil {
		return nil, err
	}
	return lookup(it.resourceMap(), key), nil
}

func (b *binding) target(fn string, item []any) (attributed, error) {
	switch len(item) {
	case 0:
		if b.item == nil {
			return nil, fmt.Errorf("%s KEY without an item only works with per: item; with per: request write {{range $item := .}}...{{%s KEY $item}}...{{end}}", fn, fn)
		}
		return b.item, nil
	case 1:
		if it, ok := item[0].(attributed); ok {
			return it, nil
		}
		return nil, fmt.Errorf("%s: the item must be a span, a log record or a data point, got %T", fn, item[0])
	default:
		return nil, fmt.Errorf("%s takes a key and at most one item, got %d arguments", fn, 1+len(item))
	}
}

func lookup(m map[string]any, key string) any {
	if v, ok := m[key]; ok && v != nil {
		return v
	}
	return ""
}

// toJSON writes v as JSON: the one safe way to put text into a JSON body.
func toJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("json: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// orDefault is `default FALLBACK VALUE`, in Helm's argument order, so that
// `{{attr "k" | default "n/a"}}` reads well: VALUE unless it is empty (nil,
// "", 0, false, an empty list or map, the zero time), else FALLBACK.
func orDefault(fallback, value any) any {
	if isEmpty(value) {
		return fallback
	}
	return value
}

func isEmpty(v any) bool {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return true
	}
	switch rv.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return rv.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	default:
		return rv.IsZero()
	}
}

// truncate N TEXT cuts TEXT to at most N characters, the last of them "…"
// when it was cut. TEXT may be any value; it is printed first.
func truncate(n int, v any) string {
	s := text(v)
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// date LAYOUT TIME formats TIME (a time, or RFC 3339 text such as
// created_at fields) in UTC with a Go layout, e.g. "2006-01-02 15:04 MST".
func date(layout string, t any) (string, error) {
	switch x := t.(type) {
	case time.Time:
		return x.UTC().Format(layout), nil
	case string:
		parsed, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return "", fmt.Errorf("date: %q is not an RFC 3339 time", x)
		}
		return parsed.UTC().Format(layout), nil
	default:
		return "", fmt.Errorf("date: the time must be a time field or RFC 3339 text, got %T", t)
	}
}
