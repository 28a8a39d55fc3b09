package main

// Small commands for bench/run.sh: free ports, waiting for a URL, checking
// the console.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// portsCmd prints n free loopback TCP ports, one per line, below the
// kernel's range of ephemeral ports: a port from that range (what port 0
// gives) can be taken by one of the thousands of connections the load
// opens between now and the moment a collector or the sink listens on it.
func portsCmd(args []string) error {
	n := 1
	if len(args) > 0 {
		var err error
		if n, err = strconv.Atoi(args[0]); err != nil {
			return err
		}
	}
	ports, err := freePorts(n, ephemeralLow())
	if err != nil {
		return err
	}
	for _, p := range ports {
		fmt.Println(p)
	}
	return nil
}

// lowestPort is where freePorts starts looking: above the well-known and
// most registered ports.
const lowestPort = 10000

// freePorts finds n loopback ports between lowestPort and below, each free
// now (held open until all are found, so none is given twice); with no room
// below below, it takes what port 0 gives.
func freePorts(n, below int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	var ports []int
	next := lowestPort + rand.IntN(max(below-lowestPort, 1))
	for tries := 0; len(ports) < n; tries++ {
		addr := "127.0.0.1:0"
		if below-lowestPort > 2*n && tries < 10*(below-lowestPort) {
			addr = "127.0.0.1:" + strconv.Itoa(next)
			if next++; next >= below {
				next = lowestPort
			}
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			if addr == "127.0.0.1:0" {
				return nil, err
			}
			continue
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// ephemeralLow is the lowest port the kernel gives outgoing connections
// (ip_local_port_range), or Linux's default where that cannot be read.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if lo, err := strconv.Atoi(f[0]); err == nil {
				return lo
			}
		}
	}
	return 32768
}

// waitCmd polls url until it answers 2xx, for at most the given time.
func waitCmd(args []string) error {
	if len(args) != 2 {
		return errors.New("wait: usage: wait URL TIMEOUT")
	}
	timeout, err := time.ParseDuration(args[1])
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(args[0]) //nolint:gosec // loopback URL given by the script
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait: %s not ready after %s", args[0], timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkConsoleCmd fails unless the console's received API at the URL
// lists a request: the headline's console collector must have recorded
// what it answered, or its row would measure a console that does nothing.
func checkConsoleCmd(args []string) error {
	if len(args) != 1 {
		return errors.New("check-console: usage: check-console URL")
	}
	resp, err := http.Get(args[0])
	if err != nil {
		return fmt.Errorf("check-console: %w", err)
	}
	defer resp.Body.Close()
	var page struct {
		Received []struct {
			Outcome string `json:"outcome"`
		} `json:"received"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return fmt.Errorf("check-console: %s answered %s: %w", args[0], resp.Status, err)
	}
	if len(page.Received) == 0 || page.Received[0].Outcome != "accepted" {
		return fmt.Errorf("check-console: the console recorded no accepted request (%+v)", page.Received)
	}
	fmt.Println("the console recorded the requests its receiver answered")
	return nil
}

// writeResults writes a phase's results as JSON to path (its -out), when
// path is set; reprintCmd reads them back.
func writeResults(path string, results any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// reprintCmd prints the tables of a results file written by a phase's -out
// again (commands headline and exporters-report).
func reprintCmd[T any](name string, args []string, print func(io.Writer, T)) error {
	if len(args) != 1 {
		return fmt.Errorf("%s: usage: %s RESULTS.json", name, name)
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var results T
	if err := json.Unmarshal(b, &results); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	print(os.Stdout, results)
	return nil
}
