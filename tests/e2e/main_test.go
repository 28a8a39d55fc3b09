// Package e2e drives the built otelcol-webhook distribution as a process
// over loopback, together with peers we did not write.
package e2e

import (
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }
