package docs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// consoleVolatile are the keys of the console's answers whose values the
// page only illustrates: IDs, times, durations, sizes, the endpoint and the
// counts that depend on the deliveries made. Their JSON type is compared.
var consoleVolatile = map[string]bool{
	"id": true, "webhook_id": true, "created_at": true, "next_attempt_at": true, "at": true,
	"duration_ms": true, "items": true, "bytes": true, "endpoint": true, "scheduled": true, "dead": true,
	"Webhook-Id": true, "Webhook-Timestamp": true,
}

// consoleUserAgents are the patterns of the User-Agent headers the page
// shows: the exporter's (the distribution's name varies) and curl's.
var consoleUserAgents = map[string]*regexp.Regexp{
	"otelcol-webhook-exporter/": regexp.MustCompile(`^otelcol-webhook-exporter/\S+ \(otelcol-webhook[\w-]*\)$`),
	"curl/":                     regexp.MustCompile(`^curl/\S+$`),
}

// moreElements stands for the page's ", ...]": more elements may follow.
const moreElements = "@@more-elements@@"

// parsePageAnswer joins an answer's comment lines and reads it as JSON.
func parsePageAnswer(t *testing.T, where string, lines []string) any {
	t.Helper()
	text := strings.Join(lines, " ")
	text = regexp.MustCompile(`,\s*\.\.\.\s*\]`).ReplaceAllString(text, `,"`+moreElements+`"]`)
	var v any
	require.NoError(t, json.Unmarshal([]byte(text), &v), "%s: the page's answer is JSON:\n%s", where, text)
	return v
}

// compareAnswer compares a real answer with the page's: the same keys in
// every object the page shows, the same JSON types, and the same values
// but for the volatile keys.
func compareAnswer(t *testing.T, where, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !assert.True(t, ok, "%s: %s is an object, got %#v", where, path, got) {
			return
		}
		assert.Equal(t, sortedKeys(w), sortedKeys(g), "%s: the keys of %s", where, path)
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				compareAnswer(t, where, path+"."+k, wv, gv)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !assert.True(t, ok, "%s: %s is an array, got %#v", where, path, got) {
			return
		}
		if n := len(w); n > 0 && w[n-1] == moreElements {
			w = w[:n-1]
			assert.GreaterOrEqual(t, len(g), len(w), "%s: the elements of %s", where, path)
		} else {
			assert.Len(t, g, len(w), "%s: the elements of %s", where, path)
		}
		for i := 0; i < len(w) && i < len(g); i++ {
			compareAnswer(t, where, fmt.Sprintf("%s[%d]", path, i), w[i], g[i])
		}
	default:
		key := path[strings.LastIndex(path, ".")+1:]
		assert.Equal(t, reflect.TypeOf(want), reflect.TypeOf(got), "%s: the JSON type of %s", where, path)
		if consoleVolatile[key] {
			return
		}
		if ws, ok := want.(string); ok && key == "User-Agent" {
			for prefix, re := range consoleUserAgents {
				if strings.HasPrefix(ws, prefix) {
					assert.Regexp(t, re, got, "%s: %s", where, path)
					return
				}
			}
		}
		assert.Equal(t, want, got, "%s: %s", where, path)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// consoleAnswer is what one curl got: its status and body.
type consoleAnswer struct {
	status int
	body   string
}

const curlStatus = "@@curl-status "

// runConsoleCurls runs the page's script with a settle function that waits
// until no delivery of the console's exporters is scheduled, and returns
// one answer per curl.
func runConsoleCurls(t *testing.T, script, api string, calls int) []consoleAnswer {
	t.Helper()
	prelude := "set -eo pipefail\n" +
		`curl() { command curl -sS --max-time 10 -w '\n` + curlStatus + `%{http_code}' "$@"; local rc=$?; printf '\n` + curlDone + `\n'; return $rc; }` + "\n" +
		// Polls (20 ms apart, 10 s at most) until nothing is scheduled.
		`settle() { for _ in $(seq 500); do command curl -sS --max-time 5 '` + api + `/exporters' | grep -q '"scheduled":[1-9]' || return 0; sleep 0.02; done; echo 'deliveries still scheduled after 10 s' >&2; return 1; }` + "\n"
	cmd := exec.Command("bash", "-c", prelude+script)
	cmd.Dir = harness.RepoRoot
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the page's commands failed:\n%s\n--- output:\n%s", script, out)
	parts := strings.Split(string(out), "\n"+curlDone+"\n")
	require.Len(t, parts, calls+1, "one answer per curl:\n%s", out)
	answers := make([]consoleAnswer, calls)
	for i, p := range parts[:calls] {
		body, status, ok := strings.Cut(p, "\n"+curlStatus)
		require.True(t, ok, "the status of answer %d:\n%s", i, p)
		answers[i].body = body
		answers[i].status, err = strconv.Atoi(strings.TrimSpace(status))
		require.NoError(t, err)
	}
	return answers
}

// consoleExporter is the single exporter entry the console lists.
func consoleExporter(api string) (map[string]any, error) {
	resp, err := http.Get(api + "/exporters")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var list struct {
		Exporters []map[string]any `json:"exporters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	if len(list.Exporters) != 1 {
		return nil, fmt.Errorf("%d exporters listed, want 1", len(list.Exporters))
	}
	return list.Exporters[0], nil
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

// otlpTrace is one OTLP JSON span, its IDs made from i.
func otlpTrace(i int) []byte {
	return fmt.Appendf(nil, `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},`+
		`"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc6%02x","spanId":"eee19b7ec3c1b1%02x","name":"GET /cart","kind":2,`+
		`"startTimeUnixNano":"1764925200000000000","endTimeUnixNano":"1764925200041000000"}]}]}]}`, i, i)
}

// postForgedGitHubDelivery sends the page's received example with curl: a
// GitHub issues event whose signature is not one GitHub makes.
func postForgedGitHubDelivery(t *testing.T, port int) {
	t.Helper()
	out, err := exec.Command("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
		"-H", "Content-Type: application/json",
		"-H", "X-GitHub-Event: issues",
		"-H", "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958",
		"-H", "X-Hub-Signature-256: sha256=forged",
		"--data-binary", `{"action":"opened","issue":{"number":1347,"title":"Found a bug"}}`,
		fmt.Sprintf("http://127.0.0.1:%d/github", port)).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "401", string(out))
}
