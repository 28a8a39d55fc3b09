package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// exampleRow matches a row of the table of examples/README.md: its first
// cell (the files) and its last (the distribution the files need).
var exampleRow = regexp.MustCompile(`^\|(.*)\|.*\|\s*(\S*)\s*\|\s*$`)

var yamlLinkTarget = regexp.MustCompile(`\]\(([^)#]+\.yaml)\)`)

// exampleDistributions reads which distribution each example needs from the
// table of examples/README.md: "lean" or "full" in its last column.
func exampleDistributions(t *testing.T, readme mdFile) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range readme.prose() {
		row := exampleRow.FindStringSubmatch(line)
		if row == nil {
			continue
		}
		files := yamlLinkTarget.FindAllStringSubmatch(row[1], -1)
		if len(files) == 0 {
			continue
		}
		for _, f := range files {
			out["examples/"+f[1]] = strings.Trim(row[2], "`*")
		}
	}
	return out
}

// binaryOf is the binary of a distribution named in the docs.
func binaryOf(t *testing.T, dist string) string {
	t.Helper()
	switch dist {
	case "lean":
		return harness.LeanBin
	case "full":
		return harness.CollectorBin
	}
	require.Failf(t, "unknown distribution", "%q is neither lean nor full", dist)
	return ""
}

// validateFile validates a configuration file of the repository with bin,
// the environment variables it names set to sample values.
func validateFile(t *testing.T, bin, rel string) (int, string) {
	t.Helper()
	text := string(harness.ReadRepoFile(t, rel))
	return harness.Validate(t, bin, filepath.Join(harness.RepoRoot, filepath.FromSlash(rel)), harness.ConfigEnv(t, text))
}

// TestExamplesValidateWithTheirDistribution: every examples/*.yaml has a row
// in examples/README.md naming the distribution it needs; it validates with
// that one, and one said to need the full distribution is refused by the
// lean one (so the row names what it really needs).
func TestExamplesValidateWithTheirDistribution(t *testing.T) {
	dists := exampleDistributions(t, readMarkdown(t, "examples/README.md"))
	matches, err := filepath.Glob(filepath.Join(harness.RepoRoot, "examples", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, matches)
	var lean int
	for _, m := range matches {
		rel := "examples/" + filepath.Base(m)
		t.Run(rel, func(t *testing.T) {
			dist, ok := dists[rel]
			require.True(t, ok, "%s has no row in examples/README.md naming the distribution it needs", rel)
			code, out := validateFile(t, binaryOf(t, dist), rel)
			require.Equal(t, 0, code, "validate %s with the %s distribution:\n%s", rel, dist, out)
			if dist == "full" {
				code, _ := validateFile(t, harness.LeanBin, rel)
				assert.NotEqual(t, 0, code, "%s validates with the lean distribution: say so in examples/README.md", rel)
			} else {
				lean++
			}
		})
	}
	for rel := range dists {
		assert.FileExists(t, filepath.Join(harness.RepoRoot, rel), "examples/README.md names a file that does not exist")
	}
	assert.Positive(t, lean, "some example runs on the lean distribution")
}

// TestDefaultAndBenchConfigsValidate: config/default.yaml (`make run`)
// validates with the lean distribution and the full one (the container image
// runs it), and the configurations of `make bench` with the full one.
func TestDefaultAndBenchConfigsValidate(t *testing.T) {
	configs := map[string][]string{"config/default.yaml": {"lean", "full"}}
	bench, err := filepath.Glob(filepath.Join(harness.RepoRoot, "bench", "config", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, bench)
	for _, b := range bench {
		configs["bench/config/"+filepath.Base(b)] = []string{"full"}
	}
	for rel, dists := range configs {
		for _, dist := range dists {
			t.Run(fmt.Sprintf("%s/%s", rel, dist), func(t *testing.T) {
				code, out := validateFile(t, binaryOf(t, dist), rel)
				require.Equal(t, 0, code, "validate %s with the %s distribution:\n%s", rel, dist, out)
			})
		}
	}
}

// TestExamplesValidateRejectsBrokenCopies proves the checks above can fail: a copy of an example with one mistake makes validate exit
// non-zero with a message naming the key.
func TestExamplesValidateRejectsBrokenCopies(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{
			name: "method PATCH",
			file: "examples/signed-webhook-persistent-queue.yaml",
			old:  "    method: POST\n", new: "    method: PATCH\n",
			want: `"method" must be POST or PUT, got "PATCH"`,
		},
		{
			name: "unknown signature key",
			file: "examples/signed-webhook-persistent-queue.yaml",
			old:  "      scheme: standard_webhooks\n", new: "      scheme: standard_webhooks\n      secrett: x\n",
			want: "secrett",
		},
		{
			name: "unknown memory_limiter key",
			file: "examples/openrouter-to-otlp.yaml",
			old:  "    check_interval: 1s\n", new: "    check_intervall: 1s\n",
			want: "check_intervall",
		},
		{
			name: "unknown dedup key",
			file: "examples/gateway.yaml",
			old:  "      max_entries: 100000\n", new: "      max_entrys: 100000\n",
			want: "max_entrys",
		},
		{
			name: "unknown load_balancing routing key",
			file: "examples/gateway-loadbalancer.yaml",
			old:  "\n    routing_key: traceID\n", new: "\n    routing_key: traceID\n    routing_kee: service\n",
			want: "routing_kee",
		},
		{
			// confighttp reads its squashed settings leniently; the webhook
			// components refuse unknown keys themselves.
			name: "misspelt key at the top of the webhook receiver",
			file: "examples/openrouter-to-otlp.yaml",
			old:  "    required_headers:\n", new: "    requird_headers:\n",
			want: "unknown configuration keys (misspelt?): requird_headers",
		},
		{
			name: "misspelt key in the webhook exporter's retry_on_failure",
			file: "examples/signed-webhook-persistent-queue.yaml",
			old:  "    retry_on_failure:\n", new: "    retry_on_failure:\n      max_elapsed_tme: 1h\n",
			want: "retry_on_failure::max_elapsed_tme",
		},
		{
			// signal_to_metrics parses its OTTL when the config is validated.
			name: "unknown OTTL function in a signal_to_metrics value",
			file: "examples/llm-metrics.yaml",
			old:  "value: Seconds(span.end_time - span.start_time)", new: "value: Secnds(span.end_time - span.start_time)",
			want: "Secnds",
		},
		{
			name: "retry_on_failure turned on beside delivery",
			file: "examples/reliable-webhook-delivery.yaml",
			old:  "    delivery:\n", new: "    retry_on_failure:\n      enabled: true\n    delivery:\n",
			want: `"retry_on_failure::enabled: true" cannot be set together with "delivery"`,
		},
		{
			name: "empty delivery schedule",
			file: "examples/reliable-webhook-delivery.yaml",
			old:  "      schedule: [5s, 5m, 30m, 2h, 5h, 10h, 10h]\n", new: "      schedule: []\n",
			want: `"delivery::schedule" must list at least one wait`,
		},
		{
			name: "non-positive wait in the delivery schedule",
			file: "examples/reliable-webhook-delivery.yaml",
			old:  "[5s, 5m,", new: "[5s, 0s,",
			want: `"delivery::schedule[1]" must be a positive duration`,
		},
		{
			name: "negative dead-letter size",
			file: "examples/reliable-webhook-delivery.yaml",
			old:  "max_size: 268435456", new: "max_size: -1",
			want: `"delivery::dead_letter::max_size" must not be negative`,
		},
		{
			name: "misspelt rate_limit key",
			file: "examples/reliable-webhook-delivery.yaml",
			old:  "        burst: 10\n", new: "        brust: 10\n",
			want: "brust",
		},
		{
			name: "pipeline names an undefined exporter",
			file: "examples/sidecar.yaml",
			old:  "      exporters: [webhook]\n", new: "      exporters: [webhook/missing]\n",
			want: "webhook/missing",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := string(harness.ReadRepoFile(t, tc.file))
			require.Equal(t, 1, strings.Count(text, tc.old), "%s must contain %q exactly once", tc.file, tc.old)
			path := filepath.Join(t.TempDir(), filepath.Base(tc.file))
			require.NoError(t, os.WriteFile(path, []byte(strings.Replace(text, tc.old, tc.new, 1)), 0o600))
			code, out := harness.Validate(t, harness.CollectorBin, path, harness.ConfigEnv(t, text))
			assert.NotEqual(t, 0, code, "validate accepted the broken copy:\n%s", out)
			assert.Contains(t, out, tc.want)
		})
	}
}

// TestExampleDistributionsTable reads the table as it is written.
func TestExampleDistributionsTable(t *testing.T) {
	readme := parseMarkdown("examples/README.md", strings.Join([]string{
		"| File | What | Distribution |",
		"| --- | --- | --- |",
		"| [`a.yaml`](a.yaml), [`b.yaml`](b.yaml) | Two with [a link](../README.md#x). | full |",
		"| [`c.yaml`](c.yaml), [`c.sql`](c.sql) | One and its table. | `lean` |",
		"| Not a file | text | full |",
	}, "\n"))
	assert.Equal(t, map[string]string{
		"examples/a.yaml": "full", "examples/b.yaml": "full", "examples/c.yaml": "lean",
	}, exampleDistributions(t, readme))
}
