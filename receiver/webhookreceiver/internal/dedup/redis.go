package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// A key's value in Redis is the token of the Reserve call that took it: "r",
// random hex that differs between replicas, ":" and a sequence number. Two
// marker keys per call say what became of it: "~lease:<token>" lives for the
// lease while the call's request is in flight, "~done:<token>" for the TTL
// once the pipeline accepted it. Finishing a request thus costs two commands
// whatever its number of keys, and a reservation whose replica died (its
// lease marker gone, no done marker) is taken over by the next request.
const (
	leaseMarker = "~lease:"
	doneMarker  = "~done:"
)

// Each call is one script, so that a request's keys cost one command and
// one round trip (go-redis sends EVALSHA, and EVAL once after a Redis
// restart emptied the script cache). A pipeline of one SET a key costs the
// client and the server about twice as much CPU.
var (
	// reserveScript: `SET key token NX PX ttl GET` for every key, and the
	// call's lease marker. The reply for a key is "" where it was absent
	// (or taken over, or already this call's: go-redis retried a call that
	// had run) and is now reserved; "d" and the milliseconds it stays done;
	// or "f" while another call holds it. KEYS: the keys; ARGV: token, TTL
	// and lease in milliseconds, the key prefix.
	reserveScript = redis.NewScript(`
local tok, ttl, lease, pfx = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('SET', pfx .. '~lease:' .. tok, '1', 'PX', lease)
local out = {}
for i, key in ipairs(KEYS) do
	local v = redis.call('SET', key, tok, 'NX', 'PX', ttl, 'GET')
	if not v or v == tok then
		out[i] = ''
	else
		local left = redis.call('PTTL', pfx .. '~done:' .. v)
		if left > 0 then
			out[i] = 'd' .. left
		elseif redis.call('EXISTS', pfx .. '~lease:' .. v) == 1 then
			out[i] = 'f'
		else
			redis.call('SET', key, tok, 'PX', ttl)
			out[i] = ''
		end
	end
end
return out`)

	// acceptScript marks every call in ARGV done for the TTL and ends its
	// lease: its keys are done, whoever asks. ARGV: the TTL in
	// milliseconds, the key prefix, the tokens.
	acceptScript = redis.NewScript(`
local ttl, pfx = ARGV[1], ARGV[2]
for i = 3, #ARGV do
	redis.call('SET', pfx .. '~done:' .. ARGV[i], '1', 'PX', ttl)
	redis.call('DEL', pfx .. '~lease:' .. ARGV[i])
end
return #ARGV - 2`)

	// releaseScript deletes each key only while it holds its reservation's
	// token (ARGV[i]): one whose lease ended may have been taken by another
	// replica since. The lease markers of the tokens go too.
	releaseScript = redis.NewScript(`
local n = 0
for i, key in ipairs(KEYS) do
	if redis.call('GET', key) == ARGV[i] then
		n = n + redis.call('DEL', key)
	end
end
for i = #KEYS + 2, #ARGV do
	redis.call('DEL', ARGV[#KEYS + 1] .. '~lease:' .. ARGV[i])
end
return n`)
)

type redisBackend struct {
	client  *redis.Client
	prefix  string
	leaseMs int64
	ttlMs   int64
	timeout time.Duration
	tel     *telemetry

	tokenBase string // random, so that tokens differ between replicas
	seq       atomic.Uint64
}

// redisResult is Redis's answer for one key.
type redisResult struct {
	state   State
	expires int64 // Done: the key's expiry, Unix nanoseconds (0: unknown)
	res     reservation
	failed  bool // the call failed: New only by on_error
}

func newRedisBackend(cfg Config, tel *telemetry) *redisBackend {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return &redisBackend{
		prefix:    cfg.Redis.KeyPrefix,
		leaseMs:   max(cfg.Lease.Milliseconds(), 1),
		ttlMs:     max(cfg.TTL.Milliseconds(), 1),
		timeout:   cfg.Redis.Timeout,
		tel:       tel,
		tokenBase: "r" + hex.EncodeToString(b[:]) + ":",
	}
}

// run runs a script bounded by the timeout, and records its latency.
func (r *redisBackend) run(ctx context.Context, s *redis.Script, keys []string, args ...any) *redis.Cmd {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	start := time.Now()
	defer r.tel.latency(ctx, srcRedis, start)
	return s.Run(ctx, r.client, keys, args...)
}

// reserve reserves the keys at pending in one call. Every key gets a result,
// also when the call failed (then with the error).
func (r *redisBackend) reserve(ctx context.Context, keys []Key, pending []int) ([]redisResult, error) {
	res := make([]redisResult, len(pending))
	token := r.tokenBase + strconv.FormatUint(r.seq.Add(1), 36)
	for j := range res {
		res[j] = redisResult{state: New, res: reservation{token: token}}
	}
	if r.client == nil {
		for j := range res {
			res[j].failed = true
		}
		return res, errNotStarted
	}
	full := make([]string, len(pending))
	for j, i := range pending {
		full[j] = r.prefix + keys[i].String()
	}
	vals, err := r.run(ctx, reserveScript, full, token, r.ttlMs, r.leaseMs, r.prefix).StringSlice()
	if err == nil && len(vals) != len(pending) {
		err = errors.New("reserve script: unexpected reply")
	}
	if err != nil {
		// The script may have run (a lost reply): the tokens are kept, and
		// releasing a token that was never set does nothing.
		for j := range res {
			res[j].failed = true
		}
		return res, err
	}
	readReserve(res, vals, time.Now().UnixNano())
	return res, nil
}

// readReserve turns the reserve script's reply into results: res holds the
// call's reservations, which the keys keep where the reply is "". now is
// when the reply came, from which a done key's expiry is counted.
func readReserve(res []redisResult, vals []string, now int64) {
	for j, val := range vals {
		switch {
		case val == "":
			// Reserved.
		case val[0] == 'd':
			ms, _ := strconv.ParseInt(val[1:], 10, 64)
			res[j] = redisResult{state: Done, expires: now + ms*int64(time.Millisecond)}
		default:
			res[j] = redisResult{state: InFlight}
		}
	}
}

// accept marks the calls that reserved keys done for the TTL, in one call.
// It runs even when the request's context has ended.
func (r *redisBackend) accept(ctx context.Context, rs []reservation) error {
	args := []any{r.ttlMs, r.prefix}
	seen := map[string]bool{}
	for _, res := range rs {
		if res.token != "" && !seen[res.token] {
			seen[res.token] = true
			args = append(args, res.token)
		}
	}
	if len(args) == 2 {
		return nil
	}
	if r.client == nil {
		return errNotStarted
	}
	return r.run(context.WithoutCancel(ctx), acceptScript, nil, args...).Err()
}

// release deletes the reservations of keys that are still theirs, and the
// lease markers of their calls, in one call; keys without a reservation are
// skipped.
func (r *redisBackend) release(ctx context.Context, keys []Key, rs []reservation) error {
	var full []string
	var tokens []any
	seen := map[string]bool{}
	for i, key := range keys {
		if rs[i].token == "" {
			continue
		}
		full = append(full, r.prefix+key.String())
		tokens = append(tokens, rs[i].token)
	}
	if len(full) == 0 {
		return nil
	}
	if r.client == nil {
		return errNotStarted
	}
	args := append(tokens, r.prefix)
	for _, res := range rs {
		if res.token != "" && !seen[res.token] {
			seen[res.token] = true
			args = append(args, res.token)
		}
	}
	return r.run(context.WithoutCancel(ctx), releaseScript, full, args...).Err()
}

// reserveRedis answers keys from the local state and, for the others, from
// Redis in one call. Redis arbitrates between requests and replicas, so no
// lock is held across the call.
func (d *Deduplicator) reserveRedis(ctx context.Context, keys []Key, states []State, now int64) error {
	l := d.local
	l.mu.Lock()
	hits, pending := l.screen(keys, states, now)
	l.mu.Unlock()
	d.tel.hits(ctx, srcLocal, hits)
	if len(pending) == 0 {
		return nil
	}
	res, err := d.redis.reserve(ctx, keys, pending)
	if err != nil {
		if err := d.reserveFailed(ctx, err); err != nil {
			d.releaseFailed(ctx, keys, pending, res)
			return err
		}
	}
	lease := now + int64(d.cfg.Lease)
	hits, misses := 0, 0
	l.mu.Lock()
	for j, i := range pending {
		r := res[j]
		states[i] = r.state
		switch r.state {
		case New:
			r.res.expires = lease
			l.inflight[keys[i]] = r.res
			if !r.failed {
				misses++
			}
		case Done:
			hits++
			if r.expires > now {
				l.done.add(keys[i], entry{expires: r.expires, done: true})
			}
		}
	}
	l.mu.Unlock()
	d.tel.hits(ctx, srcRedis, hits)
	d.tel.misses(ctx, srcRedis, misses)
	return nil
}

// releaseFailed gives back, best effort, what a failed call may have
// reserved before on_error: retry refused the request. What it cannot give
// back expires with the lease.
func (d *Deduplicator) releaseFailed(ctx context.Context, keys []Key, pending []int, res []redisResult) {
	if d.redis.client == nil {
		return
	}
	rk := make([]Key, len(pending))
	rs := make([]reservation, len(pending))
	for j, i := range pending {
		rk[j], rs[j] = keys[i], res[j].res
	}
	_ = d.redis.release(ctx, rk, rs)
}

// finishRedis ends the reservations in Redis, then locally.
func (d *Deduplicator) finishRedis(ctx context.Context, keys []Key, accepted bool, now int64) {
	expires := now + int64(d.cfg.TTL)
	var err error
	if rs := d.local.reservations(keys); accepted {
		err = d.redis.accept(ctx, rs)
	} else {
		err = d.redis.release(ctx, keys, rs)
	}
	if err != nil {
		d.finishFailed(ctx, err)
	}
	d.local.finish(keys, accepted, expires)
}
