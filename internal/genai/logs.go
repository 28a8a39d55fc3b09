package genai // import "github.com/otelcol-webhook/otelcol-webhook/internal/genai"

import "go.opentelemetry.io/collector/pdata/plog"

// RedactLogs removes content attributes from every log record, as
// RedactTraces does for spans, and returns how many it removed. Bodies are
// left as they are: their shape is the sender's, not a set of keys.
func RedactLogs(ld plog.Logs) int {
	n := 0
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			records := sls.At(j).LogRecords()
			for k := 0; k < records.Len(); k++ {
				n += RedactMap(records.At(k).Attributes())
			}
		}
	}
	return n
}
