package reliability

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"
	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

const hostileBodyLimit = 1 * mib

// startHostileReceiver is a receiver with short server timeouts and a 1 MiB
// body limit.
func startHostileReceiver(t *testing.T) (*inProcessReceiver, *consumertest.TracesSink) {
	t.Helper()
	sink := new(consumertest.TracesSink)
	rcv := startInProcessReceiver(t, func(c *webhookreceiver.Config) {
		c.ServerConfig.ReadHeaderTimeout = time.Second
		c.ServerConfig.ReadTimeout = 2 * time.Second
		c.ServerConfig.MaxRequestBodySize = hostileBodyLimit
	}, sink, nil)
	return rcv, sink
}

// startConcurrentReceiver is a receiver with the hostile receiver's body
// limit and the default server timeouts: a test of many clients at once
// must not depend on how fast a busy machine reads each one's headers.
func startConcurrentReceiver(t *testing.T) (*inProcessReceiver, *consumertest.TracesSink) {
	t.Helper()
	sink := new(consumertest.TracesSink)
	rcv := startInProcessReceiver(t, func(c *webhookreceiver.Config) {
		c.ServerConfig.MaxRequestBodySize = hostileBodyLimit
	}, sink, nil)
	return rcv, sink
}

func dial(t *testing.T, rcv *inProcessReceiver) net.Conn {
	t.Helper()
	u, err := url.Parse(rcv.base)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	// Bounds every read of the test, whatever the server does.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
	return conn
}

// dribble writes data one byte every interval until it is all written, the
// connection fails, or stop is closed; it returns how many bytes it wrote.
func dribble(conn net.Conn, data []byte, interval time.Duration, stop <-chan struct{}) int {
	for i := range data {
		select {
		case <-stop:
			return i
		case <-time.After(interval):
		}
		if _, err := conn.Write(data[i : i+1]); err != nil {
			return i
		}
	}
	return len(data)
}

// readUntilClosed reads everything the server sends until it closes the
// connection, in the background. A reset is a close too: a server that
// cuts a client off while the client's next bytes are on their way (or
// unread in its buffer) closes with a reset, and how many bytes are in
// flight then depends on how busy the machine is.
func readUntilClosed(conn net.Conn) (<-chan []byte, <-chan error) {
	data, errs := make(chan []byte, 1), make(chan error, 1)
	go func() {
		b, err := io.ReadAll(conn)
		if errors.Is(err, syscall.ECONNRESET) {
			err = nil
		}
		data <- b
		errs <- err
	}()
	return data, errs
}

// TestSlowClients: a client that sends its headers a byte at a time is cut
// off by read_header_timeout, one that sends its body a byte at a time by
// read_timeout; neither ties the receiver up nor pushes anything.
func TestSlowClients(t *testing.T) {
	rcv, sink := startHostileReceiver(t)

	t.Run("slow headers", func(t *testing.T) {
		conn := dial(t, rcv)
		_, err := io.WriteString(conn, "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n")
		require.NoError(t, err)
		// 80 header bytes at 100ms each would take 8s; the timeout is 1s.
		rest := []byte("X-Slowloris: " + strings.Repeat("a", 60) + "\r\n\r\n")
		data, errs := readUntilClosed(conn)
		stop := make(chan struct{})
		wrote := make(chan int, 1)
		go func() { wrote <- dribble(conn, rest, 100*time.Millisecond, stop) }()

		var got []byte
		select {
		case got = <-data:
		case <-time.After(20 * time.Second):
			require.FailNow(t, "the server kept the slow-header connection open")
		}
		close(stop)
		n := <-wrote
		require.NoError(t, <-errs, "the server closed the connection")
		assert.Less(t, n, len(rest), "closed before the client finished its headers")
		assert.NotContains(t, string(got), "200 OK")
		t.Logf("FIGURES slow headers: connection closed after %d of %d dribbled header bytes; server sent %q", n, len(rest), got)
	})

	t.Run("slow body", func(t *testing.T) {
		body, _ := spanBatch(t, 4, 0, 1)
		conn := dial(t, rcv)
		_, err := fmt.Fprintf(conn, "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
		require.NoError(t, err)
		data, errs := readUntilClosed(conn)
		stop := make(chan struct{})
		wrote := make(chan int, 1)
		// At 50ms a byte the body would take far longer than read_timeout.
		go func() { wrote <- dribble(conn, body, 50*time.Millisecond, stop) }()

		var got []byte
		select {
		case got = <-data:
		case <-time.After(20 * time.Second):
			require.FailNow(t, "the server kept the slow-body connection open")
		}
		close(stop)
		n := <-wrote
		require.NoError(t, <-errs)
		assert.Less(t, n, len(body), "cut off before the body was complete")
		if len(got) > 0 {
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), nil)
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			msg, _ := io.ReadAll(resp.Body)
			assert.Contains(t, string(msg), "reading request body")
		}
		t.Logf("FIGURES slow body: cut off after %d of %d body bytes; server sent %q", n, len(body), firstLine(got))
	})

	assert.Zero(t, sink.SpanCount())
	resp, err := http.Get(rcv.health())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the receiver still serves")
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\r\n")
	return line
}

// TestOversizedBodyIsRefusedBeforeItIsRead declares a body of 100 MiB, sends
// 64 KiB of it and waits: the 413 comes without the rest being sent.
func TestOversizedBodyIsRefusedBeforeItIsRead(t *testing.T) {
	rcv, sink := startHostileReceiver(t)
	conn := dial(t, rcv)
	_, err := fmt.Fprintf(conn, "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 100*mib)
	require.NoError(t, err)
	_, err = conn.Write(bytes.Repeat([]byte(" "), 64<<10))
	require.NoError(t, err)

	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "an answer arrives while 100 MiB - 64 KiB are still unsent")
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(msg))
	assert.Contains(t, string(msg), fmt.Sprintf("request body exceeds max_request_body_size of %d bytes", hostileBodyLimit))
	assert.Zero(t, sink.SpanCount())
}

// TestCompressionBombs sends bodies that are small on the wire and 256 MiB
// once decompressed: the decompressed-size limit stops them with 413.
func TestCompressionBombs(t *testing.T) {
	rcv, sink := startHostileReceiver(t)
	zeros := make([]byte, mib)

	// A gzip stream may hold many members; each is 1 MiB of zeros.
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(zeros)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	gz := bytes.Repeat(member.Bytes(), 256)

	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	require.NoError(t, err)
	frame := enc.EncodeAll(zeros, nil)
	require.NoError(t, enc.Close())
	zst := bytes.Repeat(frame, 256)

	for _, c := range []struct {
		encoding string
		body     []byte
	}{{"gzip", gz}, {"zstd", zst}} {
		t.Run(c.encoding, func(t *testing.T) {
			require.Less(t, len(c.body), hostileBodyLimit, "the bomb fits the limit on the wire")
			req, err := http.NewRequest(http.MethodPost, rcv.url(), bytes.NewReader(c.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Encoding", c.encoding)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			msg := readAll(t, resp)
			require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, msg)
			assert.Contains(t, msg, "(after decompression)")
			t.Logf("FIGURES %s bomb: %d bytes on the wire, 256 MiB decompressed: %d", c.encoding, len(c.body), resp.StatusCode)
		})
	}
	assert.Zero(t, sink.SpanCount())
}

// TestManyConcurrentConnections opens 300 connections at once, a third with
// a valid delivery, a third with invalid JSON and a third with the wrong
// Content-Type: every request gets its proper answer, the valid spans all
// arrive once, and the health path answers afterwards.
func TestManyConcurrentConnections(t *testing.T) {
	const clients = 300
	rcv, sink := startConcurrentReceiver(t)

	type result struct {
		want, got int
		err       error
	}
	results := make([]result, clients)
	var valid []spanKey
	bodies := make([][]byte, clients)
	for i := range clients {
		if i%3 == 0 {
			body, keys := spanBatch(t, 5, byte(i/3), 1)
			bodies[i] = body
			valid = append(valid, keys...)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	var inFlight, maxInFlight atomic.Int64
	for i := range clients {
		wg.Go(func() {
			// One connection per client.
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 60 * time.Second}
			body, ct, want := bodies[i], "application/json", http.StatusOK
			switch i % 3 {
			case 1:
				body, want = []byte(`{"resourceSpans":[{"scopeSpans":[`), http.StatusBadRequest
			case 2:
				body, ct, want = []byte(`resourceSpans=1`), "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType
			}
			req, err := http.NewRequest(http.MethodPost, rcv.url(), bytes.NewReader(body))
			if err != nil {
				results[i] = result{want: want, err: err}
				return
			}
			req.Header.Set("Content-Type", ct)
			<-start
			n := inFlight.Add(1)
			for {
				m := maxInFlight.Load()
				if n <= m || maxInFlight.CompareAndSwap(m, n) {
					break
				}
			}
			resp, err := client.Do(req)
			inFlight.Add(-1)
			if err != nil {
				results[i] = result{want: want, err: err}
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results[i] = result{want: want, got: resp.StatusCode}
		})
	}
	close(start)
	wg.Wait()

	byStatus := map[int]int{}
	for i, r := range results {
		require.NoError(t, r.err, "client %d", i)
		require.Equal(t, r.want, r.got, "client %d", i)
		byStatus[r.got]++
	}
	resp, err := http.Get(rcv.health())
	require.NoError(t, err)
	health := readAll(t, resp)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"status":"ok"}`, health)

	got := map[spanKey]int{}
	for _, s := range harness.SpansIn(sink.AllTraces()) {
		got[keyOf(s)]++
	}
	requireExactlyOnce(t, valid, got)
	t.Logf("FIGURES concurrency: %d clients (one connection each, up to %d requests in flight), answers by status %v, "+
		"spans sent=%d delivered=%d, health after: %d", clients, maxInFlight.Load(), byStatus, len(valid), len(got), resp.StatusCode)
}
