package ndjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/ndjson"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// resourcePrefix is put before lifted resource attribute names.
const resourcePrefix = "resource."

// flattener lifts attributes to top-level keys without ever writing a key
// twice: a fixed field of the schema wins over a lifted attribute, and so
// does a lifted resource attribute; an attribute that loses stays in the
// nested "attributes" object.
type flattener struct {
	prefix string
	// prefixHasDot: no fixed field has a dot, so no lifted key with one
	// can be taken by a fixed field.
	prefixHasDot bool
	// taken holds the fixed fields that start with prefix, without it, so
	// that an attribute name is checked without building its key.
	taken map[string]bool
}

func newFlattener(prefix string, fixed []string) flattener {
	f := flattener{prefix: prefix, prefixHasDot: strings.Contains(prefix, "."), taken: map[string]bool{}}
	for _, name := range fixed {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			f.taken[rest] = true
		}
	}
	return f
}

// clashes reports whether the lifted key of attribute name is a fixed
// field or the lifted key of a resource attribute.
func (f flattener) clashes(name string, resource pcommon.Map) bool {
	if !f.prefixHasDot && strings.IndexByte(name, '.') < 0 && f.taken[name] {
		return true
	}
	var resourceName string
	if len(f.prefix) >= len(resourcePrefix) {
		if !strings.HasPrefix(f.prefix, resourcePrefix) {
			return false
		}
		resourceName = f.prefix[len(resourcePrefix):] + name
	} else {
		if !strings.HasPrefix(resourcePrefix, f.prefix) || !strings.HasPrefix(name, resourcePrefix[len(f.prefix):]) {
			return false
		}
		resourceName = name[len(resourcePrefix)-len(f.prefix):]
	}
	_, ok := resource.Get(resourceName)
	return ok
}

// appendAttributes appends the attributes and the resource attributes of
// an item: as the nested objects "attributes" and "resource", or, when
// flattening, as top-level keys, with the attributes that could not be
// lifted in "attributes".
func (f flattener) appendAttributes(b []byte, flat bool, attrs, resource pcommon.Map) []byte {
	if !flat {
		b = append(b, `,"resource":`...)
		b = appendMap(b, resource)
		b = append(b, `,"attributes":`...)
		return appendMap(b, attrs)
	}
	left := 0
	for k, v := range attrs.All() {
		if f.clashes(k, resource) {
			left++
			continue
		}
		b = appendKey(b, f.prefix, k)
		b = appendValue(b, v)
	}
	for k, v := range resource.All() {
		b = appendKey(b, resourcePrefix, k)
		b = appendValue(b, v)
	}
	if left == 0 {
		return b
	}
	b = append(b, `,"attributes":`...)
	return appendMapWhere(b, attrs, func(k string) bool { return f.clashes(k, resource) })
}
