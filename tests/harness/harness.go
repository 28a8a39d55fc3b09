// Package harness runs the built otelcol-webhook distribution and other
// programs as child processes for end-to-end tests, and reads what a file
// exporter wrote. Every process it starts is stopped by its PID when the test
// ends, whether it passed or not, and dies with the test binary.
package harness

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// RepoRoot is the repository root, found from the working directory of the
// test (a package directory inside the repository).
var RepoRoot = func() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "builder-config.yaml")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			panic("harness: no builder-config.yaml above the working directory")
		}
		dir = parent
	}
}()

// CollectorBin is the full distribution (builder-config.yaml), the one
// every end-to-end test and example runs on, set by Main.
var CollectorBin string

// LeanBin is the lean distribution (builder-config-lean.yaml): only what
// config/default.yaml needs, the one `make run` builds. Set by Main.
var LeanBin string

// Main is the TestMain of end-to-end packages: it finds the distributions
// ($OTELCOL_WEBHOOK_BIN and $OTELCOL_WEBHOOK_LEAN_BIN, or bin/otelcol-webhook
// and bin/otelcol-webhook-lean, built with `make build-full` and
// `make build-lean` when missing) and runs the tests.
func Main(m *testing.M) {
	CollectorBin = distribution("OTELCOL_WEBHOOK_BIN", "otelcol-webhook", "build-full")
	LeanBin = distribution("OTELCOL_WEBHOOK_LEAN_BIN", "otelcol-webhook-lean", "build-lean")
	os.Exit(m.Run())
}

// distribution returns $env, or bin/<name> after building it with
// `make <target>` when it is missing.
func distribution(env, name, target string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	p := filepath.Join(RepoRoot, "bin", name)
	if _, err := os.Stat(p); err != nil {
		cmd := exec.Command("make", target)
		cmd.Dir = RepoRoot
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s with `make %s` failed: %v\n", name, target, err)
			os.Exit(1)
		}
	}
	return p
}

// Tool returns the path of a tool installed by the Makefile under
// .tools/bin, or $env when set; it fails the test when neither exists.
func Tool(t testing.TB, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	p := filepath.Join(RepoRoot, ".tools", "bin", name)
	_, err := os.Stat(p)
	require.NoError(t, err, "%s is not installed: run `make tools` (or set %s)", name, env)
	return p
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Process is a child process that is stopped by its PID when the test ends,
// whether it passed or not, and also if the test binary dies (Pdeathsig).
type Process struct {
	t    testing.TB
	name string
	Cmd  *exec.Cmd
	Log  *SyncBuffer
	done chan struct{}
	err  error
}

// SyncBuffer collects a process's output.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// StartProcess starts bin with args in dir, with env added to the
// environment.
func StartProcess(t testing.TB, name string, dir string, env []string, bin string, args ...string) *Process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	p := &Process{t: t, name: name, Cmd: cmd, Log: &SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.Log, p.Log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start(), "starting %s", name)
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Stop(syscall.SIGTERM)
		if t.Failed() {
			t.Logf("--- %s (pid %d) output:\n%s", name, cmd.Process.Pid, Tail(p.Log.String(), 60))
		}
	})
	return p
}

// Stop signals the process by its PID and waits for it, escalating to
// SIGKILL after ten seconds.
func (p *Process) Stop(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(p.Cmd.Process.Pid, sig)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(p.Cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Tail returns the last lines of s.
func Tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// Collector is a running otelcol-webhook process and its directory.
type Collector struct {
	*Process
	Dir string
}

// StartCollector writes config (a YAML text in which {{dir}} is replaced by
// the test's temporary directory) and runs the distribution on it until it
// reports that everything is ready.
func StartCollector(t testing.TB, config string) *Collector {
	t.Helper()
	return StartCollectorIn(t, t.TempDir(), config)
}

// StartCollectorIn is StartCollector in a given directory, so that a
// restarted collector finds the files of the previous one.
func StartCollectorIn(t testing.TB, dir, config string) *Collector {
	t.Helper()
	config = strings.ReplaceAll(config, "{{dir}}", dir)
	path := filepath.Join(dir, fmt.Sprintf("config-%d.yaml", time.Now().UnixNano()))
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	p := StartProcess(t, "otelcol-webhook", dir, nil, CollectorBin, "--config", path)
	return waitReady(t, &Collector{Process: p, Dir: dir})
}

// StartCollectorFile runs the distribution on the configuration file at
// path as it is (an example of the repository), with env added to its
// environment and args after --config (e.g. "--set", "k=v"), in a temporary
// directory, until it reports that everything is ready.
func StartCollectorFile(t testing.TB, path string, env []string, args ...string) *Collector {
	t.Helper()
	dir := t.TempDir()
	p := StartProcess(t, "otelcol-webhook", dir, env, CollectorBin, append([]string{"--config", path}, args...)...)
	return waitReady(t, &Collector{Process: p, Dir: dir})
}

func waitReady(t testing.TB, c *Collector) *Collector {
	t.Helper()
	p := c.Process
	require.Eventually(t, func() bool {
		return p.Exited() || strings.Contains(p.Log.String(), "Everything is ready")
	}, 60*time.Second, 50*time.Millisecond)
	if p.Exited() {
		// Exited received from done, so reading err here is ordered after Wait.
		require.FailNowf(t, "collector exited at start", "%v\n%s", p.err, Tail(p.Log.String(), 40))
	}
	return c
}

// Post sends body to url and returns the status and response body.
func Post(t testing.TB, method, url, contentType string, body []byte, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

// ReadFileExport reads what a file exporter in a traces pipeline wrote:
// one OTLP JSON request a line. A line still being written is ignored.
func ReadFileExport(t testing.TB, path string) []ptrace.Traces {
	t.Helper()
	return readExport(t, path, (&ptrace.JSONUnmarshaler{}).UnmarshalTraces)
}

// readExport reads the complete lines of a file exporter's file with
// unmarshal.
func readExport[T any](t testing.TB, path string, unmarshal func([]byte) (T, error)) []T {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var out []T
	sc := bufio.NewReader(f)
	for {
		line, err := sc.ReadBytes('\n')
		if err != nil {
			break
		}
		data, uerr := unmarshal(line)
		require.NoError(t, uerr, "file exporter line: %s", line)
		out = append(out, data)
	}
	return out
}

// waitFor waits until items, read again and again, holds at least n.
func waitFor[T any](t testing.TB, what, path string, n int, items func() []T) []T {
	t.Helper()
	var got []T
	require.Eventually(t, func() bool {
		got = items()
		return len(got) >= n
	}, 30*time.Second, 100*time.Millisecond, "waiting for %d %s in %s", n, what, path)
	return got
}

// SpansIn returns every span of tds.
func SpansIn(tds []ptrace.Traces) []ptrace.Span {
	var out []ptrace.Span
	for _, td := range tds {
		rss := td.ResourceSpans()
		for i := 0; i < rss.Len(); i++ {
			sss := rss.At(i).ScopeSpans()
			for j := 0; j < sss.Len(); j++ {
				for k := 0; k < sss.At(j).Spans().Len(); k++ {
					out = append(out, sss.At(j).Spans().At(k))
				}
			}
		}
	}
	return out
}

// WaitForSpans waits until the file at path holds at least n spans.
func WaitForSpans(t testing.TB, path string, n int) []ptrace.Span {
	t.Helper()
	return waitFor(t, "spans", path, n, func() []ptrace.Span { return SpansIn(ReadFileExport(t, path)) })
}

// ReadRepoFile reads a file of the repository.
func ReadRepoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(RepoRoot, rel))
	require.NoError(t, err)
	return b
}

// ReadLogsExport reads what a file exporter in a logs pipeline wrote: one
// OTLP JSON request a line. A line still being written is ignored.
func ReadLogsExport(t testing.TB, path string) []plog.Logs {
	t.Helper()
	return readExport(t, path, (&plog.JSONUnmarshaler{}).UnmarshalLogs)
}

// RecordsIn returns every log record of lds.
func RecordsIn(lds []plog.Logs) []plog.LogRecord {
	var out []plog.LogRecord
	for _, ld := range lds {
		rls := ld.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			sls := rls.At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				for k := 0; k < sls.At(j).LogRecords().Len(); k++ {
					out = append(out, sls.At(j).LogRecords().At(k))
				}
			}
		}
	}
	return out
}

// WaitForRecords waits until the file at path holds at least n log records.
func WaitForRecords(t testing.TB, path string, n int) []plog.LogRecord {
	t.Helper()
	return waitFor(t, "log records", path, n, func() []plog.LogRecord { return RecordsIn(ReadLogsExport(t, path)) })
}

// SeedCorpus adds every file that matches pattern, relative to the test's
// package directory, to a fuzz target's seed corpus; there must be some.
func SeedCorpus(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(pattern)
	require.NoError(f, err)
	require.NotEmpty(f, files, "no seed files match %s", pattern)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(b)
	}
}
