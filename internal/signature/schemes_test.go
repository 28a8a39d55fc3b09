package signature

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func verifier(t *testing.T, o Options, secrets ...string) *Verifier {
	t.Helper()
	v, err := NewVerifier(o, secrets)
	require.NoError(t, err)
	return v
}

func headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// GitHub's own example from "Validating webhook deliveries".
func TestHMACGitHubDocumentedExample(t *testing.T) {
	v := verifier(t, Options{Scheme: SchemeHMAC, Header: "X-Hub-Signature-256", Prefix: "sha256="}, "It's a Secret to Everybody")
	h := headers("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
	require.NoError(t, v.Verify(h, []byte("Hello, World!"), time.Now()))
	assert.ErrorIs(t, v.Verify(h, []byte("Hello, World?"), time.Now()), ErrSignatureMismatch)
	assert.ErrorIs(t, v.Verify(http.Header{}, []byte("Hello, World!"), time.Now()), ErrMissingSignature)
	// hmac_sha256 is the same check under its first name.
	old := verifier(t, Options{Scheme: SchemeHMACSHA256, Header: "X-Hub-Signature-256", Prefix: "sha256="}, "It's a Secret to Everybody")
	require.NoError(t, old.Verify(h, []byte("Hello, World!"), time.Now()))
}

// Slack's own example from "Verifying requests from Slack": a slash command.
func TestSlackDocumentedExample(t *testing.T) {
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	h := headers("X-Slack-Request-Timestamp", "1531420618",
		"X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
	sent := time.Unix(1531420618, 0)
	v := verifier(t, Options{Scheme: SchemeSlack}, "8f742231b10e8888abcd99yyyzzz85a5")
	require.NoError(t, v.Verify(h, body, sent.Add(4*time.Minute)))
	assert.ErrorIs(t, v.Verify(h, body, sent.Add(6*time.Minute)), ErrStaleTimestamp, "Slack: more than five minutes is a replay")
	assert.ErrorContains(t, v.Verify(h, body, sent.Add(6*time.Minute)), "X-Slack-Request-Timestamp is outside the allowed tolerance")

	// The timestamp is signed: moving it breaks the signature.
	moved := headers("X-Slack-Request-Timestamp", "1531420619", "X-Slack-Signature", h.Get("X-Slack-Signature"))
	assert.ErrorIs(t, v.Verify(moved, body, sent), ErrSignatureMismatch)
	assert.ErrorIs(t, v.Verify(headers("X-Slack-Signature", h.Get("X-Slack-Signature")), body, sent), ErrMissingSignature)
	assert.ErrorIs(t, v.Verify(headers("X-Slack-Request-Timestamp", "soon", "X-Slack-Signature", h.Get("X-Slack-Signature")), body, sent), ErrInvalidTimestamp)

	// Slack's header named in the config, or another one: the signature is
	// still "v0=<hex>", as the README's default prefix for slack says.
	for _, name := range []string{"X-Slack-Signature", "x-slack-signature"} {
		named := verifier(t, Options{Scheme: SchemeSlack, Header: name}, "8f742231b10e8888abcd99yyyzzz85a5")
		require.NoError(t, named.Verify(h, body, sent), name)
	}
	relayed := headers("X-Slack-Request-Timestamp", "1531420618", "X-Relayed-Signature", h.Get("X-Slack-Signature"))
	require.NoError(t, verifier(t, Options{Scheme: SchemeSlack, Header: "X-Relayed-Signature"}, "8f742231b10e8888abcd99yyyzzz85a5").Verify(relayed, body, sent))

	// The same scheme written out as hmac options.
	generic := verifier(t, Options{Scheme: SchemeHMAC, Header: "X-Slack-Signature", Prefix: "v0=",
		TimestampHeader: "X-Slack-Request-Timestamp", SignedPayload: "v0:{timestamp}:{body}"}, "8f742231b10e8888abcd99yyyzzz85a5")
	require.NoError(t, generic.Verify(h, body, sent))
}

// stripeSign computes a Stripe-Signature value as stripe-go's
// webhook.ComputeSignature does: hex HMAC-SHA256 of "<t>.<body>" keyed with
// the secret's text.
func stripeSign(secret string, t time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", t.Unix())
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

func TestStripe(t *testing.T) {
	const secret = "whsec_test_0123456789abcdefghijklmnop"
	body := []byte(`{"id":"evt_1","object":"event","type":"invoice.paid","created":1700000000}`)
	now := time.Unix(1_700_000_100, 0)
	sig := stripeSign(secret, now, body)
	v := verifier(t, Options{Scheme: SchemeStripe}, "whsec_rotated_away", secret)
	at := func(ts time.Time, entries string) http.Header {
		return headers("Stripe-Signature", fmt.Sprintf("t=%d,%s", ts.Unix(), entries))
	}
	tests := []struct {
		name string
		h    http.Header
		want error
	}{
		{name: "one v1", h: at(now, "v1="+sig)},
		{name: "any v1 may match", h: at(now, "v1="+stripeSign("whsec_other", now, body)+",v1="+sig)},
		{name: "v0 and unknown entries are ignored", h: at(now, "v0=deadbeef,v1="+sig+",x=y")},
		{name: "only a v0", h: at(now, "v0="+sig), want: ErrMalformedSignature},
		{name: "no timestamp", h: headers("Stripe-Signature", "v1="+sig), want: ErrMalformedSignature},
		{name: "not a pair", h: headers("Stripe-Signature", "t=1,v1"), want: ErrMalformedSignature},
		{name: "missing", h: http.Header{}, want: ErrMissingSignature},
		{name: "timestamp not a number", h: headers("Stripe-Signature", "t=yesterday,v1="+sig), want: ErrInvalidTimestamp},
		{name: "older than 300 s", h: at(now.Add(-301*time.Second), "v1="+stripeSign(secret, now.Add(-301*time.Second), body)), want: ErrStaleTimestamp},
		{name: "300 s is within", h: at(now.Add(-300*time.Second), "v1="+stripeSign(secret, now.Add(-300*time.Second), body))},
		{name: "from the future", h: at(now.Add(10*time.Minute), "v1="+stripeSign(secret, now.Add(10*time.Minute), body)), want: ErrStaleTimestamp},
		{name: "timestamp moved", h: at(now.Add(time.Second), "v1="+sig), want: ErrSignatureMismatch},
		{name: "secret base64-decoded as Standard Webhooks would", h: at(now, "v1="+stripeSignKey(secret, now, body)), want: ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(tt.h, body, now)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
	assert.ErrorIs(t, v.Verify(at(now, "v1="+sig), append(body, ' '), now), ErrSignatureMismatch)
}

// stripeSignKey signs with the secret read as base64 after whsec_, which
// Stripe does not do.
func stripeSignKey(secret string, t time.Time, body []byte) string {
	key, _ := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%d.", t.Unix())
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Svix's example from "Verifying webhooks manually", under both header names.
func TestStandardWebhooksSvixDocumentedExample(t *testing.T) {
	body := []byte(`{"test": 2432232314}`)
	v := verifier(t, Options{Scheme: SchemeStandardWebhooks}, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	now := time.Unix(1614265330, 0)
	for _, names := range [][3]string{
		{HeaderSvixID, HeaderSvixTimestamp, HeaderSvixSignature},
		{HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature},
	} {
		h := headers(names[0], "msg_p5jXN8AQM9LWM0D4loKWxJek", names[1], "1614265330",
			names[2], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
		require.NoError(t, v.Verify(h, body, now), names[0])
		assert.ErrorIs(t, v.Verify(h, []byte(`{"test": 2432232315}`), now), ErrSignatureMismatch)
		err := v.Verify(h, body, now.Add(6*time.Minute))
		assert.ErrorIs(t, err, ErrStaleTimestamp)
		assert.ErrorContains(t, err, names[1]+" is outside the allowed tolerance")
	}
}

func TestHMACAlgorithmsAndEncodings(t *testing.T) {
	body := []byte(`{"resourceSpans":[]}`)
	sum := func(h func() hash.Hash, key string) []byte {
		mac := hmac.New(h, []byte(key))
		mac.Write(body)
		return mac.Sum(nil)
	}
	tests := []struct {
		name  string
		opts  Options
		value string
	}{
		{"vercel: hex HMAC-SHA1", Options{Scheme: SchemeHMAC, Header: "x-vercel-signature", Algorithm: SHA1},
			hex.EncodeToString(sum(sha1.New, "k"))},
		{"shopify: base64 HMAC-SHA256", Options{Scheme: SchemeHMAC, Header: "X-Shopify-Hmac-Sha256", Encoding: Base64},
			base64.StdEncoding.EncodeToString(sum(sha256.New, "k"))},
		{"base64 without padding", Options{Scheme: SchemeHMAC, Header: "X-Sig", Encoding: Base64},
			base64.RawStdEncoding.EncodeToString(sum(sha256.New, "k"))},
		{"hex HMAC-SHA512 with a prefix", Options{Scheme: SchemeHMAC, Header: "X-Sig", Prefix: "sha512=", Algorithm: SHA512},
			"sha512=" + hex.EncodeToString(sum(sha512.New, "k"))},
		{"base64 HMAC-SHA512", Options{Scheme: SchemeHMAC, Header: "X-Sig", Algorithm: SHA512, Encoding: Base64},
			base64.StdEncoding.EncodeToString(sum(sha512.New, "k"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verifier(t, tt.opts, "k")
			h := headers(tt.opts.Header, tt.value)
			require.NoError(t, v.Verify(h, body, time.Now()))
			assert.ErrorIs(t, v.Verify(h, []byte(`{}`), time.Now()), ErrSignatureMismatch)
			other := verifier(t, tt.opts, "not-k")
			assert.ErrorIs(t, other.Verify(h, body, time.Now()), ErrSignatureMismatch)
		})
	}
	// A signature of another hash's length is malformed, not a mismatch.
	v := verifier(t, Options{Scheme: SchemeHMAC, Header: "X-Sig", Algorithm: SHA1}, "k")
	assert.ErrorIs(t, v.Verify(headers("X-Sig", hex.EncodeToString(sum(sha256.New, "k"))), body, time.Now()), ErrMalformedSignature)
	v = verifier(t, Options{Scheme: SchemeHMAC, Header: "X-Sig", Encoding: Base64}, "k")
	assert.ErrorIs(t, v.Verify(headers("X-Sig", hex.EncodeToString(sum(sha256.New, "k"))), body, time.Now()), ErrMalformedSignature)
}

// Linear signs the body, which carries the delivery's time in
// webhookTimestamp (Unix milliseconds); its docs refuse more than 60 s.
func TestHMACTimestampField(t *testing.T) {
	now := time.UnixMilli(1_676_056_940_508)
	v := verifier(t, Options{Scheme: SchemeHMAC, Header: "Linear-Signature", TimestampField: "webhookTimestamp", Tolerance: time.Minute}, "lin_wh_secret")
	sign := func(body string) http.Header {
		mac := hmac.New(sha256.New, []byte("lin_wh_secret"))
		mac.Write([]byte(body))
		return headers("Linear-Signature", hex.EncodeToString(mac.Sum(nil)))
	}
	at := func(ms int64) string {
		return `{"action":"create","type":"Issue","webhookTimestamp":` + strconv.FormatInt(ms, 10) + `}`
	}
	fresh := at(now.UnixMilli() - 59_000)
	require.NoError(t, v.Verify(sign(fresh), []byte(fresh), now))
	stale := at(now.UnixMilli() - 61_000)
	err := v.Verify(sign(stale), []byte(stale), now)
	require.ErrorIs(t, err, ErrStaleTimestamp)
	assert.ErrorContains(t, err, "body field webhookTimestamp is outside the allowed tolerance")
	seconds := `{"webhookTimestamp":` + strconv.FormatInt(now.Unix(), 10) + `}`
	require.NoError(t, v.Verify(sign(seconds), []byte(seconds), now), "Unix seconds are read too")
	missing := `{"action":"create"}`
	assert.ErrorIs(t, v.Verify(sign(missing), []byte(missing), now), ErrInvalidTimestamp)
	text := `{"webhookTimestamp":"yesterday"}`
	assert.ErrorIs(t, v.Verify(sign(text), []byte(text), now), ErrInvalidTimestamp)
	// A forged body is refused for its signature, whatever its time.
	assert.ErrorIs(t, v.Verify(sign(fresh), []byte(stale), now), ErrSignatureMismatch)
}

func TestOptionsCheck(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Scheme: "rsa"}, `unknown scheme "rsa": one of hmac, hmac_sha256, slack, stripe, standard_webhooks`},
		{Options{}, "scheme is required"},
		{Options{Scheme: SchemeHMAC, Algorithm: "md5"}, `"algorithm": unknown "md5": one of sha256, sha1, sha512`},
		{Options{Scheme: SchemeHMAC, Encoding: "base32"}, `"encoding": unknown "base32": one of hex, base64`},
		{Options{Scheme: SchemeHMAC, SignedPayload: "{timestamp}"}, `"signed_payload" must contain {body}`},
		{Options{Scheme: SchemeHMAC, SignedPayload: "{timestamp}.{body}"}, `"timestamp_header" or "timestamp_key" must say where it is`},
		{Options{Scheme: SchemeHMAC, TimestampHeader: "X-Ts", SignedPayload: "{body}"}, "the timestamp would not be signed"},
		{Options{Scheme: SchemeHMAC, Header: "bad header"}, `"header": "bad header" is not a valid header name`},
		{Options{Scheme: SchemeHMAC, TimestampField: "a.b"}, "must be a top-level field name"},
		{Options{Scheme: SchemeStripe, Algorithm: SHA1, Encoding: Hex}, `"algorithm", "encoding" do not apply to scheme stripe, which fixes them`},
		{Options{Scheme: SchemeStandardWebhooks, Header: "X"}, `"header" does not apply to scheme standard_webhooks, which fixes them (the webhook-* or svix-* headers)`},
		{Options{Scheme: SchemeSlack, Tolerance: -time.Second}, `"tolerance" must not be negative`},
	}
	for _, tt := range tests {
		assert.ErrorContains(t, tt.opts.Check(), tt.want)
	}
	for _, ok := range []Options{
		{Scheme: SchemeHMAC, TimestampHeader: "X-Ts"},
		{Scheme: SchemeSlack, Header: "X-Other", Prefix: "v0="},
		{Scheme: SchemeStripe},
	} {
		assert.NoError(t, ok.Check())
	}
	// The exporter signs with two schemes only.
	assert.ErrorContains(t, SchemeStripe.Check(), "one of hmac_sha256, standard_webhooks")
}
