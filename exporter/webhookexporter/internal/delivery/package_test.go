package delivery

import (
	"testing"

	"go.uber.org/goleak"
)

// Every Manager's dispatcher and workers end at Shutdown.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
