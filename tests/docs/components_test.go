package docs

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// builtComponents returns "<kind> <type>" for every component a built
// distribution reports with `components`.
func builtComponents(t *testing.T, bin string) []string {
	t.Helper()
	p := harness.StartProcess(t, "components", t.TempDir(), nil, bin, "components")
	require.Eventually(t, p.Exited, 60*time.Second, 10*time.Millisecond, "components did not finish")
	require.Equal(t, 0, p.Cmd.ProcessState.ExitCode(), p.Log.String())
	var built map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(p.Log.String()), &built))
	var out []string
	for _, kind := range []string{"receivers", "processors", "connectors", "exporters", "extensions"} {
		list, _ := built[kind].([]any)
		for _, c := range list {
			out = append(out, strings.TrimSuffix(kind, "s")+" "+c.(map[string]any)["name"].(string))
		}
	}
	slices.Sort(out)
	return out
}

var componentRow = regexp.MustCompile("(?m)^\\| (receiver|processor|connector|exporter|extension) \\| `([a-z_]+)` \\|")

// tableComponents returns "<kind> <type>" for every row of the component
// table in the section of m whose heading starts with heading.
func tableComponents(t *testing.T, m mdFile, heading string) []string {
	t.Helper()
	text := strings.Join(m.prose(), "\n")
	_, section, ok := strings.Cut(text, "\n## "+heading)
	require.True(t, ok, "%s has no section %q", m.rel, heading)
	section, _, _ = strings.Cut(section, "\n## ")
	var out []string
	for _, row := range componentRow.FindAllStringSubmatch(section, -1) {
		out = append(out, row[1]+" "+row[2])
	}
	slices.Sort(out)
	return out
}

// TestDistributionComponentTables keeps the component tables of
// docs/distributions.md in agreement with what each built distribution says
// it holds, and the lean one a part of the full one.
func TestDistributionComponentTables(t *testing.T) {
	page := readMarkdown(t, "docs/distributions.md")
	lean, full := builtComponents(t, harness.LeanBin), builtComponents(t, harness.CollectorBin)
	assert.Equal(t, lean, tableComponents(t, page, "Lean"), "docs/distributions.md lean table against `otelcol-webhook-lean components`")
	assert.Equal(t, full, tableComponents(t, page, "Full"), "docs/distributions.md full table against `otelcol-webhook components`")
	for _, c := range lean {
		assert.Contains(t, full, c, "the full distribution holds everything the lean one does")
	}
	assert.Less(t, len(lean), len(full))
}

// TestComponentStatusTables keeps the status table at the top of each
// component's README (mdatagen's form) in agreement with its metadata.yaml
// and the distributions: the stability of each signal, and a link to the
// manifest of every distribution that builds the component.
func TestComponentStatusTables(t *testing.T) {
	var project struct {
		Components map[string][]struct {
			Package  string `yaml:"package"`
			Metadata string `yaml:"metadata"`
		} `yaml:"components"`
	}
	require.NoError(t, yaml.Unmarshal(harness.ReadRepoFile(t, "metadata.yaml"), &project))
	manifests := map[string]string{}
	for _, name := range []string{"builder-config.yaml", "builder-config-lean.yaml"} {
		manifests[name] = string(harness.ReadRepoFile(t, name))
	}
	checked := 0
	for _, list := range project.Components {
		for _, c := range list {
			var meta struct {
				Status struct {
					Stability map[string][]string `yaml:"stability"`
				} `yaml:"status"`
			}
			require.NoError(t, yaml.Unmarshal(harness.ReadRepoFile(t, c.Metadata), &meta))
			readmeRel := strings.TrimSuffix(c.Metadata, "metadata.yaml") + "README.md"
			readme := readMarkdown(t, readmeRel)
			text := strings.Join(readme.prose(), "\n")

			var levels []string
			for level, signals := range meta.Status.Stability {
				levels = append(levels, "["+level+"]: "+strings.Join(signals, ", "))
			}
			slices.Sort(levels)
			stability := regexp.MustCompile(`(?m)^\| Stability\s*\| (.*?)\s*\|$`).FindStringSubmatch(text)
			require.NotNil(t, stability, "%s has no Stability row", readmeRel)
			assert.Equal(t, strings.Join(levels, "<br>"), stability[1], "%s: stability against %s", readmeRel, c.Metadata)

			dists := regexp.MustCompile(`(?m)^\| Distributions\s*\| (.*?)\s*\|$`).FindStringSubmatch(text)
			require.NotNil(t, dists, "%s has no Distributions row", readmeRel)
			var linked []string
			for _, ref := range regexp.MustCompile(`\[([^\]]+)\]`).FindAllStringSubmatch(dists[1], -1) {
				def := regexp.MustCompile(`(?m)^\[` + regexp.QuoteMeta(ref[1]) + `\]:\s*(\S+)`).FindStringSubmatch(text)
				require.NotNil(t, def, "%s: no link definition for [%s]", readmeRel, ref[1])
				linked = append(linked, strings.TrimPrefix(def[1], "../../"))
			}
			var building []string
			for name, manifest := range manifests {
				if strings.Contains(manifest, "import: "+c.Package+"\n") {
					building = append(building, name)
				}
			}
			slices.Sort(linked)
			slices.Sort(building)
			assert.Equal(t, building, linked, "%s: the Distributions row links the manifests that build %s", readmeRel, c.Package)
			checked++
		}
	}
	assert.Positive(t, checked, "metadata.yaml lists the components")
}

// TestLeanSourcesMatchManifest: the lean distribution's committed sources
// (cmd/otelcol-webhook-lean, ocb's output) import exactly the components of
// builder-config-lean.yaml, so an edit of the manifest without `make
// generate` is caught even before the build.
func TestLeanSourcesMatchManifest(t *testing.T) {
	var manifest map[string]any
	require.NoError(t, yaml.Unmarshal(harness.ReadRepoFile(t, "builder-config-lean.yaml"), &manifest))
	var want []string
	for _, kind := range []string{"receivers", "processors", "exporters", "connectors", "extensions"} {
		list, _ := manifest[kind].([]any)
		for _, entry := range list {
			e := entry.(map[string]any)
			imp, _ := e["import"].(string)
			if imp == "" {
				imp, _, _ = strings.Cut(e["gomod"].(string), " ")
			}
			want = append(want, imp)
		}
	}
	if _, ok := manifest["telemetry"]; !ok {
		// ocb's default telemetry provider.
		want = append(want, "go.opentelemetry.io/collector/service/telemetry/otelconftelemetry")
	}
	slices.Sort(want)
	components := string(harness.ReadRepoFile(t, "cmd/otelcol-webhook-lean/components.go"))
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^\s+[a-z0-9]+ "([^"]+)"$`).FindAllStringSubmatch(components, -1) {
		got = append(got, m[1])
	}
	slices.Sort(got)
	assert.Equal(t, want, got, "cmd/otelcol-webhook-lean/components.go against builder-config-lean.yaml: run make generate")
	gomod := string(harness.ReadRepoFile(t, "cmd/otelcol-webhook-lean/go.mod"))
	dist := manifest["dist"].(map[string]any)
	assert.Contains(t, gomod, "module "+dist["module"].(string)+"\n")
}
