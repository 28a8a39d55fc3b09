package webhooks // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/webhooks"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// The handshakes and test deliveries of the presets. Every one of them but
// Dropbox's GET comes signed and is answered only once the route's
// signature verified it, as the senders' own samples do.

// headerIsTest: a delivery whose header name is value is a test (GitHub's
// ping).
func headerIsTest(name, value string) func(specialInput) *Special {
	return func(in specialInput) *Special {
		if in.header.Get(name) == value {
			return &Special{Test: true}
		}
		return nil
	}
}

// fieldIsTest: a delivery whose field path is value is a test
// (PagerDuty's pagey.ping).
func fieldIsTest(path, value string) func(specialInput) *Special {
	p := field(path)
	return func(in specialInput) *Special {
		if s, ok := partText(p, in.body, in.header); ok && s == value {
			return &Special{Test: true}
		}
		return nil
	}
}

func jsonReply(v any) *Special {
	body, _ := json.Marshal(v)
	return &Special{Test: true, Reply: &Reply{ContentType: "application/json", Body: body}}
}

// slackChallenge answers url_verification with its challenge:
// https://api.slack.com/events/url_verification
func slackChallenge(in specialInput) *Special {
	m, ok := in.body.(map[string]any)
	if !ok || m["type"] != "url_verification" {
		return nil
	}
	challenge, _ := m["challenge"].(string)
	return jsonReply(map[string]string{"challenge": challenge})
}

// discordPing answers Discord's two PINGs: an interaction of type 1 with
// {"type":1}, and a webhook-events PING (type 0) with 204.
func discordPing(in specialInput) *Special {
	m, ok := in.body.(map[string]any)
	if !ok {
		return nil
	}
	typ, _ := text(m["type"])
	_, isEvent := m["event"]
	switch {
	case typ == "0":
		return &Special{Test: true, Reply: &Reply{Status: http.StatusNoContent}}
	case typ == "1" && !isEvent:
		return &Special{Test: true, Reply: &Reply{ContentType: "application/json", Body: []byte(`{"type":1}`)}}
	}
	return nil
}

// zoomValidation answers endpoint.url_validation with the plainToken and
// its hex HMAC-SHA256 keyed with the secret token that signed the request:
// https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint
func zoomValidation(in specialInput) *Special {
	m, ok := in.body.(map[string]any)
	if !ok || m["event"] != "endpoint.url_validation" {
		return nil
	}
	plain, _ := partText(field("payload.plainToken"), m, in.header)
	key := zoomKey(in)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(plain))
	return jsonReply(struct {
		PlainToken     string `json:"plainToken"`
		EncryptedToken string `json:"encryptedToken"`
	}{plain, hex.EncodeToString(mac.Sum(nil))})
}

// zoomKey is the secret whose signature the request carries, so that the
// answer uses the same secret while one is rotated; the first otherwise.
func zoomKey(in specialInput) []byte {
	if len(in.secrets) == 0 {
		return nil
	}
	got, err := hex.DecodeString(trimPrefixFold(in.header.Get("X-Zm-Signature"), "v0="))
	if err == nil {
		ts := in.header.Get("X-Zm-Request-Timestamp")
		for _, key := range in.secrets {
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte("v0:" + ts + ":"))
			mac.Write(in.raw)
			if hmac.Equal(got, mac.Sum(nil)) {
				return key
			}
		}
	}
	return in.secrets[0]
}

func trimPrefixFold(s, prefix string) string {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):]
	}
	return s
}

// twitchChallenge answers webhook_callback_verification with the challenge
// as text: https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#responding-to-a-challenge-request
func twitchChallenge(in specialInput) *Special {
	if in.header.Get(headerTwitchType) != "webhook_callback_verification" {
		return nil
	}
	challenge, _ := partText(field("challenge"), in.body, in.header)
	return &Special{Test: true, Reply: &Reply{ContentType: "text/plain; charset=utf-8", Body: []byte(challenge)}}
}

// dropboxChallenge answers the GET Dropbox sends to verify the URL with the
// challenge as it came: https://www.dropbox.com/developers/reference/webhooks
func dropboxChallenge(query url.Values) *Reply {
	c := query.Get("challenge")
	if c == "" {
		return nil
	}
	return &Reply{ContentType: "text/plain", Body: []byte(c)}
}
