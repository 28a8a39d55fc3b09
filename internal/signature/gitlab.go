package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"
)

// verifyGitLab checks GitLab's webhooks: with a signing token configured
// (a whsec_ secret) and the Standard Webhooks headers present, the
// signature, with no fall-back to the token; otherwise X-Gitlab-Token,
// which must equal a configured secret.
func (v *Verifier) verifyGitLab(r Request, now time.Time) error {
	h := r.Header
	signed := h.Get(HeaderWebhookSignature) != "" || h.Get(HeaderWebhookID) != "" || h.Get(HeaderWebhookTimestamp) != ""
	if signed && len(v.signing) > 0 {
		return v.verifyStandard(h, r.Body, now, v.signing)
	}
	token := h.Get(HeaderGitLabToken)
	if token == "" {
		return missingHeader(HeaderGitLabToken + " (or GitLab's webhook-signature)")
	}
	// Digests of equal length, compared in constant time, reveal neither a
	// secret nor its length.
	got := sha256.Sum256([]byte(token))
	for _, key := range v.keys {
		want := sha256.Sum256(key)
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
			return nil
		}
	}
	return mismatch(HeaderGitLabToken + " does not match any configured secret")
}

// gitlabSigningKey decodes a GitLab signing token, "whsec_" and base64.
func gitlabSigningKey(secret string) ([]byte, bool, error) {
	rest, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, false, nil
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) == 0 {
		return nil, true, errors.New(`a GitLab signing token is "whsec_" and base64: this one is not`)
	}
	return key, true, nil
}
