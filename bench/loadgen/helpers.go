package main

// Small commands for bench/run.sh: free ports, waiting for a URL.

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// portsCmd prints n free loopback TCP ports, one per line.
func portsCmd(args []string) error {
	n := 1
	if len(args) > 0 {
		var err error
		if n, err = strconv.Atoi(args[0]); err != nil {
			return err
		}
	}
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		lns = append(lns, ln)
		fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	}
	return nil
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
