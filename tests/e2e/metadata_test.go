package e2e

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

type projectMetadata struct {
	Status struct {
		Stability map[string][]string `yaml:"stability"`
	} `yaml:"status"`
	Components map[string][]struct {
		Type     string `yaml:"type"`
		Package  string `yaml:"package"`
		Metadata string `yaml:"metadata"`
	} `yaml:"components"`
}

type componentMetadata struct {
	Type   string `yaml:"type"`
	Status struct {
		Class     string              `yaml:"class"`
		Stability map[string][]string `yaml:"stability"`
	} `yaml:"status"`
}

// TestProjectMetadataAgrees keeps the top-level metadata.yaml, each
// component's mdatagen metadata and builder-config.yaml in agreement: the
// same types and packages, every component in the distribution, and the
// project's stability the union of its components'.
func TestProjectMetadataAgrees(t *testing.T) {
	var project projectMetadata
	require.NoError(t, yaml.Unmarshal(harness.ReadRepoFile(t, "metadata.yaml"), &project))
	var builder map[string]any
	require.NoError(t, yaml.Unmarshal(harness.ReadRepoFile(t, "builder-config.yaml"), &builder))

	union := map[string][]string{}
	for kind, list := range project.Components {
		require.NotEmpty(t, list, kind)
		var imports []string
		for _, entry := range builder[kind].([]any) {
			if imp, ok := entry.(map[string]any)["import"].(string); ok {
				imports = append(imports, imp)
			}
		}
		for _, c := range list {
			var meta componentMetadata
			require.NoError(t, yaml.Unmarshal(harness.ReadRepoFile(t, c.Metadata), &meta), c.Metadata)
			assert.Equal(t, c.Type, meta.Type, c.Metadata)
			assert.Equal(t, kind, meta.Status.Class+"s", c.Metadata)
			assert.Contains(t, imports, c.Package, "%s is built into the distribution", c.Package)
			for level, signals := range meta.Status.Stability {
				for _, s := range signals {
					if !slices.Contains(union[level], s) {
						union[level] = append(union[level], s)
					}
				}
			}
		}
	}
	for level := range union {
		slices.Sort(union[level])
	}
	stated := map[string][]string{}
	for level, signals := range project.Status.Stability {
		stated[level] = slices.Sorted(slices.Values(signals))
	}
	assert.Equal(t, union, stated, "metadata.yaml status::stability is the union of the components'")
}
