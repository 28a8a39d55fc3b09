package webhookexporter

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
)

// burstServer holds every request until a burst of n has arrived, so that
// each burst needs n connections at once, and counts the connections.
type burstServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newBurstServer(t *testing.T, n int) *burstServer {
	t.Helper()
	s := &burstServer{}
	var mu sync.Mutex
	waiting := 0
	release := make(chan struct{})
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		ch := release
		if waiting++; waiting == n {
			waiting = 0
			close(release)
			release = make(chan struct{})
		}
		mu.Unlock()
		<-ch
		w.WriteHeader(http.StatusOK)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// Bursts of requests sent at once reuse their connections: by default the
// exporter keeps as many idle connections to its endpoint as a burst used,
// where Go's default (2) closed all but 2 after each burst and opened them
// again for the next; keepalive::max_idle_conns_per_host still bounds them.
func TestBurstsOfRequestsKeepTheirConnections(t *testing.T) {
	const burst, bursts = 8, 20
	send := func(t *testing.T, cfg *Config, srv *burstServer) int64 {
		exp := startExporter(t, cfg, nopSettings())
		for range bursts {
			var wg sync.WaitGroup
			for range burst {
				wg.Go(func() {
					assert.NoError(t, exp.ConsumeTraces(context.Background(), testTraces(1, 1, 1)))
				})
			}
			wg.Wait()
		}
		return srv.conns.Load()
	}

	t.Run("default", func(t *testing.T) {
		srv := newBurstServer(t, burst)
		conns := send(t, testConfig(srv.URL), srv)
		// A burst needs 8; a request may dial a ninth while another
		// connection comes back, which is kept too.
		assert.LessOrEqual(t, conns, int64(2*burst), "%d connections for %d bursts of %d", conns, bursts, burst)
	})
	t.Run("max_idle_conns_per_host", func(t *testing.T) {
		srv := newBurstServer(t, burst)
		cfg := testConfig(srv.URL)
		require.NoError(t, confmap.NewFromStringMap(map[string]any{
			"keepalive": map[string]any{"max_idle_conns_per_host": 1},
		}).Unmarshal(cfg))
		conns := send(t, cfg, srv)
		assert.Greater(t, conns, int64(2*burst), "one idle connection kept: most of each burst dials anew")
	})
}
