package otlp // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/otlp"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-webhook/otelcol-webhook/internal/genai"
)

// Walks over decoded data, for the bodies pdata's decoders read: protobuf,
// and the JSON bodies only pdata's decoder builds (decode.go).

// repairSpanAttributes converts span attributes that a sender sent as
// strings to the type they have by definition (see genai.RepairValue).
func repairSpanAttributes(td ptrace.Traces, repairs *RepairCounts) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				repairAttributes(spans.At(k).Attributes(), repairs)
			}
		}
	}
}

// repairLogAttributes is repairSpanAttributes for log records, such as GenAI
// events.
func repairLogAttributes(ld plog.Logs, repairs *RepairCounts) {
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			records := sls.At(j).LogRecords()
			for k := 0; k < records.Len(); k++ {
				repairAttributes(records.At(k).Attributes(), repairs)
			}
		}
	}
}

func repairAttributes(attrs pcommon.Map, repairs *RepairCounts) {
	for key, v := range attrs.All() {
		if genai.RepairValue(key, v) {
			if key == genai.AttrFinishReasons {
				repairs.Add(repairFinishReasons)
			} else {
				repairs.Add(repairNumberString)
			}
		}
	}
}

// appendSpanKeys appends the key of every span of td, in walk order.
func appendSpanKeys(keys []SpanKey, td ptrace.Traces) []SpanKey {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				keys = append(keys, SpanKey{TraceID: s.TraceID(), SpanID: s.SpanID()})
			}
		}
	}
	return keys
}
