package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// notOTLP refuses a JSON object posted to an OTLP path that has none of
// the OTLP top-level fields but others: a webhook of some other sender,
// which pdata would read as a request without data and the receiver would
// answer as a test connection, dropping it. Unknown fields next to an OTLP
// field are ignored, as pdata ignores them.
func notOTLP(signal string, fields []string) error {
	slices.Sort(fields)
	fields = slices.Compact(fields)
	other := map[string][2]string{
		"traces": {"resourceLogs", "resource_logs"},
		"logs":   {"resourceSpans", "resource_spans"},
	}[signal]
	for _, f := range fields {
		if f == other[0] || f == other[1] {
			otherSignal := map[string]string{"traces": "logs", "logs": "traces"}[signal]
			return fmt.Errorf("body is not OTLP %s: it has %q, the field of OTLP %s; send %s to the receiver's path for %s",
				signal, f, otherSignal, otherSignal, otherSignal)
		}
	}
	const maxListed = 20
	var b strings.Builder
	for i, f := range fields {
		if i == maxListed {
			fmt.Fprintf(&b, ", and %d more", len(fields)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(f))
	}
	return fmt.Errorf(`body is not OTLP: top-level fields %s; other webhook senders need a route under "webhooks"`, b.String())
}
