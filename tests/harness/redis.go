package harness

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// redisBin is where `make test-servers` installs Debian's redis-server.
const redisBin = "/usr/bin/redis-server"

// Redis is a redis-server child process on a loopback port with its own
// directory and no persistence. Tests talk to it with their own client.
type Redis struct {
	// Addr is host:port of the server (the TLS port when TLS is on).
	Addr string
	// Dir is the server's working directory.
	Dir string

	t      testing.TB
	bin    string
	args   []string
	tls    bool
	proc   *Process
	paused bool
}

// RedisTLS holds the files of a TLS-only Redis (see StartRedisTLS).
type RedisTLS struct {
	CertFile, KeyFile, CAFile string
}

// StartRedis starts redis-server on a free loopback port with a temporary
// directory, waits until it answers PING, and stops it by its PID when the
// test ends. extra is appended to the command line (e.g. "--requirepass", "x").
func StartRedis(t testing.TB, extra ...string) *Redis {
	t.Helper()
	return startRedis(t, nil, extra)
}

// StartRedisTLS is StartRedis with TLS only (no plain-TCP port): the server
// presents cert and key and does not ask clients for certificates.
func StartRedisTLS(t testing.TB, files RedisTLS, extra ...string) *Redis {
	t.Helper()
	return startRedis(t, &files, extra)
}

func startRedis(t testing.TB, files *RedisTLS, extra []string) *Redis {
	t.Helper()
	r := &Redis{t: t, bin: redisBinary(t), Dir: t.TempDir(), tls: files != nil}
	// A port that was free a moment ago can be taken before redis binds it:
	// try a few.
	var err error
	for range 3 {
		port := FreePort(t)
		r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		r.args = []string{"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", r.Dir}
		if files != nil {
			r.args = append(r.args, "--port", "0", "--tls-port", strconv.Itoa(port),
				"--tls-cert-file", files.CertFile, "--tls-key-file", files.KeyFile,
				"--tls-ca-cert-file", files.CAFile, "--tls-auth-clients", "no")
		} else {
			r.args = append(r.args, "--port", strconv.Itoa(port))
		}
		r.args = append(r.args, extra...)
		if err = r.start(); err == nil {
			break
		}
	}
	require.NoError(t, err)
	return r
}

func redisBinary(t testing.TB) string {
	if _, err := os.Stat(redisBin); err == nil {
		return redisBin
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p
	}
	require.FailNow(t, "redis-server not found", "%s is missing and redis-server is not on PATH: run `make test-servers`", redisBin)
	return ""
}

// start runs the server and waits until it answers, or reports why not.
func (r *Redis) start() error {
	r.t.Helper()
	p := StartProcess(r.t, "redis-server", r.Dir, nil, r.bin, r.args...)
	// Runs before StartProcess's cleanup (LIFO): a stopped process would
	// ignore its SIGTERM.
	r.t.Cleanup(func() {
		if r.paused {
			_ = syscall.Kill(p.Cmd.Process.Pid, syscall.SIGCONT)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if p.Exited() {
			return fmt.Errorf("redis-server exited at start:\n%s", Tail(p.Log.String(), 20))
		}
		if r.ping() == nil {
			r.proc = p
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.Stop(syscall.SIGKILL)
	return fmt.Errorf("redis-server did not answer PING on %s within 15s:\n%s", r.Addr, Tail(p.Log.String(), 20))
}

// ping sends PING and accepts any reply: an authentication error still
// means the server is serving.
func (r *Redis) ping() error {
	conn, err := net.DialTimeout("tcp", r.Addr, time.Second)
	if err != nil {
		return err
	}
	if r.tls {
		conn = tls.Client(conn, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // readiness probe only
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "-") {
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}

// Stop stops the server (SIGTERM, then SIGKILL) and waits for it to exit.
func (r *Redis) Stop() {
	if r.paused {
		r.Resume()
	}
	r.proc.Stop(syscall.SIGTERM)
}

// Restart stops the server and starts it again on the same port and
// directory. Nothing is persisted, so it comes back empty.
func (r *Redis) Restart() {
	r.t.Helper()
	r.Stop()
	require.NoError(r.t, r.start())
}

// Pause stops the server process (SIGSTOP): connections stay open and
// nothing is answered, as with a server that hangs.
func (r *Redis) Pause() {
	require.NoError(r.t, syscall.Kill(r.proc.Cmd.Process.Pid, syscall.SIGSTOP))
	r.paused = true
}

// Resume continues a paused server (SIGCONT).
func (r *Redis) Resume() {
	require.NoError(r.t, syscall.Kill(r.proc.Cmd.Process.Pid, syscall.SIGCONT))
	r.paused = false
}
