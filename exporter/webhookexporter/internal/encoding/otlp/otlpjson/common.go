package otlpjson // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/otlp/otlpjson"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// value appends v as an OTLP AnyValue object.
func value(b []byte, v pcommon.Value) []byte {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		b = append(b, `{"stringValue":`...)
		b = jsonstr.Append(b, v.Str())
	case pcommon.ValueTypeInt:
		b = quotedInt(append(b, '{'), `"intValue":`, v.Int())
	case pcommon.ValueTypeDouble:
		b = float(append(b, '{'), `"doubleValue":`, v.Double())
	case pcommon.ValueTypeBool:
		b = boolean(append(b, '{'), `"boolValue":`, v.Bool())
	case pcommon.ValueTypeMap:
		m := v.Map()
		if m == (pcommon.Map{}) {
			// A map value without its list, which pdata writes as {}.
			return append(b, "{}"...)
		}
		b = append(b, `{"kvlistValue":`...)
		b = values(b, m)
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		if s == (pcommon.Slice{}) {
			return append(b, "{}"...)
		}
		b = append(b, `{"arrayValue":`...)
		start := len(b)
		if s.Len() > 0 {
			b = append(b, `,"values":`...)
			arr := len(b)
			for i := range s.Len() {
				b = value(append(b, ','), s.At(i))
			}
			b = closeArray(b, arr)
		}
		b = closeObject(b, start)
	case pcommon.ValueTypeBytes:
		b = append(b, `{"bytesValue":`...)
		b = appendBytes(b, v.Bytes())
	default:
		return append(b, "{}"...)
	}
	return append(b, '}')
}

// values appends m as an OTLP KeyValueList object: {"values":[...]}.
func values(b []byte, m pcommon.Map) []byte {
	if m.Len() == 0 {
		return append(b, "{}"...)
	}
	b = append(b, `{"values":`...)
	b = keyValues(b, m)
	return append(b, '}')
}

// keyValues appends the non-empty m as an array of OTLP KeyValue objects.
func keyValues(b []byte, m pcommon.Map) []byte {
	start := len(b)
	for k, v := range m.All() {
		if k == "" {
			b = append(b, `,{"value":`...)
		} else {
			b = append(b, `,{"key":`...)
			b = jsonstr.Append(b, k)
			b = append(b, `,"value":`...)
		}
		b = value(b, v)
		b = append(b, '}')
	}
	return closeArray(b, start)
}

// attributes appends m as a member named by the literal name, unless m is
// empty, as pdata leaves out empty attribute lists.
func attributes(b []byte, name string, m pcommon.Map) []byte {
	if m.Len() == 0 {
		return b
	}
	return keyValues(append(b, name...), m)
}

func droppedCount(b []byte, v uint32) []byte {
	if v == 0 {
		return b
	}
	return number(b, `,"droppedAttributesCount":`, int64(v))
}

// resource appends the "resource" member, which pdata always writes.
func resource(b []byte, r pcommon.Resource) []byte {
	b = append(b, `,"resource":`...)
	start := len(b)
	b = attributes(b, `,"attributes":`, r.Attributes())
	b = droppedCount(b, r.DroppedAttributesCount())
	if refs := entity.ResourceEntityRefs(r); refs.Len() > 0 {
		b = append(b, `,"entityRefs":`...)
		arr := len(b)
		for i := range refs.Len() {
			b = entityRef(append(b, ','), refs.At(i))
		}
		b = closeArray(b, arr)
	}
	return closeObject(b, start)
}

func entityRef(b []byte, ref entity.EntityRef) []byte {
	start := len(b)
	if s := ref.SchemaUrl(); s != "" {
		b = str(b, `,"schemaUrl":`, s)
	}
	if s := ref.Type(); s != "" {
		b = str(b, `,"type":`, s)
	}
	b = stringArray(b, `,"idKeys":`, ref.IdKeys())
	b = stringArray(b, `,"descriptionKeys":`, ref.DescriptionKeys())
	return closeObject(b, start)
}

// stringArray appends the non-empty s as an array of strings.
func stringArray(b []byte, name string, s pcommon.StringSlice) []byte {
	if s.Len() == 0 {
		return b
	}
	b = append(b, name...)
	start := len(b)
	for i := range s.Len() {
		b = jsonstr.Append(append(b, ','), s.At(i))
	}
	return closeArray(b, start)
}

// scope appends the "scope" member, which pdata always writes.
func scope(b []byte, s pcommon.InstrumentationScope) []byte {
	b = append(b, `,"scope":`...)
	start := len(b)
	if v := s.Name(); v != "" {
		b = str(b, `,"name":`, v)
	}
	if v := s.Version(); v != "" {
		b = str(b, `,"version":`, v)
	}
	b = attributes(b, `,"attributes":`, s.Attributes())
	b = droppedCount(b, s.DroppedAttributesCount())
	return closeObject(b, start)
}

// schemaURL appends a "schemaUrl" member unless s is empty.
func schemaURL(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	return str(b, `,"schemaUrl":`, s)
}
