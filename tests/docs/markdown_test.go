package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// mdFile is a Markdown file of the repository, split into lines.
type mdFile struct {
	rel   string // path from the repository root, with slashes
	lines []string
}

// skipDirs are not part of the repository's documentation: build output,
// installed tools, version control.
var skipDirs = map[string]bool{".git": true, "bin": true, "build": true, ".tools": true, "node_modules": true}

// markdownFiles returns every Markdown file of the repository.
func markdownFiles(t *testing.T) []mdFile {
	t.Helper()
	var files []mdFile
	err := filepath.WalkDir(harness.RepoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skipDirs[d.Name()] && path != harness.RepoRoot {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".md") {
			return nil
		}
		rel, err := filepath.Rel(harness.RepoRoot, path)
		if err != nil {
			return err
		}
		files = append(files, readMarkdown(t, filepath.ToSlash(rel)))
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// readMarkdown reads one Markdown file of the repository.
func readMarkdown(t *testing.T, rel string) mdFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(harness.RepoRoot, filepath.FromSlash(rel)))
	require.NoError(t, err)
	return parseMarkdown(rel, string(b))
}

func parseMarkdown(rel, text string) mdFile {
	return mdFile{rel: rel, lines: strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")}
}

// fence is a fenced code block: its info string (the language), the lines
// between the fences with the fence's indentation removed, and the line
// numbers (1-based) of its opening fence.
type fence struct {
	info    string
	body    []string
	line    int
	endLine int
}

// text is the block's content.
func (f fence) text() string { return strings.Join(f.body, "\n") + "\n" }

var fenceOpen = regexp.MustCompile("^( {0,12})(```+|~~~+)\\s*([^`\\s]*)")

// fences returns the fenced code blocks of the file, in order. An unclosed
// fence runs to the end of the file, as CommonMark reads it.
func (m mdFile) fences() []fence {
	var out []fence
	for i := 0; i < len(m.lines); i++ {
		open := fenceOpen.FindStringSubmatch(m.lines[i])
		if open == nil {
			continue
		}
		indent, marker := len(open[1]), open[2]
		f := fence{info: strings.ToLower(open[3]), line: i + 1}
		for i++; i < len(m.lines); i++ {
			trimmed := strings.TrimSpace(m.lines[i])
			if strings.HasPrefix(trimmed, marker) && strings.Trim(trimmed, marker[:1]) == "" {
				break
			}
			line := m.lines[i]
			for n := 0; n < indent && strings.HasPrefix(line, " "); n++ {
				line = line[1:]
			}
			f.body = append(f.body, line)
		}
		f.endLine = i + 1
		out = append(out, f)
	}
	return out
}

// prose returns the file's lines with fenced code blocks blanked out, so
// that headings and links inside code are not taken for real ones.
func (m mdFile) prose() []string {
	out := append([]string(nil), m.lines...)
	for _, f := range m.fences() {
		for i := f.line - 1; i < f.endLine && i < len(out); i++ {
			out[i] = ""
		}
	}
	return out
}

var (
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
	inlineLink = regexp.MustCompile(`!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)`)
	refLink    = regexp.MustCompile(`\[((?:[^\[\]]|\[[^\]]*\])*)\]\[([^\]]*)\]`)
	htmlTag    = regexp.MustCompile(`<[^>]+>`)
)

// anchors returns the anchors GitHub gives the file's headings: the
// heading's text as rendered, lower-cased, without punctuation but hyphens
// and underscores, spaces turned into hyphens, and -1, -2, ... after a
// repeated one.
func (m mdFile) anchors() map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	for _, line := range m.prose() {
		h := atxHeading.FindStringSubmatch(line)
		if h == nil {
			continue
		}
		slug := slugify(h[2])
		if n := seen[slug]; n > 0 {
			out[slug+"-"+itoa(n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

// slugify is GitHub's anchor of a heading text written in Markdown.
func slugify(heading string) string {
	text := inlineLink.ReplaceAllString(heading, "$1")
	text = refLink.ReplaceAllString(text, "$1")
	text = htmlTag.ReplaceAllString(text, "")
	text = strings.NewReplacer("`", "", "*", "").Replace(text)
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// link is a link of a Markdown file: where it points and the line it is on.
type link struct {
	target string
	line   int
}

var refDefinition = regexp.MustCompile(`^ {0,3}\[([^\]]+)\]:\s*(\S+)`)

// links returns the file's inline links and images, the targets of its
// reference definitions, and the references that have no definition (as
// links to the target "[ref]", which never resolves).
func (m mdFile) links() []link {
	var out []link
	defs := map[string]bool{}
	prose := m.prose()
	for i, line := range prose {
		if d := refDefinition.FindStringSubmatch(line); d != nil {
			defs[strings.ToLower(d[1])] = true
			// `[comment]: <> (text)` is a comment, mdatagen's among others.
			if target := strings.TrimSuffix(strings.TrimPrefix(d[2], "<"), ">"); target != "" {
				out = append(out, link{target: target, line: i + 1})
			}
		}
	}
	for i, line := range prose {
		if refDefinition.MatchString(line) {
			continue
		}
		line = codeSpan.ReplaceAllString(line, "code")
		for _, l := range inlineLink.FindAllStringSubmatch(line, -1) {
			out = append(out, link{target: l[2], line: i + 1})
		}
		for _, r := range refLink.FindAllStringSubmatch(line, -1) {
			ref := r[2]
			if ref == "" {
				ref = r[1]
			}
			if !defs[strings.ToLower(ref)] {
				out = append(out, link{target: "[" + ref + "]", line: i + 1})
			}
		}
	}
	return out
}
