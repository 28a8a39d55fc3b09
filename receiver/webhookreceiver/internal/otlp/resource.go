package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// topObject begins the request object. null is an empty request, as in
// pdata; any other value fails the body.
func (d *decoder) topObject(list string) bool {
	switch kind := d.r.Peek(); kind {
	case jsontok.Object:
		return d.r.BeginObject()
	case jsontok.Null:
		d.r.Null()
		return false
	default:
		d.failf("the body must be a JSON object with a %s array, got %s", list, kind.Article())
		d.r.Skip()
		return false
	}
}

// otherField keeps the name of a top-level field that is not OTLP, for
// the message of a body that has no OTLP field at all.
func (d *decoder) otherField(key []byte) {
	const maxKept = 1000
	if len(d.other) < maxKept {
		d.other = append(d.other, string(key))
	}
}

// resource reads a resource.
func (d *decoder) resource(res pcommon.Resource) {
	if !d.object("a resource or scope") {
		return
	}
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "attributes":
			d.attributes(res.Attributes(), false)
		case "droppedAttributesCount", "dropped_attributes_count":
			res.SetDroppedAttributesCount(d.readUint32())
		case "entityRefs", "entity_refs":
			d.entityRefs(entity.ResourceEntityRefs(res))
		default:
			d.r.Skip()
		}
		d.pop()
	}
}

// scope reads an instrumentation scope.
func (d *decoder) scope(sc pcommon.InstrumentationScope) {
	if !d.object("a resource or scope") {
		return
	}
	for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
		d.push()
		switch view(d.key()) {
		case "name":
			sc.SetName(d.readString())
		case "version":
			sc.SetVersion(d.readString())
		case "attributes":
			d.attributes(sc.Attributes(), false)
		case "droppedAttributesCount", "dropped_attributes_count":
			sc.SetDroppedAttributesCount(d.readUint32())
		default:
			d.r.Skip()
		}
		d.pop()
	}
}

// entityRefs reads a resource's references to entities.
func (d *decoder) entityRefs(refs entity.EntityRefSlice) {
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		ref := refs.AppendEmpty()
		if !d.object("an entity reference") {
			continue
		}
		for ok := d.r.FirstKey(); ok; ok = d.r.NextKey() {
			d.push()
			switch view(d.key()) {
			case "schemaUrl", "schema_url":
				ref.SetSchemaUrl(d.readString())
			case "type":
				ref.SetType(d.readString())
			case "idKeys", "id_keys":
				d.stringList(ref.IdKeys())
			case "descriptionKeys", "description_keys":
				d.stringList(ref.DescriptionKeys())
			default:
				d.r.Skip()
			}
			d.pop()
		}
	}
	d.index(-1)
}

// stringList appends an array of strings to s.
func (d *decoder) stringList(s pcommon.StringSlice) {
	if !d.array() {
		return
	}
	i := 0
	for ok := d.r.FirstElem(); ok; ok = d.r.NextElem() {
		d.index(i)
		i++
		s.Append(d.readString())
	}
	d.index(-1)
}
