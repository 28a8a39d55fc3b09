package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
)

// sharedReceivers holds one receiver per configuration, so that the traces
// and logs pipelines that use the same receiver share its HTTP server, as the
// core otlp receiver does. The core's sharedcomponent package is internal to
// the collector; this is the part of it the receiver needs.
type sharedReceivers struct {
	mu        sync.Mutex
	receivers map[*Config]*sharedReceiver
}

var receivers = &sharedReceivers{receivers: map[*Config]*sharedReceiver{}}

// loadOrStore returns the receiver of cfg, creating it with create the first
// time.
func (s *sharedReceivers) loadOrStore(cfg *Config, create func() (*webhookReceiver, error)) (*sharedReceiver, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.receivers[cfg]; ok {
		return r, nil
	}
	r, err := create()
	if err != nil {
		return nil, err
	}
	shared := &sharedReceiver{webhookReceiver: r, remove: func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.receivers, cfg)
	}}
	s.receivers[cfg] = shared
	return shared, nil
}

// sharedReceiver is what each pipeline gets: the receiver, started by the
// first pipeline that starts it and shut down by the first that shuts it
// down, after which it is forgotten and Start does nothing.
type sharedReceiver struct {
	*webhookReceiver
	remove func()

	mu       sync.Mutex
	started  bool
	stopped  bool
	startErr error
	hosts    *hostFanout
}

// Start starts the receiver once and returns that start's error to every
// pipeline; each pipeline's host receives the receiver's status events.
func (s *sharedReceiver) Start(ctx context.Context, host component.Host) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	if s.started {
		s.hosts.add(host)
		return s.startErr
	}
	s.started = true
	s.hosts = &hostFanout{host: host}
	s.hosts.add(host)
	s.startErr = s.webhookReceiver.Start(ctx, s.hosts)
	return s.startErr
}

// Shutdown shuts the receiver down once; it is safe before Start.
func (s *sharedReceiver) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	s.remove()
	return s.webhookReceiver.Shutdown(ctx)
}

// hostFanout is the host the shared receiver starts with: it reports status
// events to the host of every pipeline that shares the receiver.
type hostFanout struct {
	host component.Host

	mu      sync.Mutex
	targets []componentstatus.Reporter
	events  []*componentstatus.Event
}

var _ componentstatus.Reporter = (*hostFanout)(nil)

func (h *hostFanout) GetExtensions() map[component.ID]component.Component {
	return h.host.GetExtensions()
}

func (h *hostFanout) add(host component.Host) {
	r, ok := host.(componentstatus.Reporter)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	// A pipeline that starts later still learns what happened before.
	for _, e := range h.events {
		r.Report(e)
	}
	h.targets = append(h.targets, r)
}

func (h *hostFanout) Report(e *componentstatus.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) < 8 {
		h.events = append(h.events, e)
	}
	for _, r := range h.targets {
		r.Report(e)
	}
}
