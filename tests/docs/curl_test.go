package docs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

// curlPages are the pages whose curls must run against `make run`: the
// README and the sender pages.
func curlPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(harness.RepoRoot, "docs", "senders", "*.md"))
	require.NoError(t, err)
	out := []string{"README.md"}
	for _, p := range pages {
		out = append(out, "docs/senders/"+filepath.Base(p))
	}
	return out
}

// curlCall is a documented curl command and the answer the page prints
// after it.
type curlCall struct {
	line    int      // of the command's first line in the page
	command string   // the command, continuation lines joined
	port    int      // the local port it targets
	want    []string // the answer as printed: "# " comment lines after it
}

// includes reports whether the command prints the status line and headers.
func (c curlCall) includes() bool {
	return regexp.MustCompile(`(^|\s)(-i|--include|-[a-zA-Z]*i[a-zA-Z]*)(\s|$)`).MatchString(c.command)
}

var localURL = regexp.MustCompile(`https?://(?:localhost|127\.0\.0\.1):(\d+)`)

// curlScript is the part of a page the test runs: its blocks that hold a
// curl, in order, as one shell script, and the curls in them.
type curlScript struct {
	text     string
	calls    []curlCall
	printed  []fence // blocks of what the collector prints, after "... prints ...:"
	problems []error
}

// readCurls reads the curls of a page: every curl must target one of ports
// on localhost and be followed by the answer it gets.
func readCurls(m mdFile, ports map[int]bool) curlScript {
	var s curlScript
	for _, f := range m.fences() {
		if isPrintedOutput(m, f) {
			s.printed = append(s.printed, f)
			continue
		}
		var calls []curlCall
		for i := 0; i < len(f.body); i++ {
			line := strings.TrimSpace(f.body[i])
			if !strings.HasPrefix(line, "curl ") && !strings.HasPrefix(line, "$ curl ") {
				if regexp.MustCompile(`(^|[\s;|&(])curl\s`).MatchString(line) && !strings.HasPrefix(line, "#") {
					s.problems = append(s.problems, fmt.Errorf("%s:%d: a curl that does not start its line is not run: write it as a command of its own", m.rel, f.line+1+i))
				}
				continue
			}
			c := curlCall{line: f.line + 1 + i}
			if strings.HasPrefix(line, "$ ") {
				s.problems = append(s.problems, fmt.Errorf("%s:%d: write the curl without a prompt, so that it can be run as it is", m.rel, c.line))
			}
			cmd := line
			for strings.HasSuffix(cmd, `\`) && i+1 < len(f.body) {
				i++
				cmd = strings.TrimSuffix(cmd, `\`) + " " + strings.TrimSpace(f.body[i])
			}
			c.command = cmd
			for i+1 < len(f.body) && strings.HasPrefix(strings.TrimSpace(f.body[i+1]), "#") {
				i++
				c.want = append(c.want, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(f.body[i]), "#")))
			}
			u := localURL.FindStringSubmatch(cmd)
			switch {
			case u == nil:
				s.problems = append(s.problems, fmt.Errorf("%s:%d: the curl does not target make run (http://localhost:<port>)", m.rel, c.line))
			default:
				c.port, _ = strconv.Atoi(u[1])
				if !ports[c.port] {
					s.problems = append(s.problems, fmt.Errorf("%s:%d: the curl targets port %d, which config/default.yaml does not serve", m.rel, c.line, c.port))
				}
			}
			if len(c.want) == 0 {
				s.problems = append(s.problems, fmt.Errorf("%s:%d: the curl is not followed by the answer it gets (# HTTP/1.1 ..., # <body>)", m.rel, c.line))
			}
			calls = append(calls, c)
		}
		if len(calls) > 0 {
			s.calls = append(s.calls, calls...)
			s.text += fmt.Sprintf("# %s:%d\n%s", m.rel, f.line, f.text())
		}
	}
	return s
}

// isPrintedOutput: a plain or text block right after a sentence ending in
// "prints:" (or "prints ...:") shows what the collector prints.
func isPrintedOutput(m mdFile, f fence) bool {
	if f.info != "" && f.info != "text" {
		return false
	}
	i := f.line - 2
	for i >= 0 && strings.TrimSpace(m.lines[i]) == "" {
		i--
	}
	if i < 0 || !strings.HasSuffix(strings.TrimSpace(m.lines[i]), ":") {
		return false
	}
	// The paragraph before the block says what prints it.
	for ; i >= 0 && strings.TrimSpace(m.lines[i]) != ""; i-- {
		if strings.Contains(m.lines[i], " prints") {
			return true
		}
	}
	return false
}

// defaultPorts returns config/default.yaml with every localhost port moved
// to a free loopback port, and the map from the old ports to the new.
func defaultPorts(t *testing.T) (string, map[int]int) {
	t.Helper()
	config := string(harness.ReadRepoFile(t, "config/default.yaml"))
	ports := map[int]int{}
	config = regexp.MustCompile(`localhost:(\d+)`).ReplaceAllStringFunc(config, func(addr string) string {
		old, _ := strconv.Atoi(strings.TrimPrefix(addr, "localhost:"))
		if _, ok := ports[old]; !ok {
			ports[old] = harness.FreePort(t)
		}
		return fmt.Sprintf("127.0.0.1:%d", ports[old])
	})
	require.NotEmpty(t, ports)
	return config, ports
}

// curlEnv is the test's environment without the variables
// config/default.yaml reads, so that its demo defaults apply as they do for
// a reader who runs `make run` as it is.
func curlEnv(t *testing.T) []string {
	t.Helper()
	refs := map[string]bool{}
	for _, kv := range harness.ConfigEnv(t, string(harness.ReadRepoFile(t, "config/default.yaml"))) {
		name, _, _ := strings.Cut(kv, "=")
		refs[name] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !refs[name] {
			env = append(env, kv)
		}
	}
	return env
}

const curlDone = "@@curl-done@@"

// runCurls runs the page's script against the collector on ports, one
// answer per curl.
func runCurls(t *testing.T, s curlScript, ports map[int]int) []string {
	t.Helper()
	script := localURL.ReplaceAllStringFunc(s.text, func(u string) string {
		m := localURL.FindStringSubmatch(u)
		old, _ := strconv.Atoi(m[1])
		if p, ok := ports[old]; ok {
			return strings.Replace(strings.Replace(u, "localhost", "127.0.0.1", 1), ":"+m[1], fmt.Sprintf(":%d", p), 1)
		}
		return u
	})
	prelude := "set -eo pipefail\n" +
		`curl() { command curl -sS --max-time 30 "$@"; local rc=$?; printf '\n` + curlDone + `\n'; return $rc; }` + "\n"
	cmd := exec.Command("bash", "-c", prelude+script)
	cmd.Dir = harness.RepoRoot
	cmd.Env = curlEnv(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the page's commands failed:\n%s\n--- output:\n%s", script, out)
	answers := strings.Split(string(out), "\n"+curlDone+"\n")
	require.Len(t, answers, len(s.calls)+1, "one answer per curl:\n%s", out)
	return answers[:len(s.calls)]
}

// answerLines is what a curl printed, as the docs print it: with -i the
// status line then the body, without the headers; else the body.
func answerLines(answer string, include bool) []string {
	lines := strings.Split(strings.ReplaceAll(answer, "\r\n", "\n"), "\n")
	var out []string
	if include && len(lines) > 0 {
		out = append(out, strings.TrimSpace(lines[0]))
		for len(lines) > 0 && strings.TrimSpace(lines[0]) != "" {
			lines = lines[1:]
		}
	}
	for _, l := range lines {
		out = append(out, strings.TrimSpace(l))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	for len(out) > 1 && out[1] == "" && include {
		out = append(out[:1], out[2:]...)
	}
	return out
}

// TestDocumentedCurls runs every curl of the README and the sender pages
// against config/default.yaml in the lean distribution, as `make run` runs
// it (one collector per page, the page's commands in order in one shell),
// and compares each answer with the one the page prints after it; the
// blocks the page says the collector prints are found in its output.
func TestDocumentedCurls(t *testing.T) {
	served := map[int]bool{}
	for _, m := range regexp.MustCompile(`localhost:(\d+)`).FindAllStringSubmatch(string(harness.ReadRepoFile(t, "config/default.yaml")), -1) {
		p, _ := strconv.Atoi(m[1])
		served[p] = true
	}
	pages := curlPages(t)
	sort.Strings(pages)
	for _, rel := range pages {
		t.Run(rel, func(t *testing.T) {
			s := readCurls(readMarkdown(t, rel), served)
			for _, err := range s.problems {
				t.Error(err)
			}
			if rel == "README.md" {
				require.NotEmpty(t, s.calls, "the README's walkthrough has its curl")
				require.NotEmpty(t, s.printed, "the README's walkthrough shows what the collector prints")
			}
			if len(s.calls) == 0 || t.Failed() {
				return
			}
			// A collector of its own on fresh ports: the pages do not share dedup state.
			config, ports := defaultPorts(t)
			c := startLean(t, config)
			answers := runCurls(t, s, ports)
			for i, call := range s.calls {
				assert.Equal(t, call.want, answerLines(answers[i], call.includes()), "%s:%d: %s", rel, call.line, call.command)
			}
			for _, f := range s.printed {
				for _, line := range f.body {
					line = strings.TrimSpace(line)
					if line == "" || strings.HasPrefix(line, "ObservedTimestamp:") {
						continue
					}
					assert.Eventually(t, func() bool { return strings.Contains(c.Log.String(), line) }, 10*time.Second, 50*time.Millisecond,
						"%s:%d: the collector never printed %q", rel, f.line, line)
				}
			}
		})
	}
}

// startLean runs config in the lean distribution until it is ready.
func startLean(t *testing.T, config string) *harness.Collector {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	p := harness.StartProcess(t, "otelcol-webhook-lean", dir, curlEnv(t), harness.LeanBin, "--config", path)
	require.Eventually(t, func() bool {
		return p.Exited() || strings.Contains(p.Log.String(), "Everything is ready")
	}, 60*time.Second, 50*time.Millisecond)
	require.False(t, p.Exited(), "the collector exited at start:\n%s", p.Log.String())
	return &harness.Collector{Process: p, Dir: dir}
}

// TestCurlReading proves the reading of a page can fail: a curl without its
// answer, one to a port make run does not serve, one to another host, and a
// prompt are each reported; answers are compared as printed.
func TestCurlReading(t *testing.T) {
	page := parseMarkdown("docs/senders/x.md", strings.Join([]string{
		"```sh",
		"body='{}'",
		"curl -i http://localhost:4319/v1/traces \\",
		"  -H 'Content-Type: application/json' --data \"$body\"",
		"# HTTP/1.1 200 OK",
		"# {}",
		"curl http://localhost:8000/webhook -d x",
		"# {\"accepted\":1,\"duplicates\":0}",
		"```",
		"",
		"The debug exporter prints the record",
		"(an excerpt):",
		"",
		"```",
		"EventName: test",
		"```",
		"It prints:",
		"```sh",
		"curl http://localhost:4319/v1/logs",
		"curl http://localhost:9999/x",
		"# x",
		"curl https://collector.example.com/v1/traces",
		"# y",
		"$ curl http://localhost:4319/health",
		"# {\"status\":\"ok\"}",
		"```",
	}, "\n"))
	s := readCurls(page, map[int]bool{4319: true, 8000: true})
	require.Len(t, s.calls, 6)
	assert.Equal(t, []string{"HTTP/1.1 200 OK", "{}"}, s.calls[0].want)
	assert.True(t, s.calls[0].includes())
	assert.False(t, s.calls[1].includes())
	assert.Equal(t, 4319, s.calls[0].port)
	assert.Equal(t, 3, s.calls[0].line)
	require.Len(t, s.printed, 1)
	var problems []string
	for _, p := range s.problems {
		problems = append(problems, p.Error())
	}
	assert.Equal(t, []string{
		"docs/senders/x.md:19: the curl is not followed by the answer it gets (# HTTP/1.1 ..., # <body>)",
		"docs/senders/x.md:20: the curl targets port 9999, which config/default.yaml does not serve",
		"docs/senders/x.md:22: the curl does not target make run (http://localhost:<port>)",
		"docs/senders/x.md:24: write the curl without a prompt, so that it can be run as it is",
	}, problems)

	assert.Equal(t, []string{"HTTP/1.1 401 Unauthorized", "bad secret"},
		answerLines("HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nX-Content-Type-Options: nosniff\r\n\r\nbad secret\n\n", true))
	assert.Equal(t, []string{`{"accepted":1,"duplicates":0}`}, answerLines(`{"accepted":1,"duplicates":0}`, false))
}
