package jsonstr

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// encodingJSON is s as encoding/json writes it with HTML escaping off,
// without the quotes, with \b and \f written as \u0008 and \u000c as this
// package writes them: the definition AppendEscaped keeps to.
func encodingJSON(t testing.TB, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	quoted := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	quoted = quoted[1 : len(quoted)-1]
	out := make([]byte, 0, len(quoted))
	for i := 0; i < len(quoted); i++ {
		if quoted[i] != '\\' {
			out = append(out, quoted[i])
			continue
		}
		i++ // an escape is a backslash and what follows it
		switch quoted[i] {
		case 'b':
			out = append(out, `\u0008`...)
		case 'f':
			out = append(out, `\u000c`...)
		default:
			out = append(out, '\\', quoted[i])
		}
	}
	return out
}

// FuzzAppendEscaped holds AppendEscaped to encoding/json's output (as
// encodingJSON defines it) and, byte for byte, to the escaper it replaced
// (reference_test.go), appending to buffers of every kind: empty, with
// bytes before, with room to spare or none.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{
		"", "plain", `quote " and backslash \`, "control \x00\x01\x1f\x7f", "\b\f\n\r\t",
		"é日本🙂", "\u2028\u2029", "<script>&amp;</script>", "\xff", "ok\xc3", "a\xe6\x97b", "\xed\xa0\x80",
		`[{"role":"system","content":"You are a helpful support agent."},{"role":"user","content":"Why is my invoice higher this month?"}]`,
		"Notre nouveau tableau de bord affiche chaque requête, sa latence et son coût, regroupés par modèle et par équipe.",
		"- The database failover took 4 minutes because the replica lagged.\n- Alerts fired but paged the wrong rotation.",
		strings.Repeat("a", 7) + `"`, strings.Repeat("b", 9) + "\x00", strings.Repeat(`"`, 17),
	} {
		f.Add(s, uint8(0), uint8(0))
		f.Add(s, uint8(5), uint8(40))
	}
	f.Fuzz(func(t *testing.T, s string, prefix, spare uint8) {
		head := bytes.Repeat([]byte{'x'}, int(prefix))
		b := make([]byte, len(head), len(head)+int(spare))
		copy(b, head)
		got := AppendEscaped(b, s)
		if !bytes.Equal(got[:len(head)], head) {
			t.Fatalf("%q: the bytes before were changed: %q", s, got[:len(head)])
		}
		got = got[len(head):]
		if want := encodingJSON(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, encoding/json writes %q", s, got, want)
		}
		if want := referenceAppendEscaped(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, the escaper it replaced writes %q", s, got, want)
		}
	})
}
