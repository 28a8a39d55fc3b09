package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"
)

const ed25519SignatureSize = ed25519.SignatureSize

// publicKey is one configured key of an asymmetric scheme.
type publicKey struct {
	ed ed25519.PublicKey
	ec *ecdsa.PublicKey
}

var (
	errEd25519Key = errors.New("not an Ed25519 public key: give its 64 hex digits (Discord's Public Key), its base64, or a PEM PUBLIC KEY")
	errECDSAKey   = errors.New("not an ECDSA P-256 public key: give its base64 SubjectPublicKeyInfo (SendGrid's verification key) or a PEM PUBLIC KEY")
)

// parsePublicKey reads a public key as the senders publish them: Ed25519
// as hex (Discord), base64 or PEM; ECDSA P-256 as base64 DER
// SubjectPublicKeyInfo (SendGrid) or PEM.
func parsePublicKey(scheme Scheme, s string) (publicKey, error) {
	s = strings.TrimSpace(s)
	der, isPEM := spki(s)
	switch scheme {
	case SchemeEd25519:
		if !isPEM {
			if raw, err := hex.DecodeString(s); err == nil && len(raw) == ed25519.PublicKeySize {
				return publicKey{ed: raw}, nil
			}
			raw, ok := decodeBase64(s, 0)
			if !ok {
				return publicKey{}, errEd25519Key
			}
			if len(raw) == ed25519.PublicKeySize {
				return publicKey{ed: raw}, nil
			}
			der = raw
		}
		key, err := x509.ParsePKIXPublicKey(der)
		if pk, ok := key.(ed25519.PublicKey); err == nil && ok {
			return publicKey{ed: pk}, nil
		}
		return publicKey{}, errEd25519Key
	case SchemeECDSAP256:
		key, err := x509.ParsePKIXPublicKey(der)
		if pk, ok := key.(*ecdsa.PublicKey); err == nil && ok && pk.Curve == elliptic.P256() {
			return publicKey{ec: pk}, nil
		}
		return publicKey{}, errECDSAKey
	}
	return publicKey{}, errors.New("scheme " + string(scheme) + " takes no public keys")
}

// spki returns the DER of a PEM block, or of base64 text; isPEM reports a
// PEM block.
func spki(s string) (der []byte, isPEM bool) {
	if strings.HasPrefix(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, true
		}
		return block.Bytes, true
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return raw, false
}

// verifyEd25519 reports whether any key signed the payload with any of sigs.
func (v *Verifier) verifyEd25519(ts string, r Request, sigs [][]byte) bool {
	var msg bytes.Buffer
	msg.Grow(len(r.Body) + 64)
	v.write(&msg, ts, r)
	for _, pk := range v.pub {
		for _, sig := range sigs {
			if ed25519.Verify(pk.ed, msg.Bytes(), sig) {
				return true
			}
		}
	}
	return false
}

// verifyECDSA reports whether any key signed the SHA-256 of the payload
// with any of sigs (ASN.1 DER, as SendGrid's libraries read them).
func (v *Verifier) verifyECDSA(ts string, r Request, sigs [][]byte) bool {
	h := sha256.New()
	v.write(h, ts, r)
	digest := h.Sum(nil)
	for _, pk := range v.pub {
		for _, sig := range sigs {
			if ecdsa.VerifyASN1(pk.ec, digest, sig) {
				return true
			}
		}
	}
	return false
}
