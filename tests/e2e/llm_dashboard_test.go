package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// llmDashboardFile is the Grafana dashboard the test evaluates.
const llmDashboardFile = "deploy/grafana/llm-overview.json"

// dashQuery is one query of the dashboard: a panel's target or a variable.
type dashQuery struct {
	panel, refID, expr string
}

func (q dashQuery) key() string { return q.panel + "/" + q.refID }

// dashVariable is a query variable: label_values(selector, label).
type dashVariable struct {
	name, selector, label string
}

// dashboard is what the test reads from the dashboard JSON.
type dashboard struct {
	queries   []dashQuery
	variables []dashVariable
}

var labelValuesRef = regexp.MustCompile(`^label_values\((.+), *([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// loadDashboard parses the dashboard and checks what a Grafana import
// needs: the datasource variable on every panel and target, and the
// sender, provider and model variables.
func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	var raw struct {
		SchemaVersion int `json:"schemaVersion"`
		Templating    struct {
			List []struct {
				Type, Name, Definition string
				Query                  json.RawMessage
				AllValue               string `json:"allValue"`
				IncludeAll             bool   `json:"includeAll"`
				Multi                  bool   `json:"multi"`
			} `json:"list"`
		} `json:"templating"`
		Panels []struct {
			Type, Title string
			Datasource  struct{ Type, UID string }
			Targets     []struct {
				RefID      string `json:"refId"`
				Expr       string `json:"expr"`
				Datasource struct{ Type, UID string }
			}
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(harness.ReadRepoFile(t, llmDashboardFile), &raw))
	require.GreaterOrEqual(t, raw.SchemaVersion, 41, "a current Grafana schema")

	var d dashboard
	var names []string
	for _, v := range raw.Templating.List {
		names = append(names, v.Name)
		switch v.Type {
		case "datasource":
			require.Equal(t, "datasource", v.Name)
			require.JSONEq(t, `"prometheus"`, string(v.Query))
		case "query":
			m := labelValuesRef.FindStringSubmatch(v.Definition)
			require.NotNil(t, m, "variable %s: %q is not label_values(selector, label)", v.Name, v.Definition)
			require.True(t, v.IncludeAll && v.Multi && v.AllValue == ".*", "variable %s: multi-value with All as .*", v.Name)
			d.variables = append(d.variables, dashVariable{name: v.Name, selector: m[1], label: m[2]})
		default:
			require.Failf(t, "unexpected variable", "%s of type %s", v.Name, v.Type)
		}
	}
	require.Equal(t, []string{"datasource", "sender", "provider", "model"}, names)

	for _, p := range raw.Panels {
		if p.Type == "row" {
			continue
		}
		require.Equal(t, "prometheus", p.Datasource.Type, p.Title)
		require.Equal(t, "${datasource}", p.Datasource.UID, p.Title)
		require.NotEmpty(t, p.Targets, p.Title)
		for _, tg := range p.Targets {
			require.Equal(t, "${datasource}", tg.Datasource.UID, "%s/%s", p.Title, tg.RefID)
			d.queries = append(d.queries, dashQuery{panel: p.Title, refID: tg.RefID, expr: tg.Expr})
		}
	}
	return d
}

// dashSelection is a choice of the sender, provider and model variables;
// an empty field is All.
type dashSelection struct {
	sender, provider, model string
}

func (s dashSelection) String() string {
	return fmt.Sprintf("sender=%q provider=%q model=%q", s.sender, s.provider, s.model)
}

// value is what Grafana puts for a variable: .* for All, else the value
// escaped for a regular expression inside a PromQL string.
func dashValue(v string) string {
	if v == "" {
		return ".*"
	}
	return strings.ReplaceAll(regexp.QuoteMeta(v), `\`, `\\`)
}

// substitute replaces the dashboard's variables and Grafana's interval
// variables as Grafana would for a window of windowMs milliseconds.
func (s dashSelection) substitute(t *testing.T, expr string, windowMs int64) string {
	t.Helper()
	window := fmt.Sprintf("%dms", windowMs)
	out := strings.NewReplacer(
		"$__rate_interval", window,
		"$__range", window,
		"$sender", dashValue(s.sender),
		"$provider", dashValue(s.provider),
		"$model", dashValue(s.model),
	).Replace(expr)
	require.NotContains(t, out, "$", "a variable the test does not know: %s", expr)
	return out
}

// matches reports whether a call is in the selection.
func (s dashSelection) matches(c llmCall) bool {
	return (s.sender == "" || llmSenders[c.sender].name == s.sender) &&
		(s.provider == "" || c.provider == s.provider) &&
		(s.model == "" || c.model == s.model)
}

// queryKind says over which window a query is evaluated: $__range
// queries (totals over the dashboard's range) also over the whole test,
// $__rate_interval queries over the second phase only.
func queryKind(t *testing.T, q dashQuery) (rangeQuery bool) {
	t.Helper()
	hasRange, hasRate := strings.Contains(q.expr, "$__range"), strings.Contains(q.expr, "$__rate_interval")
	require.True(t, hasRange != hasRate, "%s: a query reads over $__range or $__rate_interval: %s", q.key(), q.expr)
	return hasRange
}

// promResult reads a query's answer into label values (joined by ",") ->
// value, checking that no two elements have the same labels.
func promResult(t *testing.T, q dashQuery, samples []harness.PromSample, by []string) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	for _, s := range samples {
		var parts []string
		for _, l := range by {
			parts = append(parts, s.Labels[l])
		}
		k := strings.Join(parts, ",")
		_, dup := got[k]
		require.False(t, dup, "%s: two results for %q: %v", q.key(), k, samples)
		got[k] = s.Value
	}
	return got
}

// sortedKeys lists a map's keys in order, for messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
