package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"strconv"

	"github.com/otelcol-webhook/otelcol-webhook/internal/jsonstr"
)

// container is the shape of the objects that group items: resourceSpans and
// scopeSpans, resourceLogs and scopeLogs. Each has a header object (a
// resource or a scope), a list of children and a schemaUrl.
type container struct {
	what       string   // "a resourceSpans", for messages
	header     string   // canonical name of the header object
	headerKeys []string // names the header is read under
	list       string   // canonical name of the list of children
	listKeys   []string // names the list is read under
	// deprecated is the canonical name of the list OTLP used before 1.0
	// under field number 1000 ("deprecatedScopeSpans"), and deprecatedKeys
	// the names it is read under. pdata reads it in place of an empty list,
	// so it is written as it came and pdata applies the same rule.
	deprecated     string
	deprecatedKeys []string
	// child reads one child and writes it after the others, unless it was
	// rejected; it reports whether it wrote it.
	child func(n *normalizer, first bool) bool
}

func (n *normalizer) container(c *container) {
	n.out = append(n.out, '{')
	w := fieldWriter{out: &n.out}
	list := func(name string) {
		w.name(name)
		n.out = append(n.out, '[')
		first := true
		n.array(func() {
			if c.child(n, first) {
				first = false
			}
		})
		n.out = append(n.out, ']')
	}
	n.objectOrFail(c.what, func(field string) {
		switch {
		case oneOf(field, c.headerKeys):
			w.name(c.header)
			n.resource(&n.out)
		case oneOf(field, c.listKeys):
			list(c.list)
		case c.deprecated != "" && oneOf(field, c.deprecatedKeys):
			list(c.deprecated)
		case field == "schemaUrl" || field == "schema_url":
			w.name("schemaUrl")
			n.out = jsonstr.Append(n.out, n.readString())
		default:
			n.iter.Skip()
		}
	})
	n.out = append(n.out, '}')
}

// always wraps a child that is never rejected: it writes the comma itself.
func always(read func(n *normalizer)) func(n *normalizer, first bool) bool {
	return func(n *normalizer, first bool) bool {
		if !first {
			n.out = append(n.out, ',')
		}
		read(n)
		return true
	}
}

func oneOf(s string, list []string) bool {
	for _, l := range list {
		if s == l {
			return true
		}
	}
	return false
}

// resource writes a resource or an instrumentation scope: both are objects
// of scalar fields plus attributes.
func (n *normalizer) resource(out *[]byte) {
	*out = append(*out, '{')
	w := fieldWriter{out: out}
	n.objectOrFail("a resource or scope", func(field string) {
		switch field {
		case "attributes":
			w.name("attributes")
			*out = append(*out, '[')
			*out, _ = n.keyValues(*out, 0)
			*out = append(*out, ']')
		case "droppedAttributesCount", "dropped_attributes_count":
			w.name("droppedAttributesCount")
			*out = strconv.AppendUint(*out, uint64(n.readUint32()), 10)
		case "name", "version":
			w.name(field)
			*out = jsonstr.Append(*out, n.readString())
		default:
			n.iter.Skip()
		}
	})
	*out = append(*out, '}')
}
