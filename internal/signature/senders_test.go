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
	"encoding/pem"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The published vectors of every sender are checked in
// receiver/webhookreceiver/internal/webhooks (TestPresetVectors); these
// tests hold the parts of the schemes the vectors do not reach.

func TestTwilioURLForms(t *testing.T) {
	u, err := newTwilioURLs("HTTPS://user:pa%20ss@Example.COM:443/a/./b/../c d")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"HTTPS://user:pa%20ss@Example.COM:443/a/./b/../c d", // as configured
		"https://user:pa%20ss@example.com/a/c%20d",          // new URL(): the default port dropped, the path resolved
		"https://user:pa%20ss@example.com:443/a/c%20d",      // the default port added
	}, u.bases)
	u, err = newTwilioURLs("http://example.com:8080")
	require.NoError(t, err)
	assert.Equal(t, []string{"http://example.com:8080", "http://example.com:8080/", "http://example.com/"}, u.bases)

	got := u.candidates("a='b c'&d=%7e+x&e=<>&f=\u00e9")
	assert.Contains(t, got, "http://example.com:8080?a='b c'&d=%7e+x&e=<>&f=\u00e9", "the URL as received")
	assert.Contains(t, got, "http://example.com/?a=%27b%20c%27&d=%7e+x&e=%3C%3E&f=%C3%A9", "as new URL() writes the query, without the port")
	assert.Contains(t, got, "http://example.com:8080/?a='b%20c'&d=~%20x&e=%3C%3E&f=%C3%A9", "Node's legacy querystring")
	assert.Equal(t, []string{"http://example.com:8080", "http://example.com:8080/", "http://example.com/"}, u.candidates(""))
}

// Node's querystring.parse and stringify, as twilio-node's legacy form:
// names that are array indices first, repeated names grouped, empty pairs
// kept, a bad escape kept.
func TestLegacyQuery(t *testing.T) {
	for in, want := range map[string]string{
		"b=1&a=2&b=3":  "b=1&b=3&a=2",
		"x=1&10=a&2=b": "2=b&10=a&x=1",
		"a=1&&b=2&":    "a=1&=&b=2",
		"k":            "k=",
		"a=%zz&b=%41":  "a=%25zz&b=A",
		"s=a+b&t=!*()": "s=a%20b&t=!*()",
		"u=%FF":        "u=%EF%BF%BD",
	} {
		assert.Equal(t, want, legacyQuery(in), in)
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"https://example.com/twilio", "http://u:p@[2001:db8::1]:8080/x", "https://example.com"} {
		assert.NoError(t, CheckURL(ok), ok)
	}
	for bad, want := range map[string]string{
		"example.com/x":               "must be an absolute http:// or https:// URL",
		"https://example.com/x?a=1":   "must not have a query or fragment",
		"https://example.com/x#rc=5":  "must not have a query or fragment",
		"https:///x":                  "has no host",
		"https://example.com:99999/x": "has a port that is not a number",
		"https://[2001:db8::1/x":      "is not a URL",
	} {
		assert.ErrorContains(t, CheckURL(bad), want, bad)
	}
}

func TestTwilioFormAndJSON(t *testing.T) {
	v := verifier(t, Options{Scheme: SchemeTwilio, URL: "https://example.com/t"}, "token")
	sign := func(data string) string {
		mac := hmac.New(sha1.New, []byte("token"))
		mac.Write([]byte(data))
		return base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	form := "To=%2B1&Body=hi+there&Body=hi+there&Body=a"
	r := Request{Method: http.MethodPost, Header: headers(HeaderTwilioSignature, sign("https://example.com/tBodyaBodyhi thereTo+1")), Body: []byte(form)}
	require.NoError(t, v.VerifyRequest(r, time.Now()))
	r.Body = []byte("To=%2B1&Body=hi")
	assert.ErrorIs(t, v.VerifyRequest(r, time.Now()), ErrSignatureMismatch)
	r.Body = []byte("a=%zz")
	assert.ErrorContains(t, v.VerifyRequest(r, time.Now()), "the body is not application/x-www-form-urlencoded")

	body := []byte(`{"a":1}`)
	sum := sha256.Sum256(body)
	q := "x=1&bodySHA256=" + hex.EncodeToString(sum[:])
	r = Request{Method: http.MethodPost, Query: q, Header: headers(HeaderTwilioSignature, sign("https://example.com/t?"+q)), Body: body}
	require.NoError(t, v.VerifyRequest(r, time.Now()), "a JSON body: the URL is signed, the body hashed")
	r.Body = []byte(`{"a":2}`)
	assert.ErrorContains(t, v.VerifyRequest(r, time.Now()), "the body does not match the bodySHA256 of the signed URL")
}

func TestPublicKeys(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	for _, form := range []string{
		hex.EncodeToString(pub), base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(der),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	} {
		k, err := parsePublicKey(SchemeEd25519, form)
		require.NoError(t, err, form)
		assert.Equal(t, pub, k.ed)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	for _, form := range []string{base64.StdEncoding.EncodeToString(ecDER), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}))} {
		_, err := parsePublicKey(SchemeECDSAP256, form)
		require.NoError(t, err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p384DER, err := x509.MarshalPKIXPublicKey(&p384.PublicKey)
	require.NoError(t, err)
	_, err = parsePublicKey(SchemeECDSAP256, base64.StdEncoding.EncodeToString(p384DER))
	assert.ErrorIs(t, err, errECDSAKey, "a P-384 key is not a P-256 one")
	_, err = parsePublicKey(SchemeECDSAP256, hex.EncodeToString(pub))
	assert.ErrorIs(t, err, errECDSAKey)
	_, err = parsePublicKey(SchemeEd25519, base64.StdEncoding.EncodeToString(ecDER))
	assert.ErrorIs(t, err, errEd25519Key, "an ECDSA key is not an Ed25519 one")
	_, err = parsePublicKey(SchemeEd25519, "-----BEGIN PUBLIC KEY-----\nnot pem")
	assert.ErrorIs(t, err, errEd25519Key)

	assert.Empty(t, Keys{PublicKeys: []string{hex.EncodeToString(pub)}}.Check(SchemeEd25519))
	assert.Len(t, Keys{Secrets: []string{"s"}}.Check(SchemeEd25519), 2, "secrets refused, public keys missing")
	_, err = NewVerifier(Options{Scheme: SchemeEd25519}, []string{"s"})
	assert.ErrorContains(t, err, "at least one public key is required")
}

func TestOpenRouterForms(t *testing.T) {
	v := verifier(t, Options{Scheme: SchemeOpenRouter}, "sec")
	body := []byte(`{"id":"evt_1"}`)
	now := time.Unix(1_777_032_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	timed := headers(HeaderOpenRouterSignature, "t="+ts+",v1="+hexMAC(sha256.New, "sec", ts+","+string(body)))
	plain := headers(HeaderOpenRouterSignature, hexMAC(sha256.New, "sec", string(body)))
	require.NoError(t, v.Verify(timed, body, now))
	require.NoError(t, v.Verify(plain, body, now))
	assert.ErrorIs(t, v.Verify(timed, body, now.Add(301*time.Second)), ErrStaleTimestamp)
	assert.ErrorIs(t, v.Verify(headers(HeaderOpenRouterSignature, "t="+ts), body, now), ErrMalformedSignature)
	assert.ErrorIs(t, v.Verify(headers(HeaderOpenRouterSignature, "xyz"), body, now), ErrMalformedSignature)
	assert.ErrorIs(t, v.Verify(http.Header{}, body, now), ErrMissingSignature)
}

func TestGitLabTokenAndSigningToken(t *testing.T) {
	body := []byte(`{"object_kind":"push"}`)
	now := time.Unix(1_733_400_000, 0)
	signer, err := NewSigner(SchemeStandardWebhooks, "", "", whSecret)
	require.NoError(t, err)
	signed := http.Header{}
	signer.Sign(signed, body, "a6f5b3c0", now)
	signed.Set(HeaderGitLabToken, "tok")

	tokenOnly := verifier(t, Options{Scheme: SchemeGitLab}, "tok")
	require.NoError(t, tokenOnly.Verify(signed, body, now), "no signing token configured: the token is checked")
	both := verifier(t, Options{Scheme: SchemeGitLab}, "tok", whSecret)
	require.NoError(t, both.Verify(signed, body, now))
	assert.ErrorIs(t, both.Verify(signed, []byte(`{}`), now), ErrSignatureMismatch, "a signature that fails is not rescued by the token")
	assert.ErrorContains(t, both.Verify(headers(HeaderGitLabToken, "guess"), body, now), "X-Gitlab-Token does not match any configured secret")
	assert.Len(t, Keys{Secrets: []string{"whsec_***"}}.Check(SchemeGitLab), 1)
}

func TestHubSpotVersionsAndURI(t *testing.T) {
	v := verifier(t, Options{Scheme: SchemeHubSpot, URL: "https://example.com/hs"}, "cs")
	body := []byte(`[{"eventId":1}]`)
	now := time.UnixMilli(1_693_657_560_000)
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	v3 := func(uri string) http.Header {
		mac := hmac.New(sha256.New, []byte("cs"))
		mac.Write([]byte("POST" + uri + string(body) + ts))
		return headers(HeaderHubSpotSignatureV3, base64.StdEncoding.EncodeToString(mac.Sum(nil)), HeaderHubSpotRequestTimestamp, ts)
	}
	query := "email=a%40b.com&x=1"
	r := Request{Method: http.MethodPost, Query: query, Header: v3("https://example.com/hs?email=a@b.com&x=1"), Body: body}
	require.NoError(t, v.VerifyRequest(r, now), "the escapes HubSpot's documentation decodes")
	r.Header = v3("https://example.com/hs?" + query)
	require.NoError(t, v.VerifyRequest(r, now), "the URI as received")
	r.Header = headers(HeaderHubSpotSignature, hex.EncodeToString(make([]byte, 32)), HeaderHubSpotSignatureVersion, "v9")
	assert.ErrorContains(t, v.VerifyRequest(r, now), "X-HubSpot-Signature-Version is not v1, v2")
	assert.ErrorContains(t, v.VerifyRequest(Request{Method: http.MethodPost, Header: http.Header{}, Body: body}, now),
		"signature header is missing: X-HubSpot-Signature-v3 (or X-HubSpot-Signature)")
}

// Mailgun's legacy webhooks post a form with timestamp, token and
// signature as fields.
func TestMailgunForm(t *testing.T) {
	v := verifier(t, Options{Scheme: SchemeMailgun}, "key-1")
	now := time.Unix(1_403_645_220, 0)
	form := url.Values{"timestamp": {"1403645220"}, "token": {"tok"}, "signature": {hexMAC(sha256.New, "key-1", "1403645220tok")}, "event": {"delivered"}}
	require.NoError(t, v.Verify(http.Header{}, []byte(form.Encode()), now))
	form.Set("token", "other")
	assert.ErrorIs(t, v.Verify(http.Header{}, []byte(form.Encode()), now), ErrSignatureMismatch)
	assert.ErrorIs(t, v.Verify(http.Header{}, []byte("event=delivered"), now), ErrMissingSignature)
}

func TestPayloadTemplates(t *testing.T) {
	segs, err := parsePayload("{method}{url}|{header:x-id}{timestamp}{body}")
	require.NoError(t, err)
	assert.Equal(t, "method, URL (public_url and query), X-Id, timestamp and body", describePayload(segs))
	_, err = parsePayload("{header:bad header}{body}")
	assert.ErrorContains(t, err, `"bad header" is not a valid header name`)
	for _, tt := range []struct {
		o    Options
		want string
	}{
		{Options{Scheme: SchemeHMAC, SignedPayload: "{body}{body}"}, `"signed_payload" must contain {body} once`},
		{Options{Scheme: SchemeHMAC, SignatureKey: "v1", TimestampKey: "v1"}, `"signature_key" and "timestamp_key" must differ`},
		{Options{Scheme: SchemeHMAC, SignatureKey: "v=1"}, `are names, without "="`},
		{Options{Scheme: SchemeHMAC, SignatureKey: "v1", Separator: "="}, `"separator": "=" cannot split key=value pairs`},
		{Options{Scheme: SchemeHMAC, TimestampHeader: "X-Ts", TimestampKey: "t", SignatureKey: "v1"}, `set "timestamp_header" or "timestamp_key", not both`},
		{Options{Scheme: SchemeTwilio, Header: "X-Other"}, `"header" does not apply to scheme twilio`},
	} {
		assert.ErrorContains(t, tt.o.Check(), tt.want)
	}
	_, err = NewVerifier(Options{Scheme: SchemeHMAC, SignedPayload: "{url}{body}"}, []string{"k"})
	assert.ErrorContains(t, err, "signs the URL the sender posts to")
}

// A header of key=value pairs under a public-key scheme is checked for a
// few signatures, not thousands: each costs a verification, and the header
// comes from anyone.
func TestPublicKeySignatureListIsBounded(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	v, err := New(Options{Scheme: SchemeEd25519, Header: "X-Sig", SignatureKey: "v1", TimestampKey: "t",
		SignedPayload: "{timestamp}.{body}", NoReplayWindow: true}, Keys{PublicKeys: []string{hex.EncodeToString(pub)}})
	require.NoError(t, err)
	body := []byte(`{"a":1}`)
	good := "v1=" + hex.EncodeToString(ed25519.Sign(priv, []byte("1700000000."+string(body))))
	forged := "v1=" + strings.Repeat("00", ed25519.SignatureSize)
	list := func(n int) http.Header {
		entries := []string{"t=1700000000"}
		for range n - 1 {
			entries = append(entries, forged)
		}
		return headers("X-Sig", strings.Join(append(entries, good), ","))
	}
	now := time.Unix(1700000000, 0)
	require.NoError(t, v.Verify(list(1), body, now))
	require.NoError(t, v.Verify(list(16), body, now), "any of a few signatures may match")
	err = v.Verify(list(17), body, now)
	require.ErrorIs(t, err, ErrMalformedSignature)
	assert.ErrorContains(t, err, "X-Sig has more than 16 v1= signatures")
}
