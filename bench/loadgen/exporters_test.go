package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

func TestNamedTargets(t *testing.T) {
	var n namedTargets
	require.NoError(t, n.Set("stock=http://127.0.0.1:1/v1/traces@42"))
	require.NoError(t, n.Set("ours=http://127.0.0.1:2/v1/traces"))
	assert.Equal(t, []string{"stock", "ours"}, n.names)
	assert.Equal(t, "http://127.0.0.1:1/v1/traces", n.urls["stock"])
	assert.Equal(t, 42, n.pids["stock"])
	assert.Equal(t, 0, n.pids["ours"], "no PID: the one collector of -alone-pid")
	assert.ErrorContains(t, n.Set("ours=http://127.0.0.1:3/"), "twice")
	assert.ErrorContains(t, n.Set("x=http://127.0.0.1:3/@pid"), "bad PID")
	assert.Error(t, n.Set("http://127.0.0.1:3/"))
}

// fakeSink answers /stats as bench/sink does, with the counts given.
func fakeSink(t *testing.T, st *atomic.Pointer[sinkStats]) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(st.Load())
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// An exporter that answered more requests than it exported fails the
// phase, by name; the floor exports nothing and is not checked.
func TestCheckExported(t *testing.T) {
	var st atomic.Pointer[sinkStats]
	st.Store(&sinkStats{Paths: map[string]int64{"/ours": 10, "/stock": 10}})
	url := fakeSink(t, &st)
	before := readSink(url)
	st.Store(&sinkStats{Paths: map[string]int64{"/ours": 15, "/stock": 14}, Connections: 3})
	targets := []*target{{name: "floor"}, {name: "stock"}, {name: "ours"}}
	rs := []loadResult{{Requests: 5}, {Requests: 5}, {Requests: 5}}
	err := checkExported("at once", url, before, targets, rs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stock answered 5 requests but exported 4 to the sink's /stock")
	assert.NotContains(t, err.Error(), "ours")
	assert.NotContains(t, err.Error(), "floor")

	rs[1].Requests = 4
	assert.NoError(t, checkExported("at once", url, before, targets, rs))
	assert.NoError(t, checkExported("at once", "", nil, targets, rs), "no sink, nothing to check")
}

// Loaded for a window, every target is loaded for all of it, however fast
// it answers: the fast one answers more requests in the same time.
func TestLoadForKeepsEveryTargetLoaded(t *testing.T) {
	var fast, slow atomic.Int64
	serve := func(n *atomic.Int64, delay time.Duration) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			n.Add(1)
			time.Sleep(delay)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	targets := []*target{
		newTarget("fast", serve(&fast, 0), 0, 2),
		newTarget("slow", serve(&slow, 20*time.Millisecond), 0, 2),
	}
	var seq atomic.Uint64
	rs := loadFor(targets, benchdata.NewProtoPayload(1), 1, &seq, 300*time.Millisecond, 2, 100)
	for i, r := range rs {
		assert.Zero(t, r.Failed, targets[i].name)
		assert.GreaterOrEqual(t, r.Seconds, 0.3, "%s: loaded for the whole window", targets[i].name)
		require.NotEmpty(t, r.ends)
		assert.GreaterOrEqual(t, r.ends[len(r.ends)-1], 300*time.Millisecond-25*time.Millisecond,
			"%s: still answering at the end of the window", targets[i].name)
	}
	assert.Greater(t, rs[0].Requests, rs[1].Requests)
	assert.Equal(t, int64(rs[0].Requests), fast.Load())
	assert.Equal(t, int64(rs[1].Requests), slow.Load())
}

// The ratios are taken round by round against the same round's stock, and
// above the floor as the exporter's own work.
func TestPrintExporters(t *testing.T) {
	round := func(floor, stock, ours float64) map[string]loadResult {
		// 100 requests of 10 spans in 1 s: µs/span is CPU seconds × 1000.
		r := func(cpu float64) loadResult {
			return loadResult{Requests: 100, Seconds: 1, CPUSeconds: cpu / 1000}
		}
		return map[string]loadResult{"floor": r(floor), "stock": r(stock), "ours": r(ours)}
	}
	res := []*exportersResult{{
		Input: "proto", Spans: 10, BodyBytes: 1000, Targets: []string{"floor", "stock", "ours"},
		AtOnce: []map[string]loadResult{round(10, 30, 20), round(10, 33, 22), round(12, 36, 20)},
		Alone:  []map[string]loadResult{round(10, 30, 15), round(10, 30, 15), round(10, 30, 15)},
	}}
	var out bytes.Buffer
	printExporters(&out, res)
	text := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{
		"stock (otlp_http, encoding json) 33.0 (30.0–36.0)",
		"CPU per span, at once, stock/x 1.50× (1.50–1.80)",
		"CPU per span above the floor, at once, stock/x 2.00× (1.92–3.00)",
		"CPU per span, in turns, stock/x 2.00× (2.00–2.00)",
	} {
		assert.Contains(t, text, want)
	}
}
