package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// bodyCapture copies the start of a request body, up to limit bytes, as
// the handler reads it (after confighttp decompressed it).
type bodyCapture struct {
	io.ReadCloser
	limit int
	buf   []byte
	// size is how many bytes the handler read; read whether it read.
	size int
	read bool
}

func (b *bodyCapture) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read = true
	b.size += n
	if room := b.limit - len(b.buf); room > 0 && n > 0 {
		b.buf = append(b.buf, p[:min(n, room)]...)
	}
	return n, err
}

// senderContentFields are the fields of a sender's own format whose values
// become the content attributes redact_content removes (helicone.request_body
// and the others from Helicone's request_body, response_body and
// request_response_url; litellm.messages and litellm.response from LiteLLM's
// messages and response).
var senderContentFields = map[string]map[string]bool{
	senderHelicone: {"request_body": true, "response_body": true, "request_response_url": true},
	senderLiteLLM:  {"messages": true, "response": true},
}

// captureBody puts the captured start of the body into rec: with the
// route's content removed where it redacts, cut at bodyBytes, and only when
// it is text.
func (c *consoleLog) captureBody(rec *console.Received, b *bodyCapture, redacts bool, rt *route) {
	if b == nil {
		return
	}
	omit := func(why string) {
		empty := ""
		rec.Body, rec.BodySize, rec.BodyOmitted = &empty, b.size, why
	}
	if !b.read {
		omit("the receiver answered before reading it")
		return
	}
	data, whole := b.buf, b.size == len(b.buf)
	if redacts && len(data) > 0 {
		var fields map[string]bool
		if rt != nil {
			fields = senderContentFields[rt.sender]
		}
		red, err := redactContent(data, fields)
		if !whole || err != nil {
			omit("the route removes prompt and completion content (redact_content) and this body is not JSON it can remove them from")
			return
		}
		data = red
	}
	truncated := !whole
	if len(data) > c.bodyBytes {
		data, truncated = data[:c.bodyBytes], true
	}
	if truncated {
		data = trimPartialRune(data)
	}
	if !utf8.Valid(data) {
		omit(fmt.Sprintf("it is not UTF-8 text (Content-Type %q)", rec.Headers.Get("Content-Type")))
		return
	}
	text := string(data)
	rec.Body, rec.BodySize, rec.BodyTruncated = &text, b.size, truncated
}

// trimPartialRune drops a UTF-8 sequence cut short at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

var errNotJSON = errors.New("not a JSON document")

// redactContent returns the JSON document data, written compactly, without
// the members named as content attributes (gen_ai.prompt, ...) or in fields,
// and without the OTLP attributes ({"key": "gen_ai.prompt", ...}) of such
// names, at any depth.
func redactContent(data []byte, fields map[string]bool) ([]byte, error) {
	if !json.Valid(data) {
		return nil, errNotJSON
	}
	var out bytes.Buffer
	if err := redactValue(&out, bytes.TrimSpace(data), fields); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func redactValue(out *bytes.Buffer, raw []byte, fields map[string]bool) error {
	switch raw[0] {
	case '{':
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if _, err := dec.Token(); err != nil {
			return err
		}
		out.WriteByte('{')
		first := true
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := t.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return err
			}
			if genai.IsContentKey(key) || fields[key] {
				continue
			}
			if !first {
				out.WriteByte(',')
			}
			first = false
			k, _ := json.Marshal(key)
			out.Write(k)
			out.WriteByte(':')
			if err := redactValue(out, v, fields); err != nil {
				return err
			}
		}
		out.WriteByte('}')
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return err
		}
		out.WriteByte('[')
		first := true
		for _, e := range elems {
			if isContentAttribute(e) {
				continue
			}
			if !first {
				out.WriteByte(',')
			}
			first = false
			if err := redactValue(out, e, fields); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	default:
		// A string, number, true, false or null, as written.
		out.Write(raw)
	}
	return nil
}

// isContentAttribute reports whether e is an OTLP attribute whose key is a
// content attribute.
func isContentAttribute(e json.RawMessage) bool {
	if len(e) == 0 || e[0] != '{' {
		return false
	}
	var attr struct {
		Key string `json:"key"`
	}
	return json.Unmarshal(e, &attr) == nil && genai.IsContentKey(attr.Key)
}
