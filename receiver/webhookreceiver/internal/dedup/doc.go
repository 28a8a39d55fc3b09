// Package dedup remembers the keys a webhook receiver accepted (delivery
// ids, spans, event ids) so that a sender's retries are not forwarded twice.
//
// The state lives in one of three backends: memory (bounded LRU caches of
// this process), storage (a collector storage extension such as
// file_storage: survives restarts) or redis (shared by every replica; a
// reservation is an atomic SET NX with a lease). A request reserves all its
// keys in one backend round trip with Reserve and, once the pipeline
// answered, keeps or releases them with Finish.
package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
