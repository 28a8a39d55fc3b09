package signature

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzVerify feeds arbitrary signature headers and bodies to both schemes:
// nothing may panic, a forged signature never passes, and what the signer
// signs always verifies.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"resourceSpans":[]}`), "msg_1", "1705312800", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=", "sha256=deadbeef")
	f.Add([]byte{}, "", "", "", "")
	f.Add([]byte("x"), "id with spaces", "-1", "v1, v1,,, v2,abc", "sha256=")
	f.Add([]byte("\x00\xff"), "msg", "99999999999999999999", "v1,"+string(make([]byte, 300)), "SHA256=00")

	now := time.Unix(1_705_312_800, 0)
	std, err := NewVerifier(SchemeStandardWebhooks, "", "", []string{whSecret, whSecretOld}, time.Minute)
	require.NoError(f, err)
	hm, err := NewVerifier(SchemeHMACSHA256, "X-Sig", "sha256=", []string{"k1", "k2"}, 0)
	require.NoError(f, err)
	stdSigner, err := NewSigner(SchemeStandardWebhooks, "", "", whSecret)
	require.NoError(f, err)
	hmSigner, err := NewSigner(SchemeHMACSHA256, "X-Sig", "sha256=", "k2")
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, body []byte, id, ts, sig, hmacSig string) {
		h := http.Header{}
		h.Set(HeaderWebhookID, id)
		h.Set(HeaderWebhookTimestamp, ts)
		h.Set(HeaderWebhookSignature, sig)
		h.Set("X-Sig", hmacSig)
		// Arbitrary input is a forgery: it must not verify.
		require.Error(t, std.Verify(h, body, now))
		require.Error(t, hm.Verify(h, body, now))

		if id == "" {
			id = "msg_fuzz"
		}
		signed := http.Header{}
		stdSigner.Sign(signed, body, id, now)
		hmSigner.Sign(signed, body, id, now)
		if signed.Get(HeaderWebhookID) == id { // ids the header can carry unchanged
			require.NoError(t, std.Verify(signed, body, now))
		}
		require.NoError(t, hm.Verify(signed, body, now))
		tampered := append(append([]byte(nil), body...), '!')
		require.Error(t, std.Verify(signed, tampered, now))
		require.Error(t, hm.Verify(signed, tampered, now))
	})
}
