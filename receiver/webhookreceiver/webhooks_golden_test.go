package webhookreceiver

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Test secrets, one per sender.
const (
	githubSecret   = "It's a Secret to Everybody"
	stripeSecret   = "whsec_test_7Vq3ZkP1sL9xYh2BdN4mR8tW"
	slackSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	shopifySecret  = "shpss_test_4b1e9c0f7a2d"
	linearSecret   = "lin_wh_test_Yx2b8Qe5Nc"
	standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)

// TestGoldenWebhooks posts each delivery of testdata/webhooks, shaped and
// signed as its sender documents, to a route with that sender's preset, and
// compares what reaches the logs pipeline with the expected records next to
// it. The records' observed time is the arrival and is not compared.
func TestGoldenWebhooks(t *testing.T) {
	tests := []struct {
		sender, name string
		route        string
		sign         func(string, delivery, time.Time) []string
		secret       string
	}{
		{sender: "github", name: "issues_opened", route: "preset: github\nheaders: [X-GitHub-Hook-ID]", sign: githubSign, secret: githubSecret},
		{sender: "github", name: "push", route: "preset: github\nattributes: {vcs.repository.name: repository.full_name, vcs.ref.head.name: ref}", sign: githubSign, secret: githubSecret},
		{sender: "stripe", name: "invoice_paid", route: "preset: stripe", sign: stripeSign, secret: stripeSecret},
		{sender: "slack", name: "app_mention", route: "preset: slack", sign: slackSign, secret: slackSecret},
		{sender: "slack", name: "slash_command", route: "preset: slack", sign: slackSign, secret: slackSecret},
		{sender: "slack", name: "block_actions", route: "preset: slack", sign: slackSign, secret: slackSecret},
		{sender: "shopify", name: "orders_create", route: "preset: shopify", sign: shopifySign, secret: shopifySecret},
		// The delivery's webhookTimestamp is fixed in the file: the replay
		// window is tested on its own (TestLinearReplayWindow).
		{sender: "linear", name: "issue_create", route: "preset: linear\nsignature: {secrets: [" + strconv.Quote(linearSecret) + "], tolerance: 87600h}", sign: linearSign, secret: linearSecret},
		{sender: "standard_webhooks", name: "openai_response_completed", route: "preset: standard_webhooks", sign: standardSign, secret: standardSecret},
		{sender: "standard_webhooks", name: "svix_contact_created", route: "preset: standard_webhooks", sign: standardSign, secret: standardSecret},
		{sender: "generic", name: "primer", route: "required_headers: {X-Webhook-Secret: my-secret}", sign: noSign},
		{sender: "generic", name: "batch", route: "split: {field: events}\nid: {field: id}\nevent_name: {field: type}\ntimestamp: {field: at}\n" +
			"severity: {field: level, map: {critical: fatal}}\nattributes: {service.name.reported: service}\nheaders: [X-Request-Id]", sign: noSign},
	}
	for _, tt := range tests {
		t.Run(tt.sender+"/"+tt.name, func(t *testing.T) {
			extra := tt.route
			if tt.secret != "" && !strings.Contains(extra, "signature:") {
				extra += "\nsignature: {secrets: [" + strconv.Quote(tt.secret) + "]}"
			}
			env := startWebhooks(t, routeYAML(tt.sender, "/"+tt.sender, extra))
			d := readDelivery(t, tt.sender, tt.name)
			resp := env.post("/"+tt.sender, d, tt.sign(tt.secret, d, time.Now())...)
			require.Equal(t, http.StatusOK, resp.status, resp.body)

			require.Len(t, env.logs.AllLogs(), 1)
			actual := env.logs.AllLogs()[0]
			path := filepath.Join("..", "..", "testdata", "webhooks", tt.sender, tt.name+".yaml")
			if *updateGolden {
				written := plog.NewLogs()
				actual.CopyTo(written)
				clearObserved(written)
				require.NoError(t, golden.WriteLogs(t, path, written))
			}
			expected, err := golden.ReadLogs(path)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(expected, actual, plogtest.IgnoreObservedTimestamp()))
		})
	}
}

// clearObserved zeroes the arrival times, which the comparison ignores, so
// that rewriting a golden file changes only what changed.
func clearObserved(ld plog.Logs) {
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lrs.At(k).SetObservedTimestamp(0)
			}
		}
	}
}
