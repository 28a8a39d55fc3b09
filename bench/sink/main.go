// Command sink is the receiving end of the exporter phases of bench/run.sh:
// it drains every POST or PUT and answers 200 with an empty OTLP JSON
// response, so that the exporters under test, not the sink, set the pace.
// GET /stats returns {"Requests":n,"Bytes":n} for the load generator.
//
//	sink -listen 127.0.0.1:4320
package main

import (
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
	"sync/atomic"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:4320", "address to listen on")
	flag.Parse()

	var requests, bytes atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct{ Requests, Bytes int64 }{requests.Load(), bytes.Load()})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		requests.Add(1)
		bytes.Add(n)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	})
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
