package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// A key's value in Redis is either a reservation (a token unique to the
// Reserve call, "r" + random + a sequence number + ".", and the key's slot
// in the call) or the done mark "d" followed by the key's expiry in Unix
// milliseconds, which lets another replica cache the key exactly as long.
const doneMark = 'd'

// Each call is one script, so that a request's keys cost one command and
// one round trip (go-redis sends EVALSHA, and EVAL once after a Redis
// restart emptied the script cache). A pipeline of one SET a key costs the
// client and the server about twice as much CPU.
var (
	// reserveScript: `SET key token.slot NX PX lease GET` for every key;
	// the previous value, or "" where the key was absent and is now
	// reserved.
	reserveScript = redis.NewScript(`
local out = {}
for i, key in ipairs(KEYS) do
	out[i] = redis.call('SET', key, ARGV[1] .. i, 'NX', 'PX', ARGV[2], 'GET') or ''
end
return out`)

	// acceptScript marks every key done for the TTL, unconditionally: the
	// data was accepted, whoever holds the key now.
	acceptScript = redis.NewScript(`
for _, key in ipairs(KEYS) do
	redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return #KEYS`)

	// releaseScript deletes a reservation only while it is still this one:
	// one whose lease ended may have been taken by another replica since.
	releaseScript = redis.NewScript(`
local n = 0
for i, key in ipairs(KEYS) do
	if redis.call('GET', key) == ARGV[i] then
		n = n + redis.call('DEL', key)
	end
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

func (r *redisBackend) keys(keys []string) []string {
	out := make([]string, len(keys))
	for i, key := range keys {
		out[i] = r.prefix + key
	}
	return out
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
func (r *redisBackend) reserve(ctx context.Context, keys []string, pending []int) ([]redisResult, error) {
	res := make([]redisResult, len(pending))
	token := r.tokenBase + strconv.FormatUint(r.seq.Add(1), 36) + "."
	for j := range res {
		res[j] = redisResult{state: New, res: reservation{token: token, slot: int32(j + 1)}}
	}
	if r.client == nil {
		for j := range res {
			res[j].failed = true
		}
		return res, errNotStarted
	}
	full := make([]string, len(pending))
	for j, i := range pending {
		full[j] = r.prefix + keys[i]
	}
	vals, err := r.run(ctx, reserveScript, full, token, r.leaseMs).StringSlice()
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
	readReserve(res, vals, token)
	return res, nil
}

// readReserve turns the reserve script's reply into results: res holds the
// call's reservations, which the keys keep where they were absent.
func readReserve(res []redisResult, vals []string, token string) {
	for j, val := range vals {
		switch {
		case val == "":
			// Was absent: reserved.
		case strings.HasPrefix(val, token) && val[len(token):] == strconv.Itoa(j+1):
			// go-redis retried a call that had run: still ours.
		case val[0] == doneMark:
			ms, _ := strconv.ParseInt(val[1:], 10, 64)
			res[j] = redisResult{state: Done, expires: ms * int64(time.Millisecond)}
		default:
			res[j] = redisResult{state: InFlight}
		}
	}
}

// accept marks keys done until expires (Unix nanoseconds) for the TTL, in
// one call. It runs even when the request's context has ended.
func (r *redisBackend) accept(ctx context.Context, keys []string, expires int64) error {
	if r.client == nil {
		return errNotStarted
	}
	done := string(doneMark) + strconv.FormatInt(expires/int64(time.Millisecond), 10)
	return r.run(context.WithoutCancel(ctx), acceptScript, r.keys(keys), done, r.ttlMs).Err()
}

// release deletes the reservations of keys that are still theirs, in one
// call; keys without a reservation are skipped.
func (r *redisBackend) release(ctx context.Context, keys []string, rs []reservation) error {
	var full []string
	var args []any
	for i, key := range keys {
		if rs[i].token != "" {
			full = append(full, r.prefix+key)
			args = append(args, rs[i].value())
		}
	}
	if len(full) == 0 {
		return nil
	}
	if r.client == nil {
		return errNotStarted
	}
	return r.run(context.WithoutCancel(ctx), releaseScript, full, args...).Err()
}

// reserveRedis answers keys from the local state and, for the others, from
// Redis in one call. Redis arbitrates between requests and replicas, so no
// lock is held across the call.
func (d *Deduplicator) reserveRedis(ctx context.Context, keys []string, states []State, now int64) error {
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
func (d *Deduplicator) releaseFailed(ctx context.Context, keys []string, pending []int, res []redisResult) {
	if d.redis.client == nil {
		return
	}
	rk := make([]string, len(pending))
	rs := make([]reservation, len(pending))
	for j, i := range pending {
		rk[j], rs[j] = keys[i], res[j].res
	}
	_ = d.redis.release(ctx, rk, rs)
}

// finishRedis ends the reservations in Redis, then locally.
func (d *Deduplicator) finishRedis(ctx context.Context, keys []string, accepted bool, now int64) {
	expires := now + int64(d.cfg.TTL)
	var err error
	if accepted {
		err = d.redis.accept(ctx, keys, expires)
	} else {
		err = d.redis.release(ctx, keys, d.local.reservations(keys))
	}
	if err != nil {
		d.finishFailed(ctx, err)
	}
	d.local.finish(keys, accepted, expires)
}
