package webhookconsoleextension // import "github.com/otelcol-webhook/otelcol-webhook/extension/webhookconsoleextension"

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/otelcol-webhook/otelcol-webhook/internal/console"
)

// exporterKey names one signal of one exporter.
type exporterKey struct{ id, signal string }

// registry holds the components registered with the console.
type registry struct {
	mu        sync.RWMutex
	exporters map[exporterKey]console.Exporter
}

func newRegistry() *registry {
	return &registry{exporters: map[exporterKey]console.Exporter{}}
}

// addExporter registers e and returns the function that removes it. An
// exporter that registers again under the same key replaces the first.
func (r *registry) addExporter(e console.Exporter) func() {
	key := exporterKey{e.ID(), e.Signal()}
	r.mu.Lock()
	r.exporters[key] = e
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.exporters[key] == e {
			delete(r.exporters, key)
		}
	}
}

// allExporters returns the registered exporters sorted by ID and signal.
func (r *registry) allExporters() []console.Exporter {
	r.mu.RLock()
	list := make([]console.Exporter, 0, len(r.exporters))
	for _, e := range r.exporters {
		list = append(list, e)
	}
	r.mu.RUnlock()
	slices.SortFunc(list, func(a, b console.Exporter) int {
		return cmp.Or(cmp.Compare(a.ID(), b.ID()), cmp.Compare(a.Signal(), b.Signal()))
	})
	return list
}

// errUnknownExporter and errAmbiguousSignal are the lookup's 404 and 400.
type lookupError struct {
	msg      string
	notFound bool
}

func (e *lookupError) Error() string { return e.msg }

// exporter finds one exporter by ID and signal; the signal may be left out
// when the exporter serves only one.
func (r *registry) exporter(id, signal string) (console.Exporter, error) {
	if id == "" {
		return nil, &lookupError{msg: `"exporter" is required`}
	}
	var matches []console.Exporter
	for _, e := range r.allExporters() {
		if e.ID() == id && (signal == "" || e.Signal() == signal) {
			matches = append(matches, e)
		}
	}
	switch len(matches) {
	case 0:
		if signal != "" {
			return nil, &lookupError{msg: fmt.Sprintf("no exporter %q with signal %q is registered", id, signal), notFound: true}
		}
		return nil, &lookupError{msg: fmt.Sprintf("no exporter %q is registered", id), notFound: true}
	case 1:
		return matches[0], nil
	}
	signals := make([]string, len(matches))
	for i, e := range matches {
		signals[i] = e.Signal()
	}
	return nil, &lookupError{msg: fmt.Sprintf("exporter %q serves %s: name the \"signal\"", id, strings.Join(signals, ", "))}
}
