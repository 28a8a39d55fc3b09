package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// element is one event of a delivery and where it was, for errors.
type element struct {
	value any
	where string
}

// Decode reads one delivery; arrival is every record's observed time. An
// error names what is wrong and where (`events[2]: field created: ...`); no
// records are returned then, so a delivery is forwarded whole or not at all.
func (m *Mapping) Decode(req Request, arrival time.Time) (Result, error) {
	elements, whole, err := m.elements(req)
	if err != nil {
		return Result{}, err
	}
	if m.special != nil {
		if s := m.special(specialInput{header: req.Header, body: whole, raw: req.Body, secrets: m.secrets}); s != nil {
			return Result{Special: s}, nil
		}
	}
	out := Result{Logs: plog.NewLogs(), IDs: make([]string, 0, len(elements))}
	rl := out.Logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", m.name)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(ScopeName)
	records := sl.LogRecords()
	records.EnsureCapacity(len(elements))
	observed := pcommon.NewTimestampFromTime(arrival)
	for i, el := range elements {
		lr := records.AppendEmpty()
		id, idFromHeader, err := m.fill(lr, el, req.Header)
		if err != nil {
			return Result{}, err
		}
		lr.SetObservedTimestamp(observed)
		if id != "" && len(elements) > 1 && idFromHeader {
			// One header id for several events: each event's own key.
			id += "#" + strconv.Itoa(i)
		}
		out.IDs = append(out.IDs, id)
	}
	return out, nil
}

// elements splits the body into events; whole is the parsed body.
func (m *Mapping) elements(req Request) ([]element, any, error) {
	body := req.Body
	if m.raw {
		if m.split == SplitNDJSON {
			var out []element
			for i, line := range lines(body) {
				out = append(out, element{value: string(line), where: "line " + strconv.Itoa(i+1)})
			}
			return out, string(body), nil
		}
		return []element{{value: string(body), where: "body"}}, string(body), nil
	}
	if isForm(req.ContentType) {
		v, err := parseForm(body)
		if err != nil {
			return nil, nil, err
		}
		return []element{{value: v, where: "body"}}, v, nil
	}
	if m.split == SplitNDJSON {
		var out []element
		var all []any
		for i, line := range lines(body) {
			where := "line " + strconv.Itoa(i+1)
			v, err := parseJSON(line, where)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, element{value: v, where: where})
			all = append(all, v)
		}
		return out, all, nil
	}
	v, err := parseJSON(body, "body")
	if err != nil {
		return nil, nil, err
	}
	switch m.split {
	case SplitArray:
		if list, ok := v.([]any); ok {
			return indexed(list, ""), v, nil
		}
	case SplitField:
		name := strings.Join(m.splitPath, ".")
		got, ok := lookup(v, m.splitPath)
		if !ok {
			return nil, nil, fmt.Errorf("split: field: %s: the body has no such field", name)
		}
		list, ok := got.([]any)
		if !ok {
			return nil, nil, fmt.Errorf("split: field: %s: not an array, got %s", name, describe(got))
		}
		return indexed(list, name), v, nil
	}
	return []element{{value: v, where: "body"}}, v, nil
}

func indexed(list []any, name string) []element {
	out := make([]element, len(list))
	for i, v := range list {
		out[i] = element{value: v, where: fmt.Sprintf("%s[%d]", name, i)}
	}
	return out
}

// lines returns the non-blank lines of b, without their line endings.
func lines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
	}
	return out
}

// fill writes one event into lr and returns its id, and whether it came
// from a header.
func (m *Mapping) fill(lr plog.LogRecord, el element, h http.Header) (string, bool, error) {
	setValue(lr.Body(), el.value)
	if name, _, _ := m.value(m.eventName, el.value, h); name != "" {
		lr.SetEventName(name)
	}
	id, _, idFromHeader := m.value(m.id, el.value, h)
	if id != "" {
		lr.Attributes().PutStr(AttrEventID, id)
	}
	if v, src, ok := m.raw1(m.timestamp, el.value, h); ok {
		t, err := timestamp(v, m.format)
		if err != nil {
			return "", false, fmt.Errorf("%s: timestamp %s: %w", el.where, src, err)
		}
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t))
	}
	if m.severity == nil && m.presetSeverity != nil {
		n, text := m.presetSeverity(el.value, h)
		lr.SetSeverityNumber(n)
		lr.SetSeverityText(text)
	} else {
		m.severity.apply(lr, el.value)
	}
	for _, a := range m.attrs {
		if v, ok := lookup(el.value, a.path); ok {
			setValue(lr.Attributes().PutEmpty(a.name), v)
		}
	}
	for _, hr := range m.headers {
		if vs := h.Values(hr.name); len(vs) > 0 {
			s := lr.Attributes().PutEmptySlice(hr.attr)
			for _, v := range vs {
				s.AppendEmpty().SetStr(v)
			}
		}
	}
	return id, idFromHeader, nil
}

// value builds a text value from the first alternative whose first part is
// present, joining the parts that are with "."; fromHeader reports that the
// first part is a header.
func (m *Mapping) value(alts []alt, el any, h http.Header) (out string, ok, fromHeader bool) {
	for _, a := range alts {
		first, ok := partText(a[0], el, h)
		if !ok || first == "" {
			continue
		}
		out := first
		for _, p := range a[1:] {
			if s, ok := partText(p, el, h); ok && s != "" {
				out += "." + s
			}
		}
		return out, true, a[0].header != ""
	}
	return "", false, false
}

// raw1 returns the value of the first alternative present, for timestamps.
func (m *Mapping) raw1(alts []alt, el any, h http.Header) (any, string, bool) {
	for _, a := range alts {
		p := a[0]
		if p.header != "" {
			if v := h.Get(p.header); v != "" {
				return v, p.String(), true
			}
			continue
		}
		if v, ok := lookup(el, p.path); ok {
			return v, p.String(), true
		}
	}
	return nil, "", false
}

func partText(p part, el any, h http.Header) (string, bool) {
	if p.header != "" {
		v := h.Get(p.header)
		return v, v != ""
	}
	v, ok := lookup(el, p.path)
	if !ok {
		return "", false
	}
	s, ok := text(v)
	if name, known := p.names[s]; ok && known {
		return name, true
	}
	return s, ok
}
