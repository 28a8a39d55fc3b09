package e2e

import (
	"math"
	"slices"
)

// llmWindow is what was sent within the window a query is evaluated over:
// the calls in the dashboard's selection, the events, and the window's
// length.
type llmWindow struct {
	calls   []llmCall
	events  []llmEvent
	seconds float64
}

// dashCheck is what one dashboard query must return: the labels its
// results are told apart by, and either exact values or, for quantiles,
// the bucket (lower, upper] each value must fall in.
type dashCheck struct {
	by     []string
	want   func(w llmWindow) map[string]float64
	bucket func(w llmWindow) map[string][2]float64
}

const (
	byModel    = "gen_ai_request_model"
	byProvider = "gen_ai_provider_name"
)

// sumBy adds value(c) over the calls that count, keyed by key(c).
func sumBy(w llmWindow, counts func(llmCall) bool, key func(llmCall) string, value func(llmCall) float64) map[string]float64 {
	out := map[string]float64{}
	for _, c := range w.calls {
		if counts(c) {
			out[key(c)] += value(c)
		}
	}
	return out
}

func scaled(m map[string]float64, f float64) map[string]float64 {
	for k := range m {
		m[k] *= f
	}
	return m
}

// The rules of examples/llm-metrics.yaml: every GenAI span is a call; its
// cost and tokens count unless it is an agent or workflow span.
func anyCall(llmCall) bool        { return true }
func failed(c llmCall) bool       { return c.errorType != "" }
func priced(c llmCall) bool       { return c.priced && !c.wrapper() }
func withTokens(c llmCall) bool   { return c.in >= 0 && !c.wrapper() }
func one(llmCall) float64         { return 1 }
func cost(c llmCall) float64      { return c.cost }
func inTokens(c llmCall) float64  { return float64(c.in) }
func outTokens(c llmCall) float64 { return float64(c.out) }
func all(llmCall) string          { return "" }
func model(c llmCall) string      { return c.model }
func provider(c llmCall) string   { return c.provider }
func user(c llmCall) string       { return c.user }

// total is a stat panel's sum, 0 (vector(0)) when nothing counts.
func total(counts func(llmCall) bool, value func(llmCall) float64) func(llmWindow) map[string]float64 {
	return func(w llmWindow) map[string]float64 {
		return map[string]float64{"": sumBy(w, counts, all, value)[""]}
	}
}

// durationBuckets are the semantic conventions' boundaries of
// gen_ai.client.operation.duration.
var durationBuckets = []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}

// quantileBucket is the bucket histogram_quantile(q, ...) interpolates in
// for each model: the first whose cumulative count reaches q of the total.
func quantileBucket(q float64) func(w llmWindow) map[string][2]float64 {
	return func(w llmWindow) map[string][2]float64 {
		byModelDurations := map[string][]float64{}
		for _, c := range w.calls {
			byModelDurations[c.model] = append(byModelDurations[c.model], c.duration.Seconds())
		}
		out := map[string][2]float64{}
		for m, ds := range byModelDurations {
			slices.Sort(ds)
			rank := q * float64(len(ds))
			lower := 0.0
			for _, upper := range append(durationBuckets, math.Inf(1)) {
				n := 0
				for _, d := range ds {
					if d <= upper {
						n++
					}
				}
				if float64(n) >= rank {
					out[m] = [2]float64{lower, upper}
					break
				}
				lower = upper
			}
		}
		return out
	}
}

// dashChecks holds a check for every query of the dashboard, by
// "panel title/refId"; the test fails on a query without one and on a
// check without its query.
var dashChecks = map[string]dashCheck{
	"Spend today/A":             {want: total(priced, cost)},
	"Calls and errors today/A":  {want: total(anyCall, one)},
	"Calls and errors today/B":  {want: total(failed, one)},
	"Spend today by model/A":    {by: []string{byModel}, want: func(w llmWindow) map[string]float64 { return sumBy(w, priced, model, cost) }},
	"Spend today by provider/A": {by: []string{byProvider}, want: func(w llmWindow) map[string]float64 { return sumBy(w, priced, provider, cost) }},
	"Spend today by user (top 10)/A": {by: []string{"user_id"}, want: func(w llmWindow) map[string]float64 {
		return sumBy(w, func(c llmCall) bool { return priced(c) && c.user != "" }, user, cost)
	}},
	"Spend by model (USD per hour)/A": {by: []string{byModel}, want: func(w llmWindow) map[string]float64 {
		return scaled(sumBy(w, priced, model, cost), 3600/w.seconds)
	}},
	"Spend by provider (USD per hour)/A": {by: []string{byProvider}, want: func(w llmWindow) map[string]float64 {
		return scaled(sumBy(w, priced, provider, cost), 3600/w.seconds)
	}},
	"Cost per call by model/A": {by: []string{byModel}, want: func(w llmWindow) map[string]float64 {
		spend, calls := sumBy(w, priced, model, cost), sumBy(w, anyCall, model, one)
		for m := range spend {
			spend[m] /= calls[m]
		}
		return spend
	}},
	"Input tokens by model (per minute)/A": {by: []string{byModel}, want: func(w llmWindow) map[string]float64 {
		return scaled(sumBy(w, withTokens, model, inTokens), 60/w.seconds)
	}},
	"Output tokens by model (per minute)/A": {by: []string{byModel}, want: func(w llmWindow) map[string]float64 {
		return scaled(sumBy(w, withTokens, model, outTokens), 60/w.seconds)
	}},
	"Calls by model (per minute)/A": {by: []string{byModel}, want: func(w llmWindow) map[string]float64 {
		return scaled(sumBy(w, anyCall, model, one), 60/w.seconds)
	}},
	"Error rate by model and error.type/A": {by: []string{byModel, "error_type"}, want: func(w llmWindow) map[string]float64 {
		calls, out := sumBy(w, anyCall, model, one), map[string]float64{}
		for _, c := range w.calls {
			if failed(c) {
				out[c.model+","+c.errorType] += 1 / calls[c.model]
			}
		}
		return out
	}},
	"Latency p50 and p95 by model/A": {by: []string{byModel}, bucket: quantileBucket(0.5)},
	"Latency p50 and p95 by model/B": {by: []string{byModel}, bucket: quantileBucket(0.95)},
	"OpenRouter events over time/A":  {by: []string{"openrouter_event_type"}, want: eventsByType},
	"OpenRouter events by type/A":    {by: []string{"openrouter_event_type"}, want: eventsByType},
}

func eventsByType(w llmWindow) map[string]float64 {
	out := map[string]float64{}
	for _, e := range w.events {
		out[e.typ]++
	}
	return out
}
