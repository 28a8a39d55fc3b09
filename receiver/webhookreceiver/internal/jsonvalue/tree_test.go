package jsonvalue_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsontok"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue"
	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/jsonvalue/jsonvaluetest"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// treeCases are bodies where a Tree must do what decoding into Go does:
// repeated names (the last wins, the whole value), names that are the same
// once unescaped or once their bytes that are not UTF-8 are replaced, names
// that collide once flattened, nulls, empty containers, deep nesting.
var treeCases = []string{
	`{"b":1,"a":{"y":true,"x":null},"c":[1,"two",{"z":[]}],"d":{}}`,
	`{"a":{"x":1},"a":{"y":2}}`,
	`{"a":1,"\u0061":"escaped a"}`,
	"{\"\xff\":1,\"\xfe\":2,\"\\ufffd\":3}",
	`{"a.b":1,"a":{"b":2}}`,
	`{"a":{"b":2},"a.b":1}`,
	`{"s":"tab\tnew\nline \ud83d\ude00 \ud83d lone","n":-0.5e-3,"big":123456789012345678901234567890,"inf":1e999}`,
	`[null,true,false,[],{}]`,
	`"just a string"`,
	`{"deep":[[[[[[[[1]]]]]]]]}`,
	`{ "spaced" : [ 1 , 2 ] , "x" : { "y" : " in string " } }`,
	"{\"<html> & \\u2028\\u2029\":\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\/ \u2028 \xff\"}",
}

// TestTreeIsDecodedJSON checks a Tree, its flattening and AppendCompact
// against encoding/json on treeCases.
func TestTreeIsDecodedJSON(t *testing.T) {
	for _, body := range treeCases {
		checkTree(t, []byte(body))
	}
}

// TestTreeMembers: an object's members in the order of their names,
// unescaped, a repeated one once with its last value.
func TestTreeMembers(t *testing.T) {
	var tr jsonvalue.Tree
	var r jsontok.Reader
	r.Reset([]byte(`{"b":"x","a":1,"b":[true],"c\u0064":null}`), 10)
	root := tr.Read(&r)
	require.NoError(t, r.End())
	require.Equal(t, jsontok.Object, tr.Kind(root))
	require.Equal(t, 3, tr.Len(root))
	var names []string
	var kinds []jsontok.Kind
	for i := 0; i < tr.Len(root); i++ {
		m := tr.Member(root, i)
		names = append(names, string(tr.NameBytes(m)))
		kinds = append(kinds, tr.Kind(m))
	}
	assert.Equal(t, []string{"a", "b", "cd"}, names)
	assert.Equal(t, []jsontok.Kind{jsontok.Number, jsontok.Array, jsontok.Null}, kinds)
	assert.Equal(t, map[string]any{"a": json.Number("1"), "b": []any{true}, "cd": nil}, tr.Any(root))
}

// TestTreeDepth: flattening refuses what is deeper than MaxDepth, naming
// the key, as PutValue does.
func TestTreeDepth(t *testing.T) {
	f := jsonvalue.Flattener{MaxDepth: 3}
	var tr jsonvalue.Tree
	var r jsontok.Reader
	r.Reset([]byte(`{"a":[[[[1]]]]}`), 100)
	root := tr.Read(&r)
	require.NoError(t, r.End())
	err := f.PutNode(pcommon.NewMap(), "p", &tr, root, 1)
	require.EqualError(t, err, "p.a: nested more than 3 levels")
}

// FuzzTree is the differential judge of Tree and the Flattener: for every
// JSON body, a Tree's Any is what encoding/json decodes, PutNode and SetNode
// give the attributes PutValue and SetValue give from that, in the same
// order, Put and Set on the tokenizer what they gave on encoding/json's
// Decoder, Unquote reads a string as encoding/json does, AppendCompact
// writes what json.Compact writes and AppendJSON what json.Marshal writes.
func FuzzTree(f *testing.F) {
	for _, body := range treeCases {
		f.Add([]byte(body))
	}
	harness.SeedCorpus(f, filepath.Join("..", "..", "..", "..", "testdata", "litellm", "*.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		checkTree(t, body)
	})
}

func checkTree(t *testing.T, body []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var want any
	require.NoError(t, dec.Decode(&want))

	var tr jsonvalue.Tree
	var r jsontok.Reader
	r.Reset(body, 10000)
	root := tr.Read(&r)
	require.NoError(t, r.End())
	require.Equal(t, want, tr.Any(root))
	if text, ok := want.(string); ok {
		require.Equal(t, text, jsonvalue.Unquote(bytes.TrimSpace(body)))
	}
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	require.Equal(t, string(wantJSON), string(tr.AppendJSON(nil, root)))

	for _, fl := range []jsonvalue.Flattener{{SkipNull: true, MaxDepth: 4}, {MaxDepth: 64}} {
		wantMap, gotMap := pcommon.NewMap(), pcommon.NewMap()
		wantErr := jsonvaluetest.PutValue(fl, wantMap, "p", want, 1)
		gotErr := fl.PutNode(gotMap, "p", &tr, root, 1)
		require.Equal(t, wantErr, gotErr)
		require.Equal(t, wantMap.AsRaw(), gotMap.AsRaw())
		require.Equal(t, keys(wantMap), keys(gotMap), "the same order")

		wantVal, gotVal := pcommon.NewValueEmpty(), pcommon.NewValueEmpty()
		require.Equal(t, jsonvaluetest.SetValue(fl, wantVal, want, "p", 1), fl.SetNode(gotVal, &tr, root, "p", 1))
		require.Equal(t, wantVal.AsRaw(), gotVal.AsRaw())

		// Put and Set on the tokenizer put what they put on a Decoder.
		dec = json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		wantMap, gotMap = pcommon.NewMap(), pcommon.NewMap()
		wantErr = jsonvaluetest.Put(fl, wantMap, "p", dec, "x", 1)
		r.Reset(body, 10000)
		gotErr = fl.Put(gotMap, "p", &r, "x", 1)
		require.Equal(t, wantErr, gotErr)
		if gotErr == nil {
			require.NoError(t, r.End())
		}
		require.Equal(t, wantMap.AsRaw(), gotMap.AsRaw())
		require.Equal(t, keys(wantMap), keys(gotMap), "the same order")

		dec = json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		wantVal, gotVal = pcommon.NewValueEmpty(), pcommon.NewValueEmpty()
		wantErr = jsonvaluetest.Set(fl, wantVal, dec, "x", 1)
		r.Reset(body, 10000)
		require.Equal(t, wantErr, fl.Set(gotVal, &r, "x", 1))
		require.Equal(t, wantVal.AsRaw(), gotVal.AsRaw())
	}

	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, body))
	require.Equal(t, compact.String(), string(jsonvalue.AppendCompact(nil, body)))
}

func keys(m pcommon.Map) []string {
	var ks []string
	m.Range(func(k string, _ pcommon.Value) bool {
		ks = append(ks, k)
		return true
	})
	return ks
}
