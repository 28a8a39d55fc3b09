// Package tmpl renders request bodies with a Go text/template, for
// endpoints that read neither OTLP nor rows: chat hooks (Slack, Discord),
// automation hooks (Zapier, n8n) and anything that wants its own JSON.
package tmpl // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding/tmpl"

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"sync"
	"text/template"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// Per says what one rendering covers.
type Per string

const (
	// PerItem renders the template once per span, log record or data
	// point, one request each.
	PerItem Per = "item"
	// PerRequest renders the template once per request over the list of its
	// items.
	PerRequest Per = "request"
)

// DefaultContentType is the Content-Type when none is configured.
const DefaultContentType = "application/json"

// Config is the template section of the exporter's configuration.
type Config struct {
	Body        string
	Per         Per
	ContentType string
}

// Parse parses a template body with the template functions. Errors name the
// line: `line 3: function "foo" not defined`.
func Parse(body string) (*template.Template, error) {
	t, err := template.New(templateName).Funcs(funcs(&binding{})).Parse(body)
	if err != nil {
		return nil, cleanError(err)
	}
	return t, nil
}

// IsJSON reports whether a media type is JSON: application/json or a
// +json type.
func IsJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// Encoder renders bodies.
type Encoder struct {
	tmpl        *template.Template
	per         Per
	contentType string
	json        bool
	// renderers holds clones of tmpl whose attr and resource are bound to
	// the item being rendered, one per concurrent rendering.
	renderers sync.Pool
}

var _ encoding.Encoder = (*Encoder)(nil)

// New parses cfg's template.
func New(cfg Config) (*Encoder, error) {
	t, err := Parse(cfg.Body)
	if err != nil {
		return nil, err
	}
	if cfg.Per != PerItem && cfg.Per != PerRequest {
		return nil, fmt.Errorf("per must be item or request, got %q", string(cfg.Per))
	}
	ct := cfg.ContentType
	if ct == "" {
		ct = DefaultContentType
	}
	e := &Encoder{tmpl: t, per: cfg.Per, contentType: ct, json: IsJSON(ct)}
	e.renderers.New = func() any {
		r := &renderer{binding: &binding{}}
		r.tmpl = template.Must(e.tmpl.Clone()).Funcs(funcs(r.binding))
		return r
	}
	return e, nil
}

// ContentType is the configured content type.
func (e *Encoder) ContentType() string { return e.contentType }

// PerItem is true with per: item.
func (e *Encoder) PerItem() bool { return e.per == PerItem }

// TestBody is empty: a template has no empty rendering of its own. Chat
// hooks answer an empty body with 400, which the test counts as reachable.
func (e *Encoder) TestBody() []byte { return []byte{} }

// Traces renders spans.
func (e *Encoder) Traces(t *encoding.Traces) encoding.Batch {
	return newBatch(e, t.Len(), func(i int) attributed { return newSpan(t.At(i)) }, listOf[*Span])
}

// Logs renders log records.
func (e *Encoder) Logs(l *encoding.Logs) encoding.Batch {
	return newBatch(e, l.Len(), func(i int) attributed { return newLogRecord(l.At(i)) }, listOf[*LogRecord])
}

// Metrics renders data points.
func (e *Encoder) Metrics(m *encoding.Metrics) encoding.Batch {
	return newBatch(e, m.Len(), func(i int) attributed { return newDataPoint(m.At(i)) }, listOf[*DataPoint])
}

// listOf is what a per: request template ranges over: []*Span,
// []*LogRecord or []*DataPoint.
func listOf[T attributed](items []attributed) any {
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = it.(T)
	}
	return out
}

// batch renders the items of one batch, each converted once.
type batch struct {
	e     *Encoder
	items []attributed
	item  func(i int) attributed
	list  func([]attributed) any
}

func newBatch(e *Encoder, n int, item func(int) attributed, list func([]attributed) any) *batch {
	return &batch{e: e, items: make([]attributed, n), item: item, list: list}
}

func (b *batch) at(i int) attributed {
	if b.items[i] == nil {
		b.items[i] = b.item(i)
	}
	return b.items[i]
}

// Encode renders item from with per: item, or the list of items [from, to)
// with per: request.
func (b *batch) Encode(from, to int) ([]byte, error) {
	if b.e.per == PerItem {
		if to-from != 1 {
			return nil, fmt.Errorf("per: item renders one item per request, asked for %d", to-from)
		}
		it := b.at(from)
		return b.e.render(it, it)
	}
	run := make([]attributed, 0, to-from)
	for i := from; i < to; i++ {
		run = append(run, b.at(i))
	}
	return b.e.render(b.list(run), nil)
}

// renderer is a clone of the template and the binding of its functions.
type renderer struct {
	tmpl    *template.Template
	binding *binding
}

// render executes the template on data. A body that is only white space
// means nothing to send; with a JSON content type, anything else must be
// valid JSON.
func (e *Encoder) render(data any, item attributed) ([]byte, error) {
	r := e.renderers.Get().(*renderer)
	r.binding.item = item
	var buf bytes.Buffer
	err := r.tmpl.Execute(&buf, data)
	r.binding.item = nil
	e.renderers.Put(r)
	if err != nil {
		return nil, cleanError(err)
	}
	body := buf.Bytes()
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	if e.json {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, fmt.Errorf("the rendered body is not valid JSON (Content-Type %s): %w; use the json function to put values into a JSON body", e.contentType, describeJSONError(err))
		}
	}
	return body, nil
}

// describeJSONError says where the JSON broke without quoting the body,
// which may hold content the exporter must not log.
func describeJSONError(err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("%s at byte %d", se.Error(), se.Offset)
	}
	return err
}

const templateName = "body"

// templateError matches text/template's "template: body:LINE[:COL]: ..."
// and the "executing ... at <...>:" of runtime errors.
var templateError = regexp.MustCompile(`^template: ` + templateName + `:(\d+)(?::(\d+))?: (?:executing "` + templateName + `" at (<.*?>): )?`)

// cleanError rewrites text/template's errors to name the line (and
// column) of the template body.
func cleanError(err error) error {
	msg := err.Error()
	m := templateError.FindStringSubmatchIndex(msg)
	if m == nil {
		return err
	}
	where := "line " + msg[m[2]:m[3]]
	if m[4] >= 0 {
		where += ", column " + msg[m[4]:m[5]]
	}
	if m[6] >= 0 {
		where += ", in " + msg[m[6]:m[7]]
	}
	return errors.New(where + ": " + msg[m[1]:])
}
