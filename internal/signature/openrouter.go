package signature // import "github.com/otelcol-webhook/otelcol-webhook/internal/signature"

import (
	"strings"
	"time"
)

// openRouterForms are the two forms of X-OpenRouter-Signature: OpenRouter's
// documented callbacks sign "t=<unix>,v1=<hex HMAC-SHA256 of '<t>,<body>'>",
// its event webhooks (as a third-party page describes them) the hex
// HMAC-SHA256 of the body.
func openRouterForms(o Options) (timed, plain Options) {
	timed = Options{Scheme: SchemeHMAC, Header: o.Header, SignatureKey: "v1", TimestampKey: "t", Separator: ",",
		SignedPayload: PlaceholderTimestamp + "," + PlaceholderBody, Tolerance: o.Tolerance, NoReplayWindow: o.NoReplayWindow}
	plain = Options{Scheme: SchemeHMAC, Header: o.Header, Prefix: o.Prefix}
	return timed.resolved(), plain.resolved()
}

// verifyOpenRouter reads the timestamped form when the header holds
// key=value pairs, the plain form otherwise.
func (v *Verifier) verifyOpenRouter(r Request, now time.Time) error {
	if strings.Contains(r.Header.Get(v.opts.Header), "=") {
		return v.timed.verifyForm(r, now)
	}
	return v.plain.verifyForm(r, now)
}
