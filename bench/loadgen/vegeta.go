package main

// Driving vegeta: the targets it reads, one body file each, and its results.

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"
)

// attack feeds one phase's requests to vegeta.
type attack struct {
	c       runConfig
	payload *benchdata.Payload
	signer  *benchdata.Signer
	run     uint64
	seq     uint64
	dir     string // body files, see targets
}

// hit is one request as vegeta reports it.
type hit struct {
	start   int64 // Unix nanoseconds
	latency time.Duration
	code    int // 0: transport error
	err     string
}

// bodyDir is where the body files go: memory-backed when the machine has
// /dev/shm.
func bodyDir() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

// bodyRing is how many body files of size bytes are reused in turn: about
// 256 MiB of them, at least 128 and at most 4096. vegeta reads a body file
// when it reads its target, and targets reach it through a pipe shrunk to a
// page (see vegeta), a 4 KiB buffer on each side: at most a few dozen
// targets ahead, so a file is long read before its name comes round again.
func bodyRing(size int) uint64 {
	return uint64(min(max((256<<20)/max(size, 1), 128), 4096))
}

// errNoTargets is the error of vegeta's ErrNoTargets.
const errNoTargets = "no targets to attack"

// fSetPipeSize is Linux's F_SETPIPE_SZ.
const fSetPipeSize = 1031

// vegeta runs `vegeta attack` at its maximum rate with c.concurrency
// workers and connections for d, or until limit requests have been sent
// (0: no limit), and returns what it measured. Targets are read lazily from
// a pipe that this process fills as vegeta asks: every request gets its own
// trace IDs and webhook-id and a fresh signature, so that a receiver with
// dedup on does real work, and a stock receiver gets the same bytes.
func (a *attack) vegeta(d time.Duration, limit int64) ([]hit, error) {
	out := filepath.Join(a.dir, "results.bin")
	n := strconv.Itoa(a.c.concurrency)
	cmd := exec.Command(a.c.vegetaBin, "attack", "-lazy", "-format=http", "-rate=0",
		"-workers="+n, "-max-workers="+n, "-connections="+n, "-max-connections="+n,
		"-duration="+d.String(), "-timeout="+a.c.timeout.String(), "-http2=false",
		"-name="+a.c.label, "-output="+out)
	cmd.Stderr = os.Stderr
	pr, stdin, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	// Keep the targets written ahead of vegeta few (see bodyRing).
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, stdin.Fd(), fSetPipeSize, 4096); errno != 0 {
		_, _ = pr.Close(), stdin.Close()
		return nil, fmt.Errorf("shrinking the targets pipe: %w", errno)
	}
	cmd.Stdin = pr
	if err := cmd.Start(); err != nil {
		_, _ = pr.Close(), stdin.Close()
		return nil, fmt.Errorf("starting vegeta: %w", err)
	}
	_ = pr.Close()
	genErr := make(chan error, 1)
	go func() { genErr <- a.targets(stdin, limit) }()
	waitErr := cmd.Wait()
	// vegeta stops reading at the deadline: the pipe breaks and the
	// generator returns.
	_ = stdin.Close()
	if err := <-genErr; err != nil && !errors.Is(err, os.ErrClosed) && !errors.Is(err, syscall.EPIPE) {
		return nil, fmt.Errorf("writing targets: %w", err)
	}
	if waitErr != nil {
		return nil, fmt.Errorf("vegeta attack: %w", waitErr)
	}
	return a.results(out)
}

// targets writes vegeta targets in its http format, each with its own body
// file, until limit targets (0: until the pipe breaks).
func (a *attack) targets(w io.WriteCloser, limit int64) error {
	bw := bufio.NewWriterSize(w, 4<<10)
	ring := bodyRing(len(a.payload.Body))
	var body []byte
	h := http.Header{}
	for i := int64(0); limit == 0 || i < limit; i++ {
		a.seq++
		body = a.payload.Fill(body, a.run, a.seq)
		file := filepath.Join(a.dir, strconv.FormatUint(a.seq%ring, 10)+".json")
		if err := os.WriteFile(file, body, 0o600); err != nil {
			return err
		}
		clear(h)
		h.Set("Content-Type", a.payload.ContentType)
		if a.c.sign {
			h.Set(benchdata.AuthHeader, benchdata.AuthValue)
			a.signer.Sign(h, body, benchdata.DeliveryID(a.run, a.seq), time.Now())
		}
		fmt.Fprintf(bw, "POST %s\n", a.c.url)
		for k, vs := range h {
			for _, v := range vs {
				fmt.Fprintf(bw, "%s: %s\n", k, v)
			}
		}
		if _, err := fmt.Fprintf(bw, "@%s\n\n", file); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return w.Close()
}

// results reads vegeta's results file through `vegeta encode -to csv`.
func (a *attack) results(file string) ([]hit, error) {
	cmd := exec.Command(a.c.vegetaBin, "encode", "-to", "csv", file)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := csv.NewReader(bufio.NewReaderSize(stdout, 1<<20))
	r.FieldsPerRecord = -1
	var hits []hit
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = cmd.Wait()
			return nil, fmt.Errorf("reading vegeta results: %w", err)
		}
		// Columns: timestamp (ns), status, latency (ns), bytes out, bytes
		// in, error, ...
		if len(rec) < 6 {
			return nil, fmt.Errorf("vegeta result with %d columns", len(rec))
		}
		ts, err1 := strconv.ParseInt(rec[0], 10, 64)
		code, err2 := strconv.Atoi(rec[1])
		ns, err3 := strconv.ParseInt(rec[2], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("vegeta result %q: %w", rec[:3], err)
		}
		// vegeta also puts an error on a non-2xx answer ("503 Service
		// Unavailable"); only code 0 is a transport error. A worker that
		// finds no more targets (-max-requests) reports that as a result
		// of its own, which is no request.
		if code == 0 && rec[5] == errNoTargets {
			continue
		}
		hits = append(hits, hit{start: ts, latency: time.Duration(ns), code: code, err: rec[5]})
	}
	return hits, cmd.Wait()
}
