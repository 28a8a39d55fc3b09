package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

// Spans from one sender list the same attribute keys in the same order,
// and many of the same values ("chat", the provider, the environment): the
// n-th attribute of a span is most often the n-th attribute of the span
// before. The decoder remembers, for each position of a list of
// attributes, the key and the short string value it read there last; a
// list that repeats them is read by comparing the body's bytes with the
// remembered text, with no scan of the string and no lookup in the tables.
//
// Only the attribute lists of resources, scopes, spans, events, links and
// log records predict: a nested list (a kvlistValue) is read and neither
// uses nor changes the predictions, so that the entries of the list being
// read, which refer to their positions until they are put into pdata, keep
// their meaning.

// maxPredicted is the number of positions remembered; attributes beyond it
// are read the ordinary way.
const maxPredicted = 64

// predicted is the text remembered at a position: a string whose raw text
// in the body is the string itself (no escapes, valid UTF-8), with its key
// metadata for keys.
type predicted struct {
	s    string
	meta uint8
}

// Refs to predictions: textRef.off is the position, textRef.how one of
// these (the bits of jsontok.StrInfo and howJSON are below and above).
const (
	howKeyPred textHow = 1 << 5
	howValPred textHow = 1 << 6
)

// predictAt reports whether the string at the body's offset i is
// "<p.s>", and returns the offset after it.
func (d *decoder) predictAt(i int, p *predicted) (int, bool) {
	b := d.r.Buf()
	end := i + 1 + len(p.s)
	if end >= len(b) || b[i] != '"' || b[end] != '"' || string(b[i+1:end]) != p.s {
		return 0, false
	}
	return end + 1, true
}

// predictKey reads the attribute key whose opening quote is at i, at
// position slot of a predicting list (-1: the list does not predict), and
// returns a ref to it and the offset after it.
func (d *decoder) predictKey(i, slot int) (textRef, int, bool) {
	return d.predictText(i, slot, &d.kpred, howKeyPred, &d.keys)
}

// predictStr is predictKey for a string value.
func (d *decoder) predictStr(i, slot int) (textRef, int, bool) {
	return d.predictText(i, slot, &d.vpred, howValPred, &d.vals)
}

func (d *decoder) predictText(i, slot int, preds *[]predicted, how textHow, table *internTable) (textRef, int, bool) {
	if 0 <= slot && slot < len(*preds) {
		if next, ok := d.predictAt(i, &(*preds)[slot]); ok {
			return textRef{off: int32(slot), how: how}, next, true
		}
	}
	raw, info, next, ok := d.r.StrAt(i)
	if !ok {
		return textRef{}, 0, false
	}
	if info != 0 || len(raw) > internMax || slot < 0 || slot >= maxPredicted {
		return textRef{off: int32(next - 1 - len(raw)), n: int32(len(raw)), how: textHow(info)}, next, true
	}
	s, meta := table.getMeta(raw)
	*preds = remember(*preds, slot, predicted{s: s, meta: meta})
	return textRef{off: int32(slot), how: how}, next, true
}

func remember(preds []predicted, slot int, p predicted) []predicted {
	for len(preds) <= slot {
		preds = append(preds, predicted{})
	}
	preds[slot] = p
	return preds
}
