package jsonstr

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendStringDecodesToTheSameText(t *testing.T) {
	cases := []string{
		"", "plain", `quote " and backslash \`, "control \x00\x01\x1f\x7f", "\b\f\n\r\t",
		"é日本🙂", "\u2028\u2029", "<script>&amp;</script>",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune{'a', '"', '\\', '\n', '\x00', '\x1f', 'é', '日', '🙂', '\u2028', '<'}
	for range 500 {
		var sb strings.Builder
		for range rng.IntN(40) {
			sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, sb.String())
	}
	for _, s := range cases {
		out := Append(nil, s)
		var got string
		require.NoError(t, json.Unmarshal(out, &got), "%q encoded as %s", s, out)
		assert.Equal(t, s, got)
		assert.NotContains(t, string(out), "\n", "a row stays on one line")
	}
}

// The eight-bytes-at-a-time skip sees a special character at any position.
func TestAppendStringFindsSpecialsAtEveryPosition(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\x00", "\x1f", "\n", "é", "\u2028", "\xff"} {
		for pos := range 20 {
			s := strings.Repeat("a", pos) + special + strings.Repeat("b", 20-pos)
			out := Append(nil, s)
			var got string
			require.NoError(t, json.Unmarshal(out, &got), "%q encoded as %s", s, out)
			want := strings.ToValidUTF8(s, "\ufffd")
			assert.Equal(t, want, got, "%q", s)
		}
	}
}

func TestAppendStringReplacesInvalidUTF8(t *testing.T) {
	for _, s := range []string{"\xff", "ok\xc3", "a\xe6\x97b", "\xed\xa0\x80"} {
		out := Append(nil, s)
		require.True(t, json.Valid(out), "%q encoded as %s", s, out)
		want, err := json.Marshal(s)
		require.NoError(t, err)
		var got, wantText string
		require.NoError(t, json.Unmarshal(out, &got))
		require.NoError(t, json.Unmarshal(want, &wantText))
		assert.Equal(t, wantText, got, "the same text as encoding/json: U+FFFD for each bad byte")
	}
}

func TestAppendRoundTrips(t *testing.T) {
	in := "quote \" backslash \\ newline \n tab \t nul \x00 bell \x07 unicode é 😀"
	out := Append(nil, in)
	var back string
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, in, back)
}

// Two bytes that need care in one word, at every pair of positions: the
// word test jumps to the first, and a borrow from it (a control character
// before a space) does not hide or invent the second.
func TestAppendStringFindsEveryPairOfSpecials(t *testing.T) {
	specials := []string{"\x00", "\x1f", `"`, `\`, "é", "\xff", " "}
	for _, first := range specials {
		for _, second := range specials {
			for i := range 10 {
				for j := i + 1; j < 12; j++ {
					s := []byte(strings.Repeat("a", 16))
					s = append(append(append(s[:i:i], first...), strings.Repeat("b", j-i-1)...), second...)
					s = append(s, strings.Repeat("c", 9)...)
					out := Append(nil, string(s))
					var got string
					require.NoError(t, json.Unmarshal(out, &got), "%q encoded as %s", s, out)
					assert.Equal(t, string([]rune(string(s))), got, "%q: U+FFFD for each bad byte", s)
				}
			}
		}
	}
}
