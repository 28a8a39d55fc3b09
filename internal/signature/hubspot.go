package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"
)

// HubSpot's signature headers.
const (
	HeaderHubSpotSignatureV3      = "X-HubSpot-Signature-v3"
	HeaderHubSpotRequestTimestamp = "X-HubSpot-Request-Timestamp"
	HeaderHubSpotSignature        = "X-HubSpot-Signature"
	HeaderHubSpotSignatureVersion = "X-HubSpot-Signature-Version"
)

// hubspotDecoded are the escapes HubSpot's documentation decodes in the URI
// before signing it with v3.
var hubspotDecoded = strings.NewReplacer(
	"%3A", ":", "%2F", "/", "%3F", "?", "%40", "@", "%21", "!", "%24", "$",
	"%27", "'", "%28", "(", "%29", ")", "%2A", "*", "%2C", ",", "%3B", ";",
)

// verifyHubSpot checks HubSpot's request signatures as its documentation
// and its Node SDK (src/utils/signature.ts) do. v3, when
// X-HubSpot-Signature-v3 is sent: the base64 HMAC-SHA256, keyed with the
// app's client secret, of method + URI + body + X-HubSpot-Request-Timestamp
// (Unix milliseconds, within the tolerance), the URI being the URL the app
// configured followed by the query (also tried with the escapes HubSpot's
// documentation decodes). Otherwise X-HubSpot-Signature as
// X-HubSpot-Signature-Version says: v1 (the default) is the hex SHA-256 of
// secret + body, v2 of secret + method + URI + body.
func (v *Verifier) verifyHubSpot(r Request, now time.Time) error {
	uri := v.opts.URL
	if r.Query != "" {
		uri += "?" + r.Query
	}
	uris := []string{uri}
	if d := hubspotDecoded.Replace(uri); d != uri {
		uris = append(uris, d)
	}
	if sig := strings.TrimSpace(r.Header.Get(HeaderHubSpotSignatureV3)); sig != "" {
		got, ok := decodeBase64(sig, sha256.Size)
		if !ok {
			return malformed(HeaderHubSpotSignatureV3, "is not a base64 HMAC-SHA256")
		}
		ts := strings.TrimSpace(r.Header.Get(HeaderHubSpotRequestTimestamp))
		if ts == "" {
			return missingHeader(HeaderHubSpotRequestTimestamp)
		}
		t, err := parseSignedTime(ts, UnixMilliseconds, HeaderHubSpotRequestTimestamp)
		if err != nil {
			return err
		}
		if !v.within(t, now) {
			return staleTimestamp(HeaderHubSpotRequestTimestamp)
		}
		for _, u := range uris {
			for _, key := range v.keys {
				mac := hmac.New(sha256.New, key)
				mac.Write([]byte(r.Method + u))
				mac.Write(r.Body)
				mac.Write([]byte(ts))
				if hmac.Equal(got, mac.Sum(nil)) {
					return nil
				}
			}
		}
		return mismatch("signature does not match the method, URL, body and timestamp with any configured client secret (is public_url the URL configured at HubSpot?)")
	}
	sig := strings.TrimSpace(r.Header.Get(HeaderHubSpotSignature))
	if sig == "" {
		return missingHeader(HeaderHubSpotSignatureV3 + " (or " + HeaderHubSpotSignature + ")")
	}
	got, err := hex.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return malformed(HeaderHubSpotSignature, "is not a hex SHA-256")
	}
	version := strings.TrimSpace(r.Header.Get(HeaderHubSpotSignatureVersion))
	switch version {
	case "", "v1":
		for _, key := range v.keys {
			h := sha256.New()
			h.Write(key)
			h.Write(r.Body)
			if subtle.ConstantTimeCompare(got, h.Sum(nil)) == 1 {
				return nil
			}
		}
	case "v2":
		for _, key := range v.keys {
			h := sha256.New()
			h.Write(key)
			h.Write([]byte(r.Method + uri))
			h.Write(r.Body)
			if subtle.ConstantTimeCompare(got, h.Sum(nil)) == 1 {
				return nil
			}
		}
	default:
		return malformed(HeaderHubSpotSignatureVersion, "is not v1, v2 (or X-HubSpot-Signature-v3 is missing)")
	}
	return mismatch("signature (" + HeaderHubSpotSignature + " " + orV1(version) + ") does not match with any configured client secret")
}

func orV1(version string) string {
	if version == "" {
		return "v1"
	}
	return version
}
