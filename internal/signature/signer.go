package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Signer signs bodies before they are sent, with hmac_sha256 or
// standard_webhooks.
type Signer struct {
	scheme Scheme
	header string
	prefix string
	key    []byte
}

// NewSigner returns a Signer for one secret. header and prefix apply to
// hmac_sha256; an empty header selects DefaultHMACHeader.
func NewSigner(scheme Scheme, header, prefix, secret string) (*Signer, error) {
	if err := scheme.Check(); err != nil {
		return nil, err
	}
	key, err := DecodeSecret(scheme, secret)
	if err != nil {
		return nil, err
	}
	if header == "" {
		header = DefaultHMACHeader
	}
	return &Signer{scheme: scheme, header: header, prefix: prefix, key: key}, nil
}

// Sign sets the signature headers for body on h. id is the delivery id sent
// as webhook-id (standard_webhooks only); now is the signing time.
func (s *Signer) Sign(h http.Header, body []byte, id string, now time.Time) {
	if s.scheme == SchemeStandardWebhooks {
		ts := strconv.FormatInt(now.Unix(), 10)
		sum := standardMAC(s.key, id, ts, body).Sum(nil)
		h.Set(HeaderWebhookID, id)
		h.Set(HeaderWebhookTimestamp, ts)
		h.Set(HeaderWebhookSignature, "v1,"+base64.StdEncoding.EncodeToString(sum))
		return
	}
	mac := hmac.New(sha256.New, s.key)
	mac.Write(body)
	h.Set(s.header, s.prefix+hex.EncodeToString(mac.Sum(nil)))
}

// DeliveryID derives a webhook-id from the body, so that every retry of the
// same delivery, also after a restart with a persistent queue, carries the
// same id and a receiver can drop the copies.
func DeliveryID(body []byte) string {
	sum := sha256.Sum256(body)
	return "msg_" + hex.EncodeToString(sum[:16])
}
