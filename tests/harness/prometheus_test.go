package harness

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// StartPrometheus scrapes its target every second, and Query and
// LabelValues read what it scraped; a query Prometheus refuses is an error
// with its message.
func TestStartPrometheus(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprint(w, "# TYPE harness_test_total counter\nharness_test_total{kind=\"a\"} 3\nharness_test_total{kind=\"b\"} 4.5\n")
	}))
	defer target.Close()
	prom := StartPrometheus(t, strings.TrimPrefix(target.URL, "http://"))

	require.Eventually(t, func() bool {
		return len(prom.Query(t, `harness_test_total`, time.Time{})) == 2
	}, 30*time.Second, 100*time.Millisecond, "the target was never scraped")
	got := prom.Query(t, `sum by (kind) (harness_test_total)`, time.Time{})
	values := map[string]float64{}
	for _, s := range got {
		values[s.Labels["kind"]] = s.Value
	}
	assert.Equal(t, map[string]float64{"a": 3, "b": 4.5}, values)
	assert.Equal(t, []PromSample{{Labels: map[string]string{}, Value: 7.5}}, prom.Query(t, `scalar(sum(harness_test_total))`, time.Time{}))
	assert.Equal(t, []string{"a", "b"}, prom.LabelValues(t, "kind", `harness_test_total`))
	assert.Equal(t, []string{PrometheusJob}, prom.LabelValues(t, "job", `up`))

	// Before the first scrape there was nothing.
	assert.Empty(t, prom.Query(t, `harness_test_total`, time.Now().Add(-time.Hour)))

	_, err := prom.query(`sum(`, time.Time{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad_data")
}
