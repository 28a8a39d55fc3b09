package docs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// The markers of YAML blocks that are not complete collector configurations,
// on the line right before the block's opening fence.
const (
	markPartial   = "<!-- yaml: partial -->"
	markNotConfig = "<!-- yaml: not-collector-config -->"
)

// yamlBlock is a fenced yaml block of a Markdown file and its marker.
type yamlBlock struct {
	fence
	file string
	mark string // "", markPartial or markNotConfig
}

func (b yamlBlock) where() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// yamlBlocks returns the yaml blocks of m with their markers, and an error
// for every marker that is unknown or not right before a yaml block.
func yamlBlocks(m mdFile) ([]yamlBlock, []error) {
	var blocks []yamlBlock
	var errs []error
	marked := map[int]bool{} // line numbers (1-based) of markers used
	for _, f := range m.fences() {
		if f.info != "yaml" && f.info != "yml" {
			continue
		}
		b := yamlBlock{fence: f, file: m.rel}
		if f.line >= 2 {
			prev := strings.TrimSpace(m.lines[f.line-2])
			if prev == markPartial || prev == markNotConfig {
				b.mark = prev
				marked[f.line-1] = true
			}
		}
		blocks = append(blocks, b)
	}
	for i, line := range m.prose() {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "<!-- yaml:") && !marked[i+1] {
			errs = append(errs, fmt.Errorf("%s:%d: %s is not on the line right before a ```yaml fence, or is not %s or %s",
				m.rel, i+1, trimmed, markPartial, markNotConfig))
		}
	}
	return blocks, errs
}

// yamlDocuments parses every YAML document of text.
func yamlDocuments(text string) ([]map[string]any, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var docs []map[string]any
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		m, _ := doc.(map[string]any)
		docs = append(docs, m)
	}
}

// checkNotCollectorConfig: YAML that says it is not a collector
// configuration parses, and has no `service`; `receivers` or `exporters` only
// in an ocb manifest (with `dist`).
func checkNotCollectorConfig(b yamlBlock) error {
	docs, err := yamlDocuments(b.text())
	if err != nil {
		return fmt.Errorf("%s: not YAML: %w", b.where(), err)
	}
	for _, d := range docs {
		if _, ok := d["service"]; ok {
			return fmt.Errorf("%s: marked %s but has a service section: a collector configuration is validated, drop the marker", b.where(), markNotConfig)
		}
		_, r := d["receivers"]
		_, e := d["exporters"]
		if _, dist := d["dist"]; (r || e) && !dist {
			return fmt.Errorf("%s: marked %s but has receivers or exporters: mark a collector fragment %s", b.where(), markNotConfig, markPartial)
		}
	}
	return nil
}

// validate runs the full distribution's validate on the block.
func validate(t *testing.T, b yamlBlock) (int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(b.text()), 0o600))
	return harness.Validate(t, harness.CollectorBin, path, harness.ConfigEnv(t, b.text()))
}

// checkBlock: an unmarked block is a configuration the full distribution
// accepts; a partial one is YAML and not a complete configuration (or its
// marker would hide a block that can be validated); the others are YAML
// that is not a collector configuration.
func checkBlock(t *testing.T, b yamlBlock) {
	t.Helper()
	switch b.mark {
	case "":
		code, out := validate(t, b)
		assert.Equal(t, 0, code, "%s: the block is not a configuration the full distribution accepts (a deliberate fragment needs %s on the line before its fence):\n%s\n%s",
			b.where(), markPartial, b.text(), out)
	case markPartial:
		_, err := yamlDocuments(b.text())
		require.NoError(t, err, "%s: not YAML", b.where())
		code, _ := validate(t, b)
		assert.NotEqual(t, 0, code, "%s: marked %s but is a complete configuration: drop the marker so that it is validated", b.where(), markPartial)
	case markNotConfig:
		assert.NoError(t, checkNotCollectorConfig(b))
	}
}

// TestMarkdownYAMLBlocks: every ```yaml block of every Markdown file is a
// configuration the full distribution validates, with the environment
// variables it names set, or carries the marker that says what else it is.
func TestMarkdownYAMLBlocks(t *testing.T) {
	var blocks []yamlBlock
	for _, m := range markdownFiles(t) {
		bs, errs := yamlBlocks(m)
		for _, err := range errs {
			t.Error(err)
		}
		blocks = append(blocks, bs...)
		if slices.ContainsFunc(bs, func(b yamlBlock) bool { return b.mark == "" }) && !saysDistribution(m) {
			t.Errorf("%s: its configurations are validated with the full distribution: say so, with a link to docs/distributions.md", m.rel)
		}
	}
	validated := 0
	for _, b := range blocks {
		if b.mark == "" {
			validated++
		}
		t.Run(b.where(), func(t *testing.T) { checkBlock(t, b) })
	}
	require.Greater(t, validated, 10, "almost no YAML block was found to validate: the parser is broken")
}

// saysDistribution reports whether m links to docs/distributions.md, where
// the distributions a configuration can run on are described.
func saysDistribution(m mdFile) bool {
	if m.rel == "docs/distributions.md" {
		return true
	}
	for _, l := range m.links() {
		if strings.HasSuffix(strings.SplitN(l.target, "#", 2)[0], "distributions.md") {
			return true
		}
	}
	return false
}

// TestYAMLMarkers proves the checks can fail: a broken configuration, a
// complete one marked partial, a stray marker, and a collector fragment
// marked as not being one are each reported.
func TestYAMLMarkers(t *testing.T) {
	page := parseMarkdown("docs/page.md", strings.Join([]string{
		"1. A step:",
		"",
		"   ```yaml",
		"   receivers:",
		"     webhook:",
		"       endpoint: 0.0.0.0:4319",
		"       requird_headers: {A: b}",
		"   exporters:",
		"     debug: {}",
		"   service:",
		"     pipelines:",
		"       traces: {receivers: [webhook], exporters: [debug]}",
		"   ```",
		markPartial,
		"```yaml",
		"receivers: {webhook: {}}",
		"exporters: {debug: {}}",
		"service: {pipelines: {traces: {receivers: [webhook], exporters: [debug]}}}",
		"```",
		markNotConfig,
		"",
		"```yaml",
		"scrape_configs: []",
		"```",
		markNotConfig,
		"```yaml",
		"receivers: {webhook: {}}",
		"```",
		markNotConfig,
		"```yml",
		"dist: {name: x}",
		"receivers: [{gomod: x v1}]",
		"```",
		"<!-- yaml: fragment -->",
		"```yaml",
		"a: b",
		"```",
	}, "\n"))
	blocks, errs := yamlBlocks(page)
	require.Len(t, blocks, 6)
	var marks []string
	for _, b := range blocks {
		marks = append(marks, b.mark)
	}
	assert.Equal(t, []string{"", markPartial, "", markNotConfig, markNotConfig, ""}, marks)
	require.Len(t, errs, 2)
	assert.Contains(t, errs[0].Error(), "docs/page.md:20: <!-- yaml: not-collector-config --> is not on the line right before")
	assert.Contains(t, errs[1].Error(), "docs/page.md:34: <!-- yaml: fragment -->")
	assert.Equal(t, 3, blocks[0].line)
	assert.Equal(t, "receivers:\n  webhook:\n", blocks[0].text()[:len("receivers:\n  webhook:\n")], "the list item's indentation is removed")

	code, out := validate(t, blocks[0])
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "requird_headers")
	code, _ = validate(t, blocks[1])
	assert.Equal(t, 0, code, "a complete configuration marked partial is found out")
	assert.ErrorContains(t, checkNotCollectorConfig(blocks[3]), "mark a collector fragment")
	assert.NoError(t, checkNotCollectorConfig(blocks[4]), "an ocb manifest")
	assert.ErrorContains(t, checkNotCollectorConfig(yamlBlock{fence: fence{body: []string{"a: [b"}}}), "not YAML")
}
