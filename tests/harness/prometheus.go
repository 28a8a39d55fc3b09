package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// PrometheusBin is Debian's prometheus, which `make test-servers` installs;
// $PROMETHEUS_BIN overrides it.
var PrometheusBin = "/usr/bin/prometheus"

// PrometheusJob is the job name of the targets StartPrometheus scrapes.
const PrometheusJob = "otelcol-webhook"

// Prometheus is a prometheus server started for one test, on a loopback
// port, with its data in the test's temporary directory, scraping its
// targets every second.
type Prometheus struct {
	*Process
	// URL is the base URL of its HTTP API, e.g. http://127.0.0.1:PORT.
	URL string
}

// StartPrometheus starts prometheus scraping targets (host:port, path
// /metrics) every second as job PrometheusJob, and waits until it is ready.
// The server is stopped by its PID when the test ends. It fails, never
// skips, when the server is not installed.
func StartPrometheus(t testing.TB, targets ...string) *Prometheus {
	t.Helper()
	bin := PrometheusBin
	if env := os.Getenv("PROMETHEUS_BIN"); env != "" {
		bin = env
	}
	_, err := os.Stat(bin)
	require.NoError(t, err, "prometheus is not installed: run `make test-servers` (or set PROMETHEUS_BIN)")

	dir := t.TempDir()
	quoted := make([]string, len(targets))
	for i, target := range targets {
		quoted[i] = strconv.Quote(target)
	}
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: %s
    static_configs:
      - targets: [%s]
`, PrometheusJob, strings.Join(quoted, ", "))
	path := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))

	port := FreePort(t)
	p := StartProcess(t, "prometheus", dir, nil, bin,
		"--config.file="+path,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+fmt.Sprintf("127.0.0.1:%d", port),
		"--log.level=warn")
	prom := &Prometheus{Process: p, URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	client := &http.Client{Timeout: 2 * time.Second}
	require.Eventually(t, func() bool {
		if p.Exited() {
			return true
		}
		resp, err := client.Get(prom.URL + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 60*time.Second, 50*time.Millisecond, "prometheus did not become ready")
	require.False(t, p.Exited(), "prometheus exited at start:\n%s", Tail(p.Log.String(), 40))
	return prom
}

// PromSample is one element of an instant vector: its labels and value.
type PromSample struct {
	Labels map[string]string
	Value  float64
}

// Query evaluates expr at time at (the server's now when at is zero)
// through the HTTP API and returns the elements of the instant vector, or
// the scalar as one element without labels. A query Prometheus refuses
// fails the test with its message.
func (p *Prometheus) Query(t testing.TB, expr string, at time.Time) []PromSample {
	t.Helper()
	samples, err := p.query(expr, at)
	require.NoError(t, err, "PromQL: %s", expr)
	return samples
}

func (p *Prometheus) query(expr string, at time.Time) ([]PromSample, error) {
	q := url.Values{"query": {expr}}
	if !at.IsZero() {
		q.Set("time", strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64))
	}
	var result struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := p.get("/api/v1/query?"+q.Encode(), &result); err != nil {
		return nil, err
	}
	switch result.ResultType {
	case "vector":
		var vec []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(result.Result, &vec); err != nil {
			return nil, err
		}
		out := make([]PromSample, 0, len(vec))
		for _, s := range vec {
			v, err := promValue(s.Value)
			if err != nil {
				return nil, err
			}
			out = append(out, PromSample{Labels: s.Metric, Value: v})
		}
		return out, nil
	case "scalar":
		var s [2]any
		if err := json.Unmarshal(result.Result, &s); err != nil {
			return nil, err
		}
		v, err := promValue(s)
		if err != nil {
			return nil, err
		}
		return []PromSample{{Labels: map[string]string{}, Value: v}}, nil
	default:
		return nil, fmt.Errorf("unexpected result type %q", result.ResultType)
	}
}

// LabelValues returns the values of label on the series that match the
// series selector match, as Grafana's label_values(match, label) does.
func (p *Prometheus) LabelValues(t testing.TB, label, match string) []string {
	t.Helper()
	var values []string
	err := p.get("/api/v1/label/"+url.PathEscape(label)+"/values?"+url.Values{"match[]": {match}}.Encode(), &values)
	require.NoError(t, err, "label values of %s for %s", label, match)
	return values
}

// get reads one API answer and its data into data.
func (p *Prometheus) get(path string, data any) error {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(p.URL + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var answer struct {
		Status    string          `json:"status"`
		Data      json.RawMessage `json:"data"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if answer.Status != "success" {
		return fmt.Errorf("HTTP %d: %s: %s", resp.StatusCode, answer.ErrorType, answer.Error)
	}
	return json.Unmarshal(answer.Data, data)
}

// promValue reads the [time, "value"] pair of the API.
func promValue(pair [2]any) (float64, error) {
	s, ok := pair[1].(string)
	if !ok {
		return 0, fmt.Errorf("sample value %v is not a string", pair[1])
	}
	return strconv.ParseFloat(s, 64)
}
