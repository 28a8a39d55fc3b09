// Command sink is the receiving end of the exporter phases of bench/run.sh,
// and the floor of the headline: it drains every POST or PUT and answers
// 200 with an empty OTLP JSON response, so that the exporters under test,
// not the sink, set the pace. GET /stats returns
// {"Requests":n,"Bytes":n,"Connections":n,"Paths":{"/path":n,...}} for the
// load generator: the exporters of the exporter phase each send to a path
// of their own, so that it can check that every request it sent was
// exported; Connections counts the connections accepted, which shows a
// client that does not keep its connections.
//
//	sink -listen 127.0.0.1:4320
package main

import (
	"encoding/json"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:4320", "address to listen on")
	flag.Parse()

	var requests, bytes, conns atomic.Int64
	var paths sync.Map // path → *atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		byPath := map[string]int64{}
		paths.Range(func(k, v any) bool {
			byPath[k.(string)] = v.(*atomic.Int64).Load()
			return true
		})
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Requests, Bytes, Connections int64
			Paths                        map[string]int64
		}{requests.Load(), bytes.Load(), conns.Load(), byPath})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		requests.Add(1)
		bytes.Add(n)
		c, ok := paths.Load(r.URL.Path)
		if !ok {
			c, _ = paths.LoadOrStore(r.URL.Path, new(atomic.Int64))
		}
		c.(*atomic.Int64).Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	})
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}}
	log.Fatal(srv.ListenAndServe())
}
