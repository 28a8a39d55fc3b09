// Package docs holds the documentation to what it shows: every link and
// anchor resolves, every YAML block and example is a configuration the
// built distributions accept, every documented curl gets the answer printed
// after it, and the component tables list what the distributions hold.
package docs

import (
	"testing"

	"github.com/otelcol-webhook/otelcol-webhook/tests/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }
