package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
)

// decoder is the state of one walk over an OTLP JSON body: it reads each
// field by pdata's rule, and where pdata would refuse the body it repairs
// (lenient) or names the problem (strict). A span or log record it cannot
// read is left out and reported, so one bad item never rejects the others.
type decoder struct {
	r       jsontok.Reader
	strict  bool
	repairs *RepairCounts

	path []pathElem
	// inItem: problems reject the current span or log record instead of
	// the whole body.
	inItem  bool
	itemErr string
	fatal   error

	rejected    int
	rejectFirst string
	// items counts the spans or log records begun, for a refusal's count.
	items int
	// needPdata: the body has something only pdata's own decoder can
	// build (a repeated attribute key, a string-table index field).
	needPdata bool
	// legacy: the body has pre-1.0 lists, which pdata does not read.
	legacy bool
	// emptyKey: an object read has the key "", which pdata's decoder
	// takes for the end of the object.
	emptyKey bool
	// sized: a list of items was sized from its first item.
	sized bool

	spanKeys []SpanKey

	// top-level fields that are not OTLP, for the not-OTLP message
	sawOTLP bool
	other   []string

	keys  internTable
	vals  internTable
	text  []byte // unescaped text, reused
	ktext []byte // unescaped keys, reused
	stack []kv   // attribute entries being read
	done  []kv   // entries of nested lists read
	bytes []byte // bytesValue contents
	// fr and ftext read gen_ai.response.finish_reasons (finish.go).
	fr    jsontok.Reader
	ftext []byte
	// predict: the next attribute list read predicts (predict.go); kpred
	// and vpred are the keys and values remembered, by position.
	predict      bool
	kpred, vpred []predicted
	// longs are the long strings of this body by their raw text (longStr).
	longs map[string]string
}

// pathElem is a key of the path, as sent: a range of the body, so that
// keeping it costs no pointer write.
type pathElem struct {
	off, n, index int32
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// maxPooledScratch keeps one huge body from pinning its buffers forever.
const maxPooledScratch = 1 << 20

// maxPooledLongs bounds the map of long strings a pooled decoder keeps:
// emptying a map costs as much as its largest size.
const maxPooledLongs = 1024

func getDecoder(body []byte, strict bool, repairs *RepairCounts) *decoder {
	d := decoderPool.Get().(*decoder)
	d.keys.keys = true
	d.r.Reset(body, MaxJSONDepth)
	if strict {
		// Strict mode refuses what pdata's decoder refuses.
		d.r.CheckSkipped()
	}
	d.strict, d.repairs = strict, repairs
	return d
}

func putDecoder(d *decoder) {
	if cap(d.text) > maxPooledScratch || cap(d.bytes) > maxPooledScratch || cap(d.ftext) > maxPooledScratch || cap(d.stack)+cap(d.done) > maxPooledScratch/64 {
		return
	}
	keys, vals, longs, kpred, vpred := d.keys, d.vals, d.longs, d.kpred, d.vpred
	if len(longs) > maxPooledLongs {
		longs = nil
	}
	clear(longs) // its keys are views of the body
	*d = decoder{
		keys: keys, vals: vals, longs: longs, kpred: kpred, vpred: vpred,
		path: d.path[:0], other: d.other[:0], text: d.text[:0], ktext: d.ktext[:0],
		stack: d.stack[:0], done: d.done[:0], bytes: d.bytes[:0], ftext: d.ftext[:0],
	}
	decoderPool.Put(d)
}

// view is the string that b holds, without a copy: for comparisons and
// messages, never kept.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// key returns the key just read, unescaped.
func (d *decoder) key() []byte {
	k := d.r.Key()
	if d.r.KeyInfo() == 0 {
		if len(k) == 0 {
			d.emptyKey = true
		}
		return k
	}
	d.ktext = unescapeText(d.ktext[:0], k, d.r.KeyInfo()&jsontok.BadUTF8 != 0 && !d.strict)
	return d.ktext
}

// push adds the key just read to the path; pop removes it.
func (d *decoder) push() {
	d.path = append(d.path, pathElem{off: int32(d.r.KeyOffset()), n: int32(len(d.r.Key())), index: -1})
}

func (d *decoder) pop() { d.path = d.path[:len(d.path)-1] }

// index sets the array index of the innermost path element.
func (d *decoder) index(i int) { d.path[len(d.path)-1].index = int32(i) }

// where names the current position, like resourceSpans[0].scopeSpans[1].spans[2].traceId.
func (d *decoder) where() string {
	var b strings.Builder
	for i, p := range d.path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.Write(d.r.Buf()[p.off : p.off+p.n])
		if p.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(int(p.index)))
			b.WriteByte(']')
		}
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// failf is a problem no repair fixes: it rejects the current item, or the
// whole body outside an item and in strict mode.
func (d *decoder) failf(format string, args ...any) {
	if d.inItem && !d.strict {
		if d.itemErr == "" {
			d.itemErr = d.where() + ": " + fmt.Sprintf(format, args...)
		}
		return
	}
	if d.fatal == nil {
		d.fatal = errors.New(d.where() + ": " + fmt.Sprintf(format, args...))
	}
}

// repair counts a repair of kind, or in strict mode fails with what the
// repair would have fixed. It reports whether to go on repairing.
func (d *decoder) repair(kind RepairKind, format string, args ...any) bool {
	if d.strict {
		d.failf(format+" (lenient: true would repair this)", args...)
		return false
	}
	d.repairs.Add(kind)
	return true
}

// object begins an object, reporting whether one was begun: null is an
// empty object, as in pdata, and any other value fails and is skipped.
func (d *decoder) object(what string) bool {
	switch d.r.Peek() {
	case jsontok.Object:
		return d.r.BeginObject()
	case jsontok.Null:
		d.r.Null()
		return false
	}
	d.failf("expected %s object, got %s", what, d.r.Peek().Article())
	d.r.Skip()
	return false
}

// array begins an array, as object does.
func (d *decoder) array() bool {
	switch d.r.Peek() {
	case jsontok.Array:
		return d.r.BeginArray()
	case jsontok.Null:
		d.r.Null()
		return false
	}
	d.failf("expected an array, got %s", d.r.Peek().Article())
	d.r.Skip()
	return false
}

// beginItem and endItem bracket a span or log record; endItem reports
// whether the item was read, and counts it as rejected otherwise.
func (d *decoder) beginItem() {
	d.inItem, d.itemErr = true, ""
	d.items++
}

func (d *decoder) endItem() bool {
	d.inItem = false
	if d.itemErr == "" {
		return true
	}
	d.rejected++
	if d.rejectFirst == "" {
		d.rejectFirst = d.itemErr
	}
	return false
}
