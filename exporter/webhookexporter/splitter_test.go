package webhookexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/encoding"
)

// splitterCase builds splitters over one signal and encoding.
type splitterCase struct {
	name string
	// split returns a splitter over the whole batch and over the batch from
	// item from on (a retry), both with limit.
	split func(limit, from int) (whole, rest *splitter)
	// size is the size of the whole batch in one body.
	size int
}

func splitterCases(t *testing.T) []splitterCase {
	var cases []splitterCase
	for _, cfg := range []*Config{
		encodingConfig(EncodingJSON),
		encodingConfig(EncodingProto),
		encodingConfig(EncodingNDJSON),
		templateConfig("http://127.0.0.1:1/hook", flatList, "request"),
	} {
		enc, err := newEncoder(cfg)
		require.NoError(t, err)
		traces := encoding.NewTraces(testTraces(3, 2, 7))
		logs := encoding.NewLogs(testLogs(3, 2, 7))
		metrics := encoding.NewMetrics(testMetrics(3, 2, 7))
		cases = append(cases,
			newSplitterCase(t, "traces/"+string(cfg.Encoding), traces, enc.Traces, func(from int) *encoding.Traces {
				return encoding.NewTraces(traces.Slice(from, traces.Len()))
			}),
			newSplitterCase(t, "logs/"+string(cfg.Encoding), logs, enc.Logs, func(from int) *encoding.Logs {
				return encoding.NewLogs(logs.Slice(from, logs.Len()))
			}),
			newSplitterCase(t, "metrics/"+string(cfg.Encoding), metrics, enc.Metrics, func(from int) *encoding.Metrics {
				return encoding.NewMetrics(metrics.Slice(from, metrics.Len()))
			}))
	}
	return cases
}

// newSplitterCase splits items, encoded by batchOf; rest(from) is the batch
// a retry from item from on hands back.
func newSplitterCase[I encoding.Items](t *testing.T, name string, items I, batchOf func(I) encoding.Batch, rest func(from int) I) splitterCase {
	body, err := batchOf(items).Encode(0, items.Len())
	require.NoError(t, err)
	return splitterCase{
		name: name,
		size: len(body),
		split: func(limit, from int) (*splitter, *splitter) {
			r := rest(from)
			return newSplitter(items, batchOf(items), limit, 0), newSplitter(r, batchOf(r), limit, 0)
		},
	}
}

func TestSplitterIsStableFromAnyChunk(t *testing.T) {
	for _, tc := range splitterCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			limit := tc.size / 7
			all := func(s *splitter) []chunk {
				var out []chunk
				for !s.done() {
					c, err := s.next()
					require.NoError(t, err)
					require.LessOrEqual(t, len(c.body), limit)
					out = append(out, c)
				}
				return out
			}
			s, _ := tc.split(limit, 0)
			chunks := all(s)
			require.Greater(t, len(chunks), 6)
			for k, c := range chunks {
				_, rest := tc.split(limit, c.start)
				restChunks := all(rest)
				require.Len(t, restChunks, len(chunks)-k)
				for i := range restChunks {
					assert.Equal(t, string(chunks[k+i].body), string(restChunks[i].body), "chunk %d re-split from chunk %d", k+i, k)
				}
			}
			// Each chunk is as long as possible: one more item would not fit.
			for _, c := range chunks[:len(chunks)-1] {
				body, err := s.batch.Encode(c.start, c.end+1)
				require.NoError(t, err)
				assert.Greater(t, len(body), limit)
			}
		})
	}
}

func encodingConfig(enc Encoding) *Config {
	cfg := testConfig("http://127.0.0.1:1/hook")
	cfg.Encoding = enc
	return cfg
}
