package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	whSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	whSecretOld = "whsec_c2VjcmV0LW9mLXRoZS1wcmV2aW91cy1yb3RhdGlvbg=="
)

var body = []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat"}]}]}]}`)

func TestStandardWebhooksSignedHereVerifiedByReference(t *testing.T) {
	signer, err := NewSigner(SchemeStandardWebhooks, "", "", whSecret)
	require.NoError(t, err)
	h := http.Header{}
	id := DeliveryID(body)
	signer.Sign(h, body, id, time.Now())

	assert.Equal(t, id, h.Get(HeaderWebhookID))
	ref, err := standardwebhooks.NewWebhook(whSecret)
	require.NoError(t, err)
	require.NoError(t, ref.Verify(body, h))

	// The reference library must refuse a changed body, so the check above
	// is not vacuous.
	require.Error(t, ref.Verify(append([]byte(nil), append(body, ' ')...), h))
}

func TestStandardWebhooksSignedByReferenceVerifiedHere(t *testing.T) {
	ref, err := standardwebhooks.NewWebhook(whSecret)
	require.NoError(t, err)
	now := time.Now()
	sig, err := ref.Sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", now, body)
	require.NoError(t, err)
	h := http.Header{}
	h.Set(HeaderWebhookID, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
	h.Set(HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(HeaderWebhookSignature, sig)

	v, err := NewVerifier(Options{Scheme: SchemeStandardWebhooks}, []string{whSecret})
	require.NoError(t, err)
	require.NoError(t, v.Verify(h, body, now))
}

func TestStandardWebhooksVerify(t *testing.T) {
	now := time.Unix(1_705_312_800, 0)
	signed := func(secret string, at time.Time) http.Header {
		s, err := NewSigner(SchemeStandardWebhooks, "", "", secret)
		require.NoError(t, err)
		h := http.Header{}
		s.Sign(h, body, "msg_1", at)
		return h
	}
	v, err := NewVerifier(Options{Scheme: SchemeStandardWebhooks, Tolerance: time.Minute}, []string{whSecret, whSecretOld})
	require.NoError(t, err)

	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{name: "current secret", header: signed(whSecret, now), body: body},
		{name: "previous secret during rotation", header: signed(whSecretOld, now), body: body},
		{name: "timestamp within tolerance", header: signed(whSecret, now.Add(-59*time.Second)), body: body},
		{name: "stale timestamp", header: signed(whSecret, now.Add(-2*time.Minute)), body: body, want: ErrStaleTimestamp},
		{name: "future timestamp", header: signed(whSecret, now.Add(2*time.Minute)), body: body, want: ErrStaleTimestamp},
		{name: "tampered body", header: signed(whSecret, now), body: []byte(`{}`), want: ErrSignatureMismatch},
		{name: "unknown secret", header: signed("whsec_"+base64.StdEncoding.EncodeToString([]byte("another secret")), now), body: body, want: ErrSignatureMismatch},
		{name: "no headers", header: http.Header{}, body: body, want: ErrMissingHeaders},
		{
			name: "non-numeric timestamp",
			header: func() http.Header {
				h := signed(whSecret, now)
				h.Set(HeaderWebhookTimestamp, "yesterday")
				return h
			}(),
			body: body, want: ErrInvalidTimestamp,
		},
		{
			name: "several signatures, one valid",
			header: func() http.Header {
				h := signed(whSecret, now)
				h.Set(HeaderWebhookSignature, "v1,Zm9v v2,abc "+h.Get(HeaderWebhookSignature))
				return h
			}(),
			body: body,
		},
		{
			name: "signature with wrong version",
			header: func() http.Header {
				h := signed(whSecret, now)
				h.Set(HeaderWebhookSignature, "v2"+h.Get(HeaderWebhookSignature)[2:])
				return h
			}(),
			body: body, want: ErrSignatureMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(tt.header, tt.body, now)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestHMACSHA256(t *testing.T) {
	mac := hmac.New(sha256.New, []byte("s3cret"))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))

	signer, err := NewSigner(SchemeHMACSHA256, "X-OpenRouter-Signature", "sha256=", "s3cret")
	require.NoError(t, err)
	h := http.Header{}
	signer.Sign(h, body, "ignored", time.Now())
	assert.Equal(t, "sha256="+want, h.Get("X-OpenRouter-Signature"))

	v, err := NewVerifier(Options{Scheme: SchemeHMACSHA256, Header: "X-OpenRouter-Signature", Prefix: "sha256="}, []string{"old", "s3cret"})
	require.NoError(t, err)

	tests := []struct {
		name  string
		value string
		body  []byte
		want  error
	}{
		{name: "valid", value: "sha256=" + want, body: body},
		{name: "prefix in other case", value: "SHA256=" + want, body: body},
		{name: "upper-case hex", value: "sha256=" + upper(want), body: body},
		{name: "missing", value: "", body: body, want: ErrMissingSignature},
		{name: "missing prefix", value: want, body: body, want: ErrMalformedSignature},
		{name: "not hex", value: "sha256=" + want[:62] + "zz", body: body, want: ErrMalformedSignature},
		{name: "truncated", value: "sha256=" + want[:10], body: body, want: ErrMalformedSignature},
		{name: "tampered body", value: "sha256=" + want, body: []byte("{}"), want: ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("x-openrouter-signature", tt.value)
			}
			err := v.Verify(h, tt.body, time.Now())
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestDefaultHMACHeader(t *testing.T) {
	signer, err := NewSigner(SchemeHMACSHA256, "", "", "k")
	require.NoError(t, err)
	h := http.Header{}
	signer.Sign(h, body, "", time.Now())
	require.NotEmpty(t, h.Get(DefaultHMACHeader))
	v, err := NewVerifier(Options{Scheme: SchemeHMACSHA256}, []string{"k"})
	require.NoError(t, err)
	assert.NoError(t, v.Verify(h, body, time.Now()))
}

func TestErrorsNeverContainSecretsOrSignatures(t *testing.T) {
	signer, err := NewSigner(SchemeStandardWebhooks, "", "", whSecret)
	require.NoError(t, err)
	h := http.Header{}
	signer.Sign(h, body, "msg_1", time.Now())
	v, err := NewVerifier(Options{Scheme: SchemeStandardWebhooks}, []string{whSecretOld})
	require.NoError(t, err)
	err = v.Verify(h, body, time.Now())
	require.Error(t, err)
	for _, secret := range []string{whSecret, whSecretOld, h.Get(HeaderWebhookSignature)} {
		assert.NotContains(t, err.Error(), secret)
	}
}

func TestNewVerifierAndSignerErrors(t *testing.T) {
	_, err := NewVerifier(Options{Scheme: "rsa"}, []string{"x"})
	assert.ErrorContains(t, err, `unknown scheme "rsa"`)
	_, err = NewVerifier(Options{Scheme: SchemeHMACSHA256}, nil)
	assert.ErrorContains(t, err, "at least one secret")
	_, err = NewVerifier(Options{Scheme: SchemeStandardWebhooks}, []string{"whsec_***"})
	assert.ErrorContains(t, err, `"secrets[0]": standard_webhooks secret must be base64`)
	_, err = NewSigner("", "", "", "x")
	assert.ErrorContains(t, err, "scheme is required")
	_, err = NewSigner(SchemeHMACSHA256, "", "", "")
	assert.ErrorContains(t, err, "secret is empty")
}

func TestDeliveryIDIsStableAndDistinct(t *testing.T) {
	assert.Equal(t, DeliveryID(body), DeliveryID(append([]byte(nil), body...)))
	assert.NotEqual(t, DeliveryID(body), DeliveryID([]byte(`{}`)))
	assert.Regexp(t, `^msg_[0-9a-f]{32}$`, DeliveryID(body))
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
