// Package e2e drives the built otelcol-webhook distribution as a process
// over loopback, together with peers we did not write.
package e2e

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
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// repoRoot is the repository root, two levels up from this package.
var repoRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}()

// collectorBin is the distribution under test: $OTELCOL_WEBHOOK_BIN, or
// bin/otelcol-webhook, built with `make build` when missing.
var collectorBin string

func TestMain(m *testing.M) {
	collectorBin = os.Getenv("OTELCOL_WEBHOOK_BIN")
	if collectorBin == "" {
		collectorBin = filepath.Join(repoRoot, "bin", "otelcol-webhook")
		if _, err := os.Stat(collectorBin); err != nil {
			cmd := exec.Command("make", "build")
			cmd.Dir = repoRoot
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "building the distribution with `make build` failed: %v\n", err)
				os.Exit(1)
			}
		}
	}
	os.Exit(m.Run())
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// process is a child process that is stopped by its PID when the test ends,
// whether it passed or not, and also if the test binary dies (Pdeathsig).
type process struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	err  error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startProcess(t *testing.T, name string, dir string, env []string, bin string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	p := &process{t: t, name: name, cmd: cmd, log: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start(), "starting %s", name)
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(syscall.SIGTERM)
		if t.Failed() {
			t.Logf("--- %s (pid %d) output:\n%s", name, cmd.Process.Pid, tail(p.log.String(), 60))
		}
	})
	return p
}

// stop signals the process by its PID and waits for it, escalating to
// SIGKILL after ten seconds.
func (p *process) stop(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(p.cmd.Process.Pid, sig)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// collector is a running otelcol-webhook process.
type collector struct {
	*process
	dir string
}

// startCollector writes config (a YAML text in which {{dir}} is replaced by
// the test's temporary directory) and runs the distribution on it until it
// reports that everything is ready.
func startCollector(t *testing.T, config string) *collector {
	t.Helper()
	dir := t.TempDir()
	return startCollectorIn(t, dir, config)
}

func startCollectorIn(t *testing.T, dir, config string) *collector {
	t.Helper()
	config = strings.ReplaceAll(config, "{{dir}}", dir)
	path := filepath.Join(dir, fmt.Sprintf("config-%d.yaml", time.Now().UnixNano()))
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	p := startProcess(t, "otelcol-webhook", dir, nil, collectorBin, "--config", path)
	c := &collector{process: p, dir: dir}
	require.Eventually(t, func() bool {
		return p.exited() || strings.Contains(p.log.String(), "Everything is ready")
	}, 60*time.Second, 50*time.Millisecond)
	require.False(t, p.exited(), "collector exited at start: %v\n%s", p.err, tail(p.log.String(), 40))
	return c
}

// post sends body to url and returns the status and response body.
func post(t *testing.T, method, url, contentType string, body []byte, headers ...string) (int, string) {
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

// readFileExport reads what a file exporter wrote: one OTLP JSON request a
// line. A line still being written is ignored.
func readFileExport(t *testing.T, path string) []ptrace.Traces {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var out []ptrace.Traces
	sc := bufio.NewReader(f)
	for {
		line, err := sc.ReadBytes('\n')
		if err != nil {
			break
		}
		td, uerr := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
		require.NoError(t, uerr, "file exporter line: %s", line)
		out = append(out, td)
	}
	return out
}

// spansIn returns every span of tds.
func spansIn(tds []ptrace.Traces) []ptrace.Span {
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

// waitForSpans waits until the file at path holds at least n spans.
func waitForSpans(t *testing.T, path string, n int) []ptrace.Span {
	t.Helper()
	var spans []ptrace.Span
	require.Eventually(t, func() bool {
		spans = spansIn(readFileExport(t, path))
		return len(spans) >= n
	}, 30*time.Second, 100*time.Millisecond, "waiting for %d spans in %s", n, path)
	return spans
}

func readRepoFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, rel))
	require.NoError(t, err)
	return b
}
