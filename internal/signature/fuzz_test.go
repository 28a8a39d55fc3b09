package signature

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzVerify feeds arbitrary signature headers and bodies to every scheme:
// nothing may panic, a forged signature never passes, and what is signed as
// each sender signs always verifies, and no longer once the body changes.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"resourceSpans":[]}`), "msg_1", "1705312800", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=", "sha256=deadbeef")
	f.Add([]byte{}, "", "", "", "")
	f.Add([]byte("x"), "id with spaces", "-1", "v1, v1,,, v2,abc", "sha256=")
	f.Add([]byte("\x00\xff"), "msg", "99999999999999999999", "v1,"+string(make([]byte, 300)), "SHA256=00")
	// Stripe-Signature and Slack shapes.
	f.Add([]byte(`{"id":"evt_1","type":"invoice.paid"}`), "evt_1", "1705312800", "v0=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd", "t=1705312800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=00")
	f.Add([]byte("token=x&payload=%7B%7D"), "", "1705312800.5", "v0=", "t=,v1=,t=1705312800")
	f.Add([]byte(`{"webhookTimestamp":1705312800000}`), "", "", "", "t=1705312800,,v1==")

	now := time.Unix(1_705_312_800, 0)
	std, err := NewVerifier(Options{Scheme: SchemeStandardWebhooks, Tolerance: time.Minute}, []string{whSecret, whSecretOld})
	require.NoError(f, err)
	hm, err := NewVerifier(Options{Scheme: SchemeHMACSHA256, Header: "X-Sig", Prefix: "sha256="}, []string{"k1", "k2"})
	require.NoError(f, err)
	stripe, err := NewVerifier(Options{Scheme: SchemeStripe}, []string{"whsec_fuzz"})
	require.NoError(f, err)
	slack, err := NewVerifier(Options{Scheme: SchemeSlack}, []string{"slack-fuzz"})
	require.NoError(f, err)
	vercel, err := NewVerifier(Options{Scheme: SchemeHMAC, Header: "X-Vercel-Signature", Algorithm: SHA1}, []string{"vercel-fuzz"})
	require.NoError(f, err)
	shopify, err := NewVerifier(Options{Scheme: SchemeHMAC, Header: "X-Shopify-Hmac-Sha256", Encoding: Base64}, []string{"shopify-fuzz"})
	require.NoError(f, err)
	stdSigner, err := NewSigner(SchemeStandardWebhooks, "", "", whSecret)
	require.NoError(f, err)
	hmSigner, err := NewSigner(SchemeHMACSHA256, "X-Sig", "sha256=", "k2")
	require.NoError(f, err)
	all := []*Verifier{std, hm, stripe, slack, vercel, shopify}

	f.Fuzz(func(t *testing.T, body []byte, id, ts, sig, hmacSig string) {
		h := http.Header{}
		h.Set(HeaderWebhookID, id)
		h.Set(HeaderWebhookTimestamp, ts)
		h.Set(HeaderWebhookSignature, sig)
		h.Set(HeaderSvixID, id)
		h.Set(HeaderSvixTimestamp, ts)
		h.Set(HeaderSvixSignature, sig)
		h.Set("X-Sig", hmacSig)
		h.Set(HeaderStripeSignature, hmacSig)
		h.Set(HeaderSlackRequestTimestamp, ts)
		h.Set(HeaderSlackSignature, sig)
		h.Set("X-Vercel-Signature", hmacSig)
		h.Set("X-Shopify-Hmac-Sha256", sig)
		// Arbitrary input is a forgery: it must not verify.
		for _, v := range all {
			require.Error(t, v.Verify(h, body, now), v.opts.Scheme)
		}

		if id == "" {
			id = "msg_fuzz"
		}
		signed := http.Header{}
		stdSigner.Sign(signed, body, id, now)
		hmSigner.Sign(signed, body, id, now)
		signed.Set(HeaderStripeSignature, "t=1705312800,v1="+hexMAC(sha256.New, "whsec_fuzz", "1705312800."+string(body)))
		signed.Set(HeaderSlackRequestTimestamp, "1705312800")
		signed.Set(HeaderSlackSignature, "v0="+hexMAC(sha256.New, "slack-fuzz", "v0:1705312800:"+string(body)))
		signed.Set("X-Vercel-Signature", hexMAC(sha1.New, "vercel-fuzz", string(body)))
		mac := hmac.New(sha256.New, []byte("shopify-fuzz"))
		mac.Write(body)
		signed.Set("X-Shopify-Hmac-Sha256", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		tampered := append(append([]byte(nil), body...), '!')
		for _, v := range all {
			if v == std && signed.Get(HeaderWebhookID) != id {
				continue // an id the header cannot carry unchanged
			}
			require.NoError(t, v.Verify(signed, body, now), v.opts.Scheme)
			require.Error(t, v.Verify(signed, tampered, now), v.opts.Scheme)
		}
	})
}

func hexMAC(h func() hash.Hash, key, payload string) string {
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(payload))
	return hex.EncodeToString(mac.Sum(nil))
}
