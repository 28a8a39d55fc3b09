package jsontok

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValid(t *testing.T) {
	for _, body := range []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12E+4`, `""`, `"a\"b\\c\/\b\f\n\r\t\u00e9\uD83D\uDE00"`,
		` {"a" : [1, {"b":null}, "x"] } `, "\t[\r\n]\n", `{"a":{"b":{"c":[[[]]]}}}`, `"\u12aB"`,
		"\"caf\xc3\xa9 \xe2\x82\xac\"", "\"\xff\"", `{"":""}`,
	} {
		assert.NoError(t, Valid([]byte(body), 64), body)
		assert.True(t, json.Valid([]byte(body)), "the reference agrees: %s", body)
	}
	for _, body := range []string{
		``, ` `, `{`, `}`, `[`, `]`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `{,"a":1}`, `{"a":1 "b":2}`,
		`[1 2]`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `tru`, `nul`, `truex`, `nulll`, `"abc`, `"\x"`, `"\u12"`,
		`"\u12g4"`, "\"a\x01\"", `{"a":1}x`, `{} {}`, `[1]]`, `'a'`, `NaN`, `{1:2}`, `[1,,2]`,
	} {
		assert.Error(t, Valid([]byte(body), 64), body)
		assert.False(t, json.Valid([]byte(body)), "the reference agrees: %q", body)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		body   string
		offset int
		msg    string
	}{
		{`{"a":1 "b":2}`, 7, `invalid character '"' after object key:value pair`},
		{`[1,2`, 4, `unexpected end of input after array element`},
		{`{"a":"b`, 7, `unexpected end of input in string literal`},
		{`{"a":1}x`, 7, `invalid character 'x' after top-level value`},
		{"[\"a\x01\"]", 3, `invalid character in string literal`},
		{`[-x]`, 2, `invalid character in numeric literal`},
	}
	for _, tt := range tests {
		err := Valid([]byte(tt.body), 64)
		var se *SyntaxError
		require.True(t, errors.As(err, &se), "%s: %v", tt.body, err)
		assert.Equal(t, tt.offset, se.Offset, tt.body)
		assert.Equal(t, tt.msg, se.Msg, tt.body)
	}
}

func TestDepth(t *testing.T) {
	body := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	err := Valid([]byte(body), 64)
	var de *DepthError
	require.True(t, errors.As(err, &de))
	assert.Equal(t, 64, de.Offset, "the offset of the 65th bracket")
	assert.EqualError(t, err, "JSON is nested more than 64 levels deep at byte 64")
	assert.NoError(t, Valid([]byte(strings.Repeat("[", 64)+strings.Repeat("]", 64)), 64))
	assert.NoError(t, Valid([]byte(`[{"a":[`+strings.Repeat(`"[[[[",`, 80)+`1]}]`), 3), "brackets in strings do not count")
}

func TestWalk(t *testing.T) {
	body := []byte(`{"name":"chat","n":-12.5e3,"ok":true,"no":false,"nil":null,"list":[1,"two",{"k":"v"}],"esc\"key":"a\nb","":1}`)
	var r Reader
	r.Reset(body, 64)
	require.True(t, r.BeginObject())
	var keys []string
	for ok := r.FirstKey(); ok; ok = r.NextKey() {
		key := string(r.Key())
		keys = append(keys, key)
		switch key {
		case "name":
			raw, info := r.Str()
			assert.Equal(t, "chat", string(raw))
			assert.Zero(t, info)
		case "n":
			assert.Equal(t, Number, r.Peek())
			assert.Equal(t, "-12.5e3", string(r.Num()))
		case "ok":
			assert.True(t, r.Bool())
		case "no":
			assert.False(t, r.Bool())
		case "nil":
			assert.Equal(t, Null, r.Peek())
			r.Null()
		case "list":
			assert.Equal(t, `[1,"two",{"k":"v"}]`, string(r.SkipRaw()))
		case `esc\"key`:
			assert.Equal(t, Escaped, r.KeyInfo())
			raw, info := r.Str()
			assert.Equal(t, Escaped, info)
			assert.Equal(t, "a\nb", string(Unescape(nil, raw)))
		default:
			r.Skip()
		}
	}
	require.NoError(t, r.End())
	assert.Equal(t, []string{"name", "n", "ok", "no", "nil", "list", `esc\"key`, ""}, keys)
	assert.Equal(t, -1, r.FirstBadUTF8())
}

func TestBadUTF8(t *testing.T) {
	body := []byte("[\"ok\",\"caf\xc3\xa9\",\"bad \xff\xfe here\",\"\xc3\x28\"]")
	var r Reader
	r.Reset(body, 64)
	require.True(t, r.BeginArray())
	var infos []StrInfo
	for ok := r.FirstElem(); ok; ok = r.NextElem() {
		_, info := r.Str()
		infos = append(infos, info)
	}
	require.NoError(t, r.End())
	assert.Equal(t, []StrInfo{0, 0, BadUTF8, BadUTF8}, infos)
	assert.Equal(t, strings.Index(string(body), "\xff"), r.FirstBadUTF8())
}

func TestUnescape(t *testing.T) {
	for _, s := range []string{
		`plain`, `a\"b`, `\\\/\b\f\n\r\t`, `\u00e9t\u00E9`, `\uD83D\uDE00`, `\uD83D`, `\uD83Dx`, `\uDE00\uD83D`,
		`\uD800\uD800\uDC00`, "bad \xff\xfe", `\u0000`, "\xe2\x82\xac \\u20ac",
	} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(`"`+s+`"`), &want), s)
		assert.Equal(t, want, string(Unescape(nil, []byte(s))), s)
	}
}

func TestKindArticle(t *testing.T) {
	var r Reader
	r.Reset([]byte(` [`), 64)
	assert.Equal(t, "an array", r.Peek().Article())
	r.Reset(nil, 64)
	assert.Equal(t, Invalid, r.Peek())
}

// TestEscapeErrors: an escape cut short by the end of the input is the end
// of the input, as encoding/json says; a bad one is the byte that spoils it.
func TestEscapeErrors(t *testing.T) {
	for body, want := range map[string]string{
		`"\u`:      "unexpected end of input in string escape code at byte 3",
		`"\u12`:    "unexpected end of input in string escape code at byte 5",
		`"\`:       "unexpected end of input in string escape code at byte 2",
		`"\u12x4"`: "invalid character in string escape code at byte 5",
		`"\x"`:     "invalid character in string escape code at byte 2",
		`"\uzzzz"`: "invalid character in string escape code at byte 3",
	} {
		require.EqualError(t, Valid([]byte(body), 10), want, body)
	}
}
