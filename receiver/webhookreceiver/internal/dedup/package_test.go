package dedup

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(storageChildEnv); dir != "" {
		os.Exit(storageChild(dir))
	}
	goleak.VerifyTestMain(m)
}
