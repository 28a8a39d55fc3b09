package e2e

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// llmCallShapes are the calls of one round: every sender, model, provider
// and outcome, the numbers left to llmRound.
var llmCallShapes = []llmCall{
	{sender: "broadcast", template: "testdata/broadcast/live_chat_total_cost.json", op: "chat", model: "openai/gpt-4o",
		response: "openai/gpt-4o-2024-08-06", provider: "openai", user: "user_12345", priced: true},
	// This template names the cost gen_ai.usage.cost, as older Broadcast
	// spans do.
	{sender: "broadcast", template: "testdata/broadcast/chat_privacy_off.json", op: "chat", model: "anthropic/claude-3.5-sonnet",
		response: "anthropic/claude-3.5-sonnet", provider: "anthropic", user: "user_67890", priced: true},
	// A failed generation: no usage, no cost, no error.type.
	{sender: "broadcast", template: "testdata/broadcast/live_chat_total_cost.json", op: "chat", model: "openai/gpt-4o",
		provider: "openai", user: "user_12345", in: -1, errorType: "_OTHER"},
	{sender: "helicone", template: "testdata/helicone/openai_chat.json", op: "chat", model: "gpt-4o-mini",
		response: "gpt-4o-mini-2024-07-18", provider: "openai", user: "user_12345", priced: true},
	{sender: "helicone", template: "testdata/helicone/anthropic_message.json", op: "chat", model: "claude-sonnet-4-20250514",
		response: "claude-sonnet-4-20250514", provider: "anthropic", user: "user_67890", priced: true},
	// OpenAI refused the request: Helicone forwards its error response.
	{sender: "helicone", template: "testdata/helicone/openai_chat.json", op: "chat", model: "gpt-4o-mini",
		provider: "openai", user: "user_12345", in: -1, errorType: "invalid_request_error"},
	{sender: "litellm", template: "testdata/litellm/chat_openai.json", op: "chat", model: "gpt-4o",
		response: "gpt-4o", provider: "openai", user: "user_67890", priced: true},
	// A rate-limited call: LiteLLM reports zero tokens and a zero cost.
	{sender: "litellm", template: "testdata/litellm/failure.json", op: "chat", model: "gpt-4o",
		response: "gpt-4o", provider: "openai", user: "user_67890", priced: true, errorType: "RateLimitError"},
	// An application's own spans: no cost; its agent span sums the tokens
	// of the model call inside it.
	{sender: "otlp", op: "chat", model: "gemini-2.5-flash", response: "gemini-2.5-flash", provider: "gcp.gemini", user: "user_12345"},
	{sender: "otlp", op: "invoke_agent", provider: "gcp.gemini"},
}

// llmRound gives each shape reps calls with numbers of their own: tokens,
// a cost derived from them, and durations from durations in turn. The
// first round's numbers are the larger, so that a query which missed the
// first value of a series (increase() alone does) cannot pass.
func llmRound(phase, reps int, durations []time.Duration) []llmCall {
	var calls []llmCall
	for i, shape := range llmCallShapes {
		for r := 0; r < reps; r++ {
			c := shape
			c.duration = durations[r%len(durations)]
			switch {
			case shape.errorType != "" && shape.in >= 0:
				c.in, c.out = 0, 0
			case shape.in >= 0:
				c.in = int64(100*(i+1) + 37*r + 5000*(1-phase))
				c.out = int64(10*(i+1) + 7*r + 900*(1-phase))
			default:
				c.in, c.out = -1, -1
			}
			if shape.priced && shape.errorType == "" {
				c.cost = (float64(c.in)*2.5 + float64(c.out)*10) / 1e6
			}
			calls = append(calls, c)
		}
	}
	return calls
}

// llmTotals are the sums the test waits for before it reads a window.
type llmTotals struct {
	calls, durations, tokenObservations, events int
	cost                                        float64
}

func llmTotalsOf(calls []llmCall, events []llmEvent) llmTotals {
	tot := llmTotals{events: len(events)}
	for _, c := range calls {
		tot.calls++
		tot.durations++
		if withTokens(c) {
			tot.tokenObservations += 2
		}
		if priced(c) {
			tot.cost += c.cost
		}
	}
	return tot
}

// llmScrapedAt waits until Prometheus holds want and returns the time of
// its latest scrape of the collector, which holds it: nothing changes once
// all was counted.
func llmScrapedAt(t *testing.T, prom *harness.Prometheus, want llmTotals) time.Time {
	t.Helper()
	read := func(expr string) float64 {
		s := prom.Query(t, expr, time.Time{})
		if len(s) == 0 {
			return 0
		}
		return s[0].Value
	}
	var got llmTotals
	require.Eventuallyf(t, func() bool {
		if read(`count(up{job="`+harness.PrometheusJob+`"} == 1)`) != 1 {
			return false
		}
		got = llmTotals{
			calls:             int(read(`sum(otelcol_webhook_gen_ai_client_calls_total)`)),
			durations:         int(read(`sum(gen_ai_client_operation_duration_seconds_count)`)),
			tokenObservations: int(read(`sum(gen_ai_client_token_usage_count)`)),
			events:            int(read(`sum(otelcol_webhook_openrouter_events_total)`)),
			cost:              read(`sum(otelcol_webhook_gen_ai_client_cost_USD_total)`),
		}
		return got.calls == want.calls && got.durations == want.durations && got.tokenObservations == want.tokenObservations &&
			got.events == want.events && llmClose(got.cost, want.cost)
	}, 60*time.Second, 200*time.Millisecond, "Prometheus never held %+v (last %+v)", want, got)
	ts := prom.Query(t, `timestamp(up{job="`+harness.PrometheusJob+`"})`, time.Time{})
	require.Len(t, ts, 1)
	return time.UnixMilli(int64(math.Round(ts[0].Value * 1000)))
}

func llmClose(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// TestLLMMetricsDashboard runs examples/llm-metrics.yaml on the built
// distribution (listening on loopback, per-user metrics on), a real
// Prometheus scraping it every second and a collector standing in for the
// OTLP backend. It sends two rounds of known calls from every sender
// (Broadcast, Helicone, LiteLLM, an application's OTLP) and OpenRouter
// events, then evaluates every query of the Grafana dashboard through
// Prometheus' API, as Grafana would with its variables set, and compares
// each with what was sent: over the second round (the window between the
// scrapes that hold each round, so that rate() and increase() are exact)
// and, for the dashboard-range totals, over both rounds, which new series
// count from zero.
func TestLLMMetricsDashboard(t *testing.T) {
	secrets := llmSecrets{broadcastToken: "llm-metrics-broadcast-token", eventsSecret: "llm-metrics-events-secret",
		heliconeKey: "3e7a1c9f5b2d8e4a6c0f1b3d5e7a9c2f4b6d8e0a1c3f5b7d9e2a4c6f8b0d1e3a", liteLLMToken: "llm-metrics-litellm-token"}
	backendPort, webhookPort, promPort := harness.FreePort(t), harness.FreePort(t), harness.FreePort(t)
	backend := harness.StartCollector(t, fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  file/traces:
    path: {{dir}}/traces.jsonl
    flush_interval: 100ms
  file/logs:
    path: {{dir}}/logs.jsonl
    flush_interval: 100ms
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file/traces]
    logs:
      receivers: [otlp]
      exporters: [file/logs]
`, backendPort))
	harness.StartCollectorFile(t, filepath.Join(harness.RepoRoot, "examples", "llm-metrics.yaml"), []string{
		fmt.Sprintf("WEBHOOK_RECEIVER_ENDPOINT=127.0.0.1:%d", webhookPort),
		fmt.Sprintf("PROMETHEUS_ENDPOINT=127.0.0.1:%d", promPort),
		fmt.Sprintf("OTLP_ENDPOINT=http://127.0.0.1:%d", backendPort),
		"OPENROUTER_WEBHOOK_TOKEN=" + secrets.broadcastToken,
		"OPENROUTER_EVENTS_SECRET=" + secrets.eventsSecret,
		"HELICONE_WEBHOOK_KEY=" + secrets.heliconeKey,
		"LITELLM_WEBHOOK_TOKEN=" + secrets.liteLLMToken,
		"LLM_METRICS_USER_ATTRIBUTE=user.id",
	}, "--set", "service.telemetry.metrics.level=none")
	prom := harness.StartPrometheus(t, fmt.Sprintf("127.0.0.1:%d", promPort))
	dash := loadDashboard(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", webhookPort)

	roundA := llmRound(0, 1, []time.Duration{50 * time.Millisecond})
	eventsA := []llmEvent{{"credit_low_balance", "credit.low_balance"}, {"usage_threshold", "usage.threshold"}, {"model_status_change", "model.status_change"}}
	// Durations in three buckets: a p50 and a p95 in different ones.
	roundB := llmRound(1, 3, []time.Duration{300 * time.Millisecond, 900 * time.Millisecond, 3 * time.Second})
	eventsB := []llmEvent{{"credit_low_balance", "credit.low_balance"}, {"credit_low_balance", "credit.low_balance"},
		{"usage_threshold", "usage.threshold"}, {"model_status_change", "model.status_change"}}

	t0 := llmScrapedAt(t, prom, llmTotals{})
	seq := 0
	send := func(calls []llmCall, events []llmEvent) {
		for _, c := range calls {
			seq++
			llmPost(t, base, secrets, c, seq)
		}
		for _, e := range events {
			seq++
			llmPostEvent(t, base, secrets, e, seq)
		}
	}
	send(roundA, eventsA)
	tA := llmScrapedAt(t, prom, llmTotalsOf(roundA, eventsA))
	send(roundB, eventsB)
	both, bothEvents := append(slices.Clone(roundA), roundB...), append(slices.Clone(eventsA), eventsB...)
	tB := llmScrapedAt(t, prom, llmTotalsOf(both, bothEvents))
	require.True(t, t0.Before(tA) && tA.Before(tB), "scrapes at %v, %v, %v", t0, tA, tB)

	// The spans and events themselves reached the OTLP backend.
	harness.WaitForSpans(t, filepath.Join(backend.Dir, "traces.jsonl"), len(both))
	harness.WaitForRecords(t, filepath.Join(backend.Dir, "logs.jsonl"), len(bothEvents))

	checked := map[string]bool{}
	selections := []dashSelection{{}, {model: "openai/gpt-4o"}, {provider: "anthropic"}, {sender: "helicone"}, {sender: "litellm"}, {sender: "support-bot"}}
	for _, sel := range selections {
		windows := []struct {
			name      string
			from      time.Time
			calls     []llmCall
			events    []llmEvent
			rangeOnly bool
		}{
			{"second round", tA, roundB, eventsB, false},
			{"both rounds", t0, both, bothEvents, true},
		}
		for _, q := range dash.queries {
			check, ok := dashChecks[q.key()]
			require.True(t, ok, "no check for dashboard query %s: %s", q.key(), q.expr)
			checked[q.key()] = true
			isRange := queryKind(t, q)
			for _, win := range windows {
				if win.rangeOnly && !isRange {
					continue
				}
				w := llmWindow{events: win.events, seconds: tB.Sub(win.from).Seconds()}
				for _, c := range win.calls {
					if sel.matches(c) {
						w.calls = append(w.calls, c)
					}
				}
				expr := sel.substitute(t, q.expr, tB.Sub(win.from).Milliseconds())
				got := promResult(t, q, prom.Query(t, expr, tB), check.by)
				where := fmt.Sprintf("%s, %s, %s", q.key(), sel, win.name)
				if check.bucket != nil {
					want := check.bucket(w)
					require.Equal(t, sortedKeys(want), sortedKeys(got), "%s: %s", where, expr)
					for k, b := range want {
						assert.True(t, got[k] > b[0] && got[k] <= b[1], "%s: %q is %v, not in (%v, %v]", where, k, got[k], b[0], b[1])
					}
					continue
				}
				want := check.want(w)
				require.Equal(t, sortedKeys(want), sortedKeys(got), "%s: %s", where, expr)
				for k, v := range want {
					assert.True(t, llmClose(got[k], v), "%s: %q is %v, want %v", where, k, got[k], v)
				}
			}
		}
	}
	for k := range dashChecks {
		assert.True(t, checked[k], "check %s has no query in the dashboard", k)
	}
	llmCheckVariables(t, prom, dash, both)
}

// llmCheckVariables evaluates the variables' label_values queries as
// Grafana does, with All and with one sender chosen.
func llmCheckVariables(t *testing.T, prom *harness.Prometheus, dash dashboard, calls []llmCall) {
	t.Helper()
	for _, sel := range []dashSelection{{}, {sender: "helicone"}} {
		want := map[string]map[string]bool{"sender": {}, "provider": {}, "model": {}}
		for _, c := range calls {
			// Each variable is filtered by the ones before it only.
			want["sender"][llmSenders[c.sender].name] = true
			if sel.sender == "" || llmSenders[c.sender].name == sel.sender {
				want["provider"][c.provider] = true
				if c.model != "" {
					want["model"][c.model] = true
				}
			}
		}
		for _, v := range dash.variables {
			match := sel.substitute(t, v.selector, 0)
			got := prom.LabelValues(t, v.label, match)
			assert.Equal(t, sortedKeys(want[v.name]), got, "variable %s (%s): label_values(%s, %s)", v.name, sel, match, v.label)
		}
	}
}
