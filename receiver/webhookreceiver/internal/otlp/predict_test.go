package otlp

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// spansWith is a body of spans, each with the attribute list given.
func spansWith(lists ...string) string {
	spans := make([]string, len(lists))
	for i, l := range lists {
		spans[i] = `{"name":"s"` + attrs(l) + `}`
	}
	return `{"resourceSpans":[{"scopeSpans":[{"spans":[` + strings.Join(spans, ",") + `]}]}]}`
}

// The predictions of one list must not be disturbed by the lists nested in
// it, nor carry a span's keys or values into the next where they differ.
func TestPredictions(t *testing.T) {
	str := func(k, v string) string { return `{"key":"` + k + `","value":{"stringValue":"` + v + `"}}` }
	kvlist := func(k string, entries ...string) string {
		return `{"key":"` + k + `","value":{"kvlistValue":{"values":[` + strings.Join(entries, ",") + `]}}}`
	}
	for name, body := range map[string]string{
		"same keys and values": spansWith(
			str("a", "x")+","+str("b", "y"),
			str("a", "x")+","+str("b", "y"),
		),
		"values change": spansWith(
			str("a", "x")+","+str("b", "y"),
			str("a", "y")+","+str("b", "x")+","+str("c", "z"),
		),
		"keys change": spansWith(
			str("a", "x")+","+str("b", "y"),
			str("b", "x")+","+str("a", "y"),
			str("ab", "x")+","+str("a", "yy"),
		),
		"nested lists": spansWith(
			str("a", "x")+","+kvlist("m", str("p", "1"), str("q", "2"))+","+str("c", "z"),
			str("a", "x")+","+kvlist("m", str("q", "3"), str("a", "x"))+","+str("c", "z"),
		),
		// (A repeated key would have pdata's decoder read the body.)
		"nested list first": spansWith(
			kvlist("m", str("a", "x"), str("c", "z"))+","+str("b", "x"),
			kvlist("m", str("c", "x"))+","+str("b", "x"),
		),
		"escaped and prefixes": spansWith(
			str("a", `x\"y`)+","+str(`b\n`, "y"),
			str("a", `x\"y`)+","+str(`b\n`, "y")+","+str("a", "x"),
			str("a", `x`)+","+str(`b`, "yz"),
		),
		"long values": spansWith(
			str("a", strings.Repeat("x", 100))+","+str("b", strings.Repeat("y", 100)),
			str("a", strings.Repeat("x", 100))+","+str("b", strings.Repeat("x", 100)),
		),
	} {
		t.Run(name, func(t *testing.T) {
			want, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(body))
			require.NoError(t, err)
			for _, lenient := range []bool{true, false} {
				// Twice: a pooled decoder keeps its predictions.
				for range 2 {
					got, res, err := DecodeTraces(JSON, []byte(body), lenient)
					require.NoError(t, err)
					res.Release()
					require.Empty(t, diffTraces(want, got))
				}
			}
		})
	}
}

// A long string repeated in a body is one string in the traces; in another
// body it is a string of its own, not a view of the first body.
func TestLongStringsOncePerBody(t *testing.T) {
	prompt := strings.Repeat(`say \"hi\" `, 20)
	list := `{"key":"p","value":{"stringValue":"` + prompt + `"}}`
	body := []byte(spansWith(list, list, list))
	td, res, err := DecodeTraces(JSON, body, true)
	require.NoError(t, err)
	res.Release()
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	first, _ := spans.At(0).Attributes().Get("p")
	require.Equal(t, strings.ReplaceAll(prompt, `\"`, `"`), first.Str())
	for i := 1; i < spans.Len(); i++ {
		v, _ := spans.At(i).Attributes().Get("p")
		require.Equal(t, addr(first.Str()), addr(v.Str()), "span %d", i)
	}

	again := []byte(spansWith(list))
	td2, res, err := DecodeTraces(JSON, again, true)
	require.NoError(t, err)
	res.Release()
	v, _ := td2.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Get("p")
	require.NotEqual(t, addr(first.Str()), addr(v.Str()))
	// The strings own their bytes: rewriting the bodies changes nothing.
	for i := range body {
		body[i] = 'z'
	}
	for i := range again {
		again[i] = 'z'
	}
	require.Equal(t, strings.ReplaceAll(prompt, `\"`, `"`), first.Str())
	require.Equal(t, first.Str(), v.Str())
}

func addr(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }
