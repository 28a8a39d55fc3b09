package webhookreceiver

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startWebhooksAt starts a receiver in a logs pipeline with the config
// fragment text, whose signatures are checked against the clock now (the
// time the senders' vectors were signed at).
func startWebhooksAt(t *testing.T, text string, now time.Time) *testEnv {
	t.Helper()
	return startPipelinesWith(t, withYAML(t, text), func(r *webhookReceiver) {
		for _, rt := range r.routes {
			rt.auth.now = func() time.Time { return now }
		}
	}, nil, nil, false, true)
}

// presetRouteYAML is a route named after preset at path, with its keys
// and public URL.
func presetRouteYAML(preset, path, publicURL string, secrets, publicKeys []string) string {
	extra := "preset: " + preset + "\n"
	if publicURL != "" {
		extra += "public_url: " + strconv.Quote(publicURL) + "\n"
	}
	switch {
	case len(publicKeys) > 0:
		extra += "signature: {public_keys: " + yamlList(publicKeys) + "}\n"
	default:
		extra += "signature: {secrets: " + yamlList(secrets) + "}\n"
	}
	return routeYAML(preset, path, extra)
}

func yamlList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// request sends method to target (path and query) with headers and body
// as given, byte for byte.
func (e *testEnv) request(method, target string, headers map[string]string, body string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+target, bytes.NewReader([]byte(body)))
	require.NoError(e.t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return e.send(req)
}

func pathOf(target string) string {
	path, _, _ := strings.Cut(target, "?")
	return path
}
