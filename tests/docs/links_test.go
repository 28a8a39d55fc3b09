package docs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// linkChecker resolves the relative links of Markdown files: the file or
// directory must exist, and an anchor into a Markdown file must be one of
// its headings' anchors.
type linkChecker struct {
	exists  func(rel string) bool
	anchors func(rel string) map[string]bool
}

// check returns one error for each link of m that does not resolve.
func (c linkChecker) check(m mdFile) []error {
	var errs []error
	for _, l := range m.links() {
		if err := c.resolve(m.rel, l.target); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %w", m.rel, l.line, l.target, err))
		}
	}
	return errs
}

func (c linkChecker) resolve(from, target string) error {
	if strings.HasPrefix(target, "[") {
		return fmt.Errorf("reference without a definition")
	}
	if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
		return nil
	}
	file, anchor, _ := strings.Cut(target, "#")
	rel := from
	if file != "" {
		if strings.HasPrefix(file, "/") {
			return fmt.Errorf("absolute path: use a path relative to the file")
		}
		rel = path.Clean(path.Join(path.Dir(from), file))
		if strings.HasPrefix(rel, "../") {
			return fmt.Errorf("points outside the repository")
		}
		if !c.exists(rel) {
			return fmt.Errorf("%s does not exist", rel)
		}
	}
	if anchor == "" || !strings.HasSuffix(rel, ".md") {
		return nil
	}
	if !c.anchors(rel)[anchor] {
		return fmt.Errorf("%s has no heading with the anchor #%s", rel, anchor)
	}
	return nil
}

// repoLinks checks links against the files of the repository.
func repoLinks(t *testing.T) linkChecker {
	cache := map[string]map[string]bool{}
	return linkChecker{
		exists: func(rel string) bool {
			_, err := os.Stat(filepath.Join(harness.RepoRoot, filepath.FromSlash(rel)))
			return err == nil
		},
		anchors: func(rel string) map[string]bool {
			if a, ok := cache[rel]; ok {
				return a
			}
			cache[rel] = readMarkdown(t, rel).anchors()
			return cache[rel]
		},
	}
}

// TestMarkdownLinksResolve: every relative link and #anchor of every
// Markdown file of the repository resolves, by GitHub's anchor rules.
func TestMarkdownLinksResolve(t *testing.T) {
	checker := repoLinks(t)
	links := 0
	for _, m := range markdownFiles(t) {
		links += len(m.links())
		for _, err := range checker.check(m) {
			t.Error(err)
		}
	}
	require.Greater(t, links, 100, "the link parser found almost no links: it is broken")
}

// TestLinkCheckerFindsBrokenLinks proves the check above can fail: each
// broken link of a small page is reported, and only those.
func TestLinkCheckerFindsBrokenLinks(t *testing.T) {
	page := parseMarkdown("docs/page.md", strings.Join([]string{
		"# A page",
		"## Compared with contrib's `webhookevent` receiver",
		"## Compared with contrib's `webhookevent` receiver",
		"## Step 1: send [the example](other.md) *now*",
		"See [ok](#compared-with-contribs-webhookevent-receiver), [second](#compared-with-contribs-webhookevent-receiver-1),",
		"[step](#step-1-send-the-example-now), [other](other.md#its-heading), [dir](senders), [web](https://example.com/#x),",
		"[missing file](nothing.md), [missing anchor](#nowhere), [third](#compared-with-contribs-webhookevent-receiver-2),",
		"[other's missing anchor](other.md#nowhere), [outside](../../x.md), [undefined ref][nope], [defined][ok].",
		"`[in code](nothing-here.md)`",
		"```md",
		"[in a block](nothing-here-either.md)",
		"## Not a heading",
		"```",
		"[ok]: other.md",
		"[broken]: gone.md#x",
	}, "\n"))
	checker := linkChecker{
		exists: func(rel string) bool { return rel == "docs/other.md" || rel == "docs/senders" || rel == "docs/page.md" },
		anchors: func(rel string) map[string]bool {
			if rel == "docs/other.md" {
				return map[string]bool{"its-heading": true}
			}
			return page.anchors()
		},
	}
	var got []string
	for _, err := range checker.check(page) {
		got = append(got, err.Error())
	}
	assert.ElementsMatch(t, []string{
		"docs/page.md:15: gone.md#x: docs/gone.md does not exist",
		"docs/page.md:7: nothing.md: docs/nothing.md does not exist",
		"docs/page.md:7: #nowhere: docs/page.md has no heading with the anchor #nowhere",
		"docs/page.md:7: #compared-with-contribs-webhookevent-receiver-2: docs/page.md has no heading with the anchor #compared-with-contribs-webhookevent-receiver-2",
		"docs/page.md:8: other.md#nowhere: docs/other.md has no heading with the anchor #nowhere",
		"docs/page.md:8: ../../x.md: points outside the repository",
		"docs/page.md:8: [nope]: reference without a definition",
	}, got)
}

// TestSlugs: GitHub's anchors of headings this repository uses.
func TestSlugs(t *testing.T) {
	for heading, want := range map[string]string{
		"OpenRouter event webhooks":                       "openrouter-event-webhooks",
		"The webhook primer's curl against `make run`":    "the-webhook-primers-curl-against-make-run",
		"`dedup::redis::endpoint` and friends":            "dedupredisendpoint-and-friends",
		"Step 2: Enable **Broadcast**":                    "step-2-enable-broadcast",
		"Try it with make run: the webhook primer's curl": "try-it-with-make-run-the-webhook-primers-curl",
		"Distributions: the lean one and the full one":    "distributions-the-lean-one-and-the-full-one",
		"`signal_to_metrics` → `delta_to_cumulative`":     "signal_to_metrics--delta_to_cumulative",
		"First run": "first-run",
		"Helicone (one GenAI span per LLM request), 2026!": "helicone-one-genai-span-per-llm-request-2026",
	} {
		assert.Equal(t, want, slugify(heading), heading)
	}
}
