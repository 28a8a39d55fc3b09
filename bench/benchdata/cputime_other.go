//go:build !unix

package benchdata // import "github.com/otelcol-webhook/otelcol-webhook/bench/benchdata"

import "time"

// processCPU is not measured here: Report reports nothing.
func processCPU() time.Duration { return 0 }
