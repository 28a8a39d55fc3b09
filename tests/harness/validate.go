package harness

import (
	"encoding/base64"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// envRef matches ${env:NAME} and ${env:NAME:-default}.
var envRef = regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// SampleSigningSecret is a well-formed Standard Webhooks secret (whsec_ and
// the base64 of 32 bytes); it is also a valid hmac_sha256 secret.
var SampleSigningSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("examples-test-signing-secret-32b"))

// SampleEd25519PublicKey is the public key of RFC 8032's first Ed25519 test
// vector, in the hex Discord's Developer Portal shows.
const SampleEd25519PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

// listenAddrDefault matches a default that is a listen address (host:port).
var listenAddrDefault = regexp.MustCompile(`^:-[A-Za-z0-9.]+:[0-9]+$`)

// ConfigEnv returns NAME=value for every environment variable a
// configuration text references, with a sample value of the right shape for
// its name, or a loopback address when its default is a listen address.
func ConfigEnv(t testing.TB, text string) []string {
	t.Helper()
	seen := map[string]bool{}
	var env []string
	for _, m := range envRef.FindAllStringSubmatch(text, -1) {
		name := m[1]
		if seen[name] {
			continue
		}
		seen[name] = true
		var value string
		switch upper := strings.ToUpper(name); {
		case listenAddrDefault.MatchString(m[2]):
			value = "127.0.0.1:" + strconv.Itoa(20000+len(seen))
		case strings.Contains(upper, "PUBLIC_KEY"):
			value = SampleEd25519PublicKey
		case strings.Contains(upper, "SECRET"):
			value = SampleSigningSecret
		case strings.Contains(upper, "REDIS") && strings.Contains(upper, "ENDPOINT"):
			value = "redis.observability.svc.cluster.local:6379"
		case strings.Contains(upper, "ENDPOINT"), strings.Contains(upper, "URL"):
			value = "https://ingest.example.com/v1/traces"
		case strings.HasSuffix(upper, "_PORT"):
			value = strconv.Itoa(20000 + len(seen))
		case strings.HasSuffix(upper, "SPIKE_MIB"):
			value = "64"
		case strings.HasSuffix(upper, "_MIB"):
			value = "256"
		case strings.HasSuffix(upper, "_DIR"):
			value = t.TempDir()
		case strings.Contains(upper, "SERVICE"), strings.Contains(upper, "HOST"):
			value = "otelcol-webhook-gateway-headless.observability.svc.cluster.local"
		default:
			value = "example-" + strings.ToLower(name)
		}
		env = append(env, name+"="+value)
	}
	return env
}

// Validate runs `<bin> validate --config path` with env added to the
// environment and returns its exit code and output.
func Validate(t testing.TB, bin, path string, env []string) (int, string) {
	t.Helper()
	p := StartProcess(t, filepath.Base(bin)+" validate", filepath.Dir(path), env, bin, "validate", "--config", path)
	require.Eventually(t, p.Exited, 60*time.Second, 10*time.Millisecond, "validate did not finish")
	return p.Cmd.ProcessState.ExitCode(), p.Log.String()
}
