package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import "iter"

// RepairKind is one kind of lenient repair.
type RepairKind int

const (
	repairNumberString RepairKind = iota
	repairFinishReasons
	repairIDHashed
	repairIDBase64
	repairInvalidUTF8
	repairValueType
	repairPlainValue
	repairAttributesObject
	repairTimestamp
	repairEnum
	numRepairKinds
)

var repairNames = [numRepairKinds]string{
	repairNumberString:     "number_string",
	repairFinishReasons:    "finish_reasons",
	repairIDHashed:         "id_hashed",
	repairIDBase64:         "id_base64",
	repairInvalidUTF8:      "invalid_utf8",
	repairValueType:        "value_type",
	repairPlainValue:       "plain_value",
	repairAttributesObject: "attributes_object",
	repairTimestamp:        "timestamp",
	repairEnum:             "enum",
}

// RepairCounts counts repairs by kind.
type RepairCounts [numRepairKinds]int

// Add counts one repair of kind k.
func (c *RepairCounts) Add(k RepairKind) { c[k]++ }

// All yields the name (the `kind` of the repairs metric) and count of each
// kind that occurred.
func (c *RepairCounts) All() iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		for k, n := range c {
			if n > 0 && !yield(repairNames[k], n) {
				return
			}
		}
	}
}
