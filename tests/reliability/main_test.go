// Package reliability checks what the webhook receiver and exporter promise
// under faults and attacks: an endpoint that is down or refusing, a collector
// killed with its queue full, a pipeline over its memory limit, slow and
// hostile clients, and secrets that must never be printed. The collectors run
// as processes of the built distribution over loopback, or in the test
// process where a fault is easier to create there.
package reliability

import (
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }
