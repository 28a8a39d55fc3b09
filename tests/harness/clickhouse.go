package harness

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ClickHouseBin is Debian's clickhouse-server, which `make test-servers`
// installs; $CLICKHOUSE_SERVER_BIN overrides it.
var ClickHouseBin = "/usr/sbin/clickhouse-server"

// ClickHouse is a clickhouse-server started for one test, listening on
// loopback, with its data in the test's temporary directory.
type ClickHouse struct {
	*Process
	// URL is the base URL of its HTTP interface, e.g. http://127.0.0.1:PORT/.
	URL string
}

// StartClickHouse writes a minimal configuration, starts clickhouse-server
// on free loopback ports and waits until it answers a query. The server is
// stopped by its PID when the test ends. It fails, never skips, when the
// server is not installed.
func StartClickHouse(t testing.TB) *ClickHouse {
	t.Helper()
	bin := ClickHouseBin
	if env := os.Getenv("CLICKHOUSE_SERVER_BIN"); env != "" {
		bin = env
	}
	_, err := os.Stat(bin)
	require.NoError(t, err, "clickhouse-server is not installed: run `make test-servers` (or set CLICKHOUSE_SERVER_BIN)")

	dir := t.TempDir()
	httpPort, tcpPort := FreePort(t), FreePort(t)
	config := fmt.Sprintf(`<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>%d</http_port>
  <tcp_port>%d</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>%s/data/</path>
  <tmp_path>%s/tmp/</tmp_path>
  <users_config>%s/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
`, httpPort, tcpPort, dir, dir, dir)
	users := `<yandex>
  <profiles><default></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.xml"), []byte(config), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "users.xml"), []byte(users), 0o600))

	p := StartProcess(t, "clickhouse-server", dir, nil, bin, "--config-file="+filepath.Join(dir, "config.xml"))
	ch := &ClickHouse{Process: p, URL: fmt.Sprintf("http://127.0.0.1:%d/", httpPort)}
	require.Eventually(t, func() bool {
		if p.Exited() {
			return true
		}
		_, err := ch.query("SELECT 1")
		return err == nil
	}, 60*time.Second, 100*time.Millisecond, "clickhouse-server did not answer")
	require.False(t, p.Exited(), "clickhouse-server exited at start:\n%s", Tail(p.Log.String(), 40))
	return ch
}

// Exec runs one statement and fails the test when ClickHouse refuses it.
// 64-bit integers in JSON output are numbers, not strings.
func (c *ClickHouse) Exec(t testing.TB, sql string) string {
	t.Helper()
	out, err := c.query(sql)
	require.NoError(t, err, "ClickHouse: %s", sql)
	return out
}

// InsertURL is the URL that inserts an ndjson body into table:
// INSERT INTO table FORMAT JSONEachRow, with the given extra settings
// (name=value) in the query string.
func (c *ClickHouse) InsertURL(table string, settings ...string) string {
	q := url.Values{"query": {"INSERT INTO " + table + " FORMAT JSONEachRow"}}
	for _, s := range settings {
		name, value, _ := strings.Cut(s, "=")
		q.Set(name, value)
	}
	return c.URL + "?" + q.Encode()
}

func (c *ClickHouse) query(sql string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(c.URL+"?output_format_json_quote_64bit_integers=0", "text/plain", strings.NewReader(sql))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}
