// Command loadgen drives the load phases of bench/run.sh.
//
//	loadgen collectors -ours URL -ours-pid P -stock URL -stock-pid P \
//	    -floor URL -floor-pid P -both-ours URL -both-stock URL -both-pid P
//	loadgen headline collectors.json
//	loadgen exporters -target stock=URL@PID -target ours=URL@PID ... \
//	    -alone stock=URL -alone ours=URL ... -alone-pid P -sink-url URL
//	loadgen exporters-report exporters.json
//	loadgen run -label ours -url http://127.0.0.1:4319/v1/traces -spans 100 \
//	    -concurrency 8 -duration 15s -pid 1234 -out ours.json
//	loadgen report ours.json stock.json -ratio ours/stock
//	loadgen ports 5
//	loadgen wait http://127.0.0.1:13133/ 30s
//	loadgen goratios receiver.txt exporter.txt
//
// collectors is the headline: whole collectors, ours against stock, loaded
// at once and alone (collectors.go); exporters does the same for
// collectors that differ only in their exporter (exporters.go). run has vegeta (https://github.com/tsenart/vegeta, installed by
// bench/run.sh) POST Broadcast-like OTLP JSON bodies (bench/benchdata) at a
// fixed concurrency for a bounded time and number of requests, and reads its
// results: vegeta sends and times the requests, loadgen only writes the
// targets it reads and sums up what it measured. Every request has
// its own trace IDs and webhook-id, and is signed with Standard Webhooks and
// carries the required header of bench/config, so a receiver with dedup on
// does real work; a stock receiver gets the same bytes and ignores the
// headers. While it runs it samples the collector process (-pid): CPU time
// from /proc/<pid>/stat and peak RSS from /proc/<pid>/status. It prints one
// line and writes the result as JSON for report.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCmd(os.Args[2:])
	case "report":
		err = reportCmd(os.Args[2:])
	case "ports":
		err = portsCmd(os.Args[2:])
	case "wait":
		err = waitCmd(os.Args[2:])
	case "check-console":
		err = checkConsoleCmd(os.Args[2:])
	case "goratios":
		err = goRatiosCmd(os.Args[2:])
	case "collectors":
		err = collectorsCmd(os.Args[2:])
	case "headline":
		err = reprintCmd("headline", os.Args[2:], printHeadline)
	case "exporters":
		err = exportersCmd(os.Args[2:])
	case "exporters-report":
		err = reprintCmd("exporters-report", os.Args[2:], printExporters)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: loadgen collectors|headline|exporters|exporters-report|run|report|ports|wait|check-console|goratios ... (see the package documentation)")
	os.Exit(2)
}
