// Package dedup remembers the keys a webhook receiver accepted (delivery
// ids, spans, event ids) so that a sender's retries are not forwarded twice.
//
// The state lives in one of three backends: memory (bounded LRU caches of
// this process), storage (a collector storage extension such as
// file_storage: survives restarts) or redis (shared by every replica; a
// reservation is an atomic SET NX, and a reservation whose replica died is
// taken over once its lease ends). A request reserves all its keys in one
// backend round trip with Reserve and, once the pipeline answered, keeps or
// releases them with Finish. Finish(accepted) with some of the keys of a
// Reserve call marks, in redis, every key of that call it still holds as
// done: finish the keys of a call together, as the receiver does.
package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"
