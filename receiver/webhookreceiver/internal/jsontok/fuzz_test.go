package jsontok

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// FuzzReader checks the tokenizer against encoding/json: the same bodies
// are JSON, strings unescape to the same text, and the first byte that is
// not UTF-8 inside a string is found.
func FuzzReader(f *testing.F) {
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "broadcast", "*.json"))
	for _, s := range []string{`{"a":[1,-2.5e3,true,null,"x\u00e9\n"]}`, `"\uD83D\uDE00\uD83D"`, "\"\xff\xc3\x28\"", `[01]`, `{"a":1,}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		// encoding/json allows 10000 levels.
		err := Valid(body, 10000)
		require.Equal(t, json.Valid(body), err == nil, "Valid: %v", err)
		if err != nil {
			return
		}
		var r Reader
		r.Reset(body, 10000)
		// The reads ahead agree with the reads.
		switch r.Peek() {
		case String:
			raw, info, next, ok := r.StrAt(r.Pos())
			var s Reader
			s.Reset(body, 10000)
			sraw, sinfo := s.Str()
			require.True(t, ok)
			require.Equal(t, sraw, raw)
			require.Equal(t, sinfo, info)
			require.Equal(t, s.Pos(), next)
		case Number:
			tok, next, ok := r.NumAt(r.Pos())
			var s Reader
			s.Reset(body, 10000)
			require.True(t, ok)
			require.Equal(t, s.Num(), tok)
			require.Equal(t, s.Pos(), next)
		}
		if r.Peek() == String {
			raw, info := r.Str()
			var want string
			require.NoError(t, json.Unmarshal(body, &want))
			require.Equal(t, want, string(Unescape(nil, raw)))
			require.Equal(t, info&Escaped != 0, containsByte(raw, '\\'))
			require.Equal(t, info&BadUTF8 != 0, !utf8.Valid(raw))
			return
		}
		r.Skip()
		require.NoError(t, r.End())
		bad := r.FirstBadUTF8()
		if utf8.Valid(body) {
			require.Equal(t, -1, bad)
		} else {
			// Outside strings, such a byte is a syntax error.
			require.Equal(t, firstInvalid(body), bad)
		}
	})
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
