package signature

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fuzzSender is one scheme under fuzzing: its verifier, where arbitrary
// input goes, and how its sender signs (written from the sender's
// documentation, not with the verifier).
type fuzzSender struct {
	name string
	v    *Verifier
	// forge sets the fuzzed signature and timestamp where the sender puts
	// them.
	forge func(h http.Header, sig, ts string)
	// sign signs r as the sender does at now, changing r as the sender
	// would (Mailgun's signature is in the body); false when the sender
	// could not have sent r.
	sign func(r *Request, now time.Time) bool
}

const fuzzURL = "https://hooks.example.com:8443/in"

// FuzzVerifyRequest feeds arbitrary methods, query strings, headers and
// bodies to the verifiers of the senders' own schemes and templates:
// nothing may panic, a forged request never passes, what is signed as the
// sender signs verifies, and no longer once its body changes.
func FuzzVerifyRequest(f *testing.F) {
	seedVectors(f)
	f.Add("POST", "foo=1&bar=2", []byte("CallSid=CA1&Digits=1234&Digits=1234&Digits=5678"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "1705312800")
	f.Add("GET", "a='b'&c=%7e&d=+&&e", []byte(`{"type":0}`), "t=1,v1=,v1=zz", "2019-11-16T10:11:12.634234626Z")
	f.Add("PUT", "%zz&bodySHA256=00", []byte(`{"signature":{"timestamp":"1","token":"t","signature":"00"}}`), "ts=1;h1=00;h1", "")

	now := time.Unix(1_705_312_800, 0)
	senders := fuzzSenders(f)
	f.Fuzz(func(t *testing.T, method, query string, body []byte, sig, ts string) {
		if !validMethod(method) {
			method = http.MethodPost
		}
		for _, s := range senders {
			h := http.Header{}
			s.forge(h, sig, ts)
			forged := Request{Method: method, Query: query, Header: h, Body: body}
			require.Error(t, s.v.VerifyRequest(forged, now), s.name)

			signed := Request{Method: method, Query: query, Header: http.Header{}, Body: append([]byte(nil), body...)}
			if !s.sign(&signed, now) {
				continue
			}
			require.NoError(t, s.v.VerifyRequest(signed, now), s.name)
			signed.Body = append(signed.Body, '!')
			require.Error(t, s.v.VerifyRequest(signed, now), s.name+": tampered")
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// seedVectors adds the senders' published and derived vectors as seeds.
func seedVectors(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "webhooks", "*", "vectors.json"))
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		require.NoError(f, err)
		var vf struct {
			Cases []struct {
				Method, Target, Body string
				Headers              map[string]string
			}
		}
		require.NoError(f, json.Unmarshal(raw, &vf))
		for _, c := range vf.Cases {
			_, q, _ := strings.Cut(c.Target, "?")
			var sig, ts string
			for k, v := range c.Headers {
				switch {
				case strings.Contains(strings.ToLower(k), "signature"):
					sig = v
				case strings.Contains(strings.ToLower(k), "timestamp"):
					ts = v
				}
			}
			f.Add(c.Method, q, []byte(c.Body), sig, ts)
		}
	}
}

func fuzzSenders(f *testing.F) []fuzzSender {
	mk := func(o Options, k Keys) *Verifier {
		v, err := New(o, k)
		require.NoError(f, err)
		return v
	}
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	edKey := ed25519.NewKeyFromSeed(seed)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(f, err)
	spki, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	require.NoError(f, err)
	unix := func(now time.Time) string { return strconv.FormatInt(now.Unix(), 10) }
	urlOf := func(r *Request) string {
		if r.Query == "" {
			return fuzzURL
		}
		return fuzzURL + "?" + r.Query
	}
	set := func(name string) func(h http.Header, sig, ts string) {
		return func(h http.Header, sig, _ string) { h.Set(name, sig) }
	}
	setTS := func(name, tsName string) func(h http.Header, sig, ts string) {
		return func(h http.Header, sig, ts string) { h.Set(name, sig); h.Set(tsName, ts) }
	}
	return []fuzzSender{
		{name: "twilio", v: mk(Options{Scheme: SchemeTwilio, URL: fuzzURL}, Keys{Secrets: []string{"twilio-token"}}),
			forge: set(HeaderTwilioSignature),
			sign: func(r *Request, _ time.Time) bool {
				q, err := url.ParseQuery(r.Query)
				if err != nil || q.Has("bodySHA256") {
					return false
				}
				form, err := url.ParseQuery(string(r.Body))
				if err != nil {
					return false
				}
				// twilio-python's compute_signature: sorted names, each
				// distinct value sorted.
				data := urlOf(r)
				names := make([]string, 0, len(form))
				for k := range form {
					names = append(names, k)
				}
				slices.Sort(names)
				for _, k := range names {
					vals := slices.Compact(slices.Sorted(slices.Values(form[k])))
					for _, v := range vals {
						data += k + v
					}
				}
				mac := hmac.New(sha1.New, []byte("twilio-token"))
				mac.Write([]byte(data))
				r.Header.Set(HeaderTwilioSignature, base64.StdEncoding.EncodeToString(mac.Sum(nil)))
				return true
			}},
		{name: "hubspot v3", v: mk(Options{Scheme: SchemeHubSpot, URL: fuzzURL}, Keys{Secrets: []string{"hubspot-secret"}}),
			forge: setTS(HeaderHubSpotSignatureV3, HeaderHubSpotRequestTimestamp),
			sign: func(r *Request, now time.Time) bool {
				ts := strconv.FormatInt(now.UnixMilli(), 10)
				mac := hmac.New(sha256.New, []byte("hubspot-secret"))
				mac.Write([]byte(r.Method + urlOf(r) + string(r.Body) + ts))
				r.Header.Set(HeaderHubSpotSignatureV3, base64.StdEncoding.EncodeToString(mac.Sum(nil)))
				r.Header.Set(HeaderHubSpotRequestTimestamp, ts)
				return true
			}},
		{name: "mailgun", v: mk(Options{Scheme: SchemeMailgun}, Keys{Secrets: []string{"key-mailgun"}}),
			forge: func(http.Header, string, string) {},
			sign: func(r *Request, now time.Time) bool {
				token := strings.ToValidUTF8(string(r.Body), "")
				if token == "" {
					return false
				}
				ts := unix(now)
				mac := hmac.New(sha256.New, []byte("key-mailgun"))
				mac.Write([]byte(ts + token))
				// Mailgun signs the token and time, not the event: a body that
				// is not JSON any more has no signature to check.
				r.Body, _ = json.Marshal(map[string]any{
					"signature":  map[string]string{"timestamp": ts, "token": token, "signature": hex.EncodeToString(mac.Sum(nil))},
					"event-data": map[string]string{"event": "delivered"},
				})
				return true
			}},
		{name: "gitlab token", v: mk(Options{Scheme: SchemeGitLab}, Keys{Secrets: []string{"gitlab-token"}}),
			forge: set(HeaderGitLabToken),
			sign:  func(*Request, time.Time) bool { return false }},
		{name: "openrouter", v: mk(Options{Scheme: SchemeOpenRouter}, Keys{Secrets: []string{"or-secret"}}),
			forge: set(HeaderOpenRouterSignature),
			sign: func(r *Request, now time.Time) bool {
				ts := unix(now)
				r.Header.Set(HeaderOpenRouterSignature, "t="+ts+",v1="+hexMAC(sha256.New, "or-secret", ts+","+string(r.Body)))
				return true
			}},
		{name: "ed25519", v: mk(Options{Scheme: SchemeEd25519, Header: "X-Signature-Ed25519", TimestampHeader: "X-Signature-Timestamp",
			SignedPayload: "{timestamp}{body}", NoReplayWindow: true}, Keys{PublicKeys: []string{hex.EncodeToString(edKey.Public().(ed25519.PublicKey))}}),
			forge: setTS("X-Signature-Ed25519", "X-Signature-Timestamp"),
			sign: func(r *Request, now time.Time) bool {
				ts := unix(now)
				r.Header.Set("X-Signature-Timestamp", ts)
				r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(edKey, append([]byte(ts), r.Body...))))
				return true
			}},
		{name: "ecdsa_p256", v: mk(Options{Scheme: SchemeECDSAP256, Header: "X-Sig", TimestampHeader: "X-Ts",
			SignedPayload: "{timestamp}{body}"}, Keys{PublicKeys: []string{base64.StdEncoding.EncodeToString(spki)}}),
			forge: setTS("X-Sig", "X-Ts"),
			sign: func(r *Request, now time.Time) bool {
				ts := unix(now)
				digest := sha256.Sum256(append([]byte(ts), r.Body...))
				sig, err := ecdsa.SignASN1(rand.Reader, ecKey, digest[:])
				if err != nil {
					return false
				}
				r.Header.Set("X-Ts", ts)
				r.Header.Set("X-Sig", base64.StdEncoding.EncodeToString(sig))
				return true
			}},
		{name: "pairs (paddle)", v: mk(Options{Scheme: SchemeHMAC, Header: "Paddle-Signature", SignatureKey: "h1", TimestampKey: "ts",
			Separator: ";", SignedPayload: "{timestamp}:{body}", Tolerance: 5 * time.Second}, Keys{Secrets: []string{"pdl_ntfset_x"}}),
			forge: set("Paddle-Signature"),
			sign: func(r *Request, now time.Time) bool {
				ts := unix(now)
				r.Header.Set("Paddle-Signature", "ts="+ts+";h1=00;h1="+hexMAC(sha256.New, "pdl_ntfset_x", ts+":"+string(r.Body)))
				return true
			}},
		{name: "url and body (square)", v: mk(Options{Scheme: SchemeHMAC, Header: "X-Square-Hmacsha256-Signature", Encoding: Base64,
			SignedPayload: "{url}{body}", URL: fuzzURL}, Keys{Secrets: []string{"square-key"}}),
			forge: set("X-Square-Hmacsha256-Signature"),
			sign: func(r *Request, _ time.Time) bool {
				mac := hmac.New(sha256.New, []byte("square-key"))
				mac.Write([]byte(urlOf(r) + string(r.Body)))
				r.Header.Set("X-Square-Hmacsha256-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
				return true
			}},
		{name: "header and time (twitch)", v: mk(Options{Scheme: SchemeHMAC, Header: "Twitch-Eventsub-Message-Signature", Prefix: "sha256=",
			TimestampHeader: "Twitch-Eventsub-Message-Timestamp", TimestampFormat: RFC3339,
			SignedPayload: "{header:Twitch-Eventsub-Message-Id}{timestamp}{body}", Tolerance: 10 * time.Minute}, Keys{Secrets: []string{"twitch-secret"}}),
			forge: setTS("Twitch-Eventsub-Message-Signature", "Twitch-Eventsub-Message-Timestamp"),
			sign: func(r *Request, now time.Time) bool {
				ts := now.UTC().Format(time.RFC3339Nano)
				r.Header.Set("Twitch-Eventsub-Message-Id", "e76c6bd4")
				r.Header.Set("Twitch-Eventsub-Message-Timestamp", ts)
				r.Header.Set("Twitch-Eventsub-Message-Signature", "sha256="+hexMAC(sha256.New, "twitch-secret", "e76c6bd4"+ts+string(r.Body)))
				return true
			}},
	}
}
