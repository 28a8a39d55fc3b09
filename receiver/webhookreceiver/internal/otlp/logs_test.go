package otlp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

func firstRecord(t *testing.T, ld plog.Logs) plog.LogRecord {
	t.Helper()
	require.Equal(t, 1, ld.LogRecordCount())
	return ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}

func TestLenientLogs(t *testing.T) {
	tests := []struct {
		name   string
		fields string
		repair string
		check  func(t *testing.T, r plog.LogRecord)
		strict string // the error in strict mode; empty when strict accepts it too
	}{
		{
			name: "well-formed", fields: `,"timeUnixNano":"1750000000000000000","severityNumber":13,"severityText":"WARN","eventName":"credit.low_balance","body":{"stringValue":"low"}`,
			check: func(t *testing.T, r plog.LogRecord) {
				assert.Equal(t, plog.SeverityNumberWarn, r.SeverityNumber())
				assert.Equal(t, "credit.low_balance", r.EventName())
				assert.Equal(t, "low", r.Body().Str())
				assert.Equal(t, uint64(1750000000000000000), uint64(r.Timestamp()))
			},
		},
		{
			name: "token counts as strings", fields: `,"attributes":[{"key":"gen_ai.usage.input_tokens","value":{"stringValue":"12"}},{"key":"gen_ai.usage.cost","value":{"stringValue":"0.5"}}]`,
			repair: "number_string",
			check: func(t *testing.T, r plog.LogRecord) {
				assert.Equal(t, map[string]any{"gen_ai.usage.input_tokens": int64(12), "gen_ai.usage.cost": 0.5}, r.Attributes().AsRaw())
			},
		},
		{
			name: "severity by short name", fields: `,"severityNumber":"warn"`, repair: "enum",
			check:  func(t *testing.T, r plog.LogRecord) { assert.Equal(t, plog.SeverityNumberWarn, r.SeverityNumber()) },
			strict: `resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber: enum value "warn" is not in canonical form (lenient: true would repair this)`,
		},
		{
			// pdata's own table misspells this name, so pdata refuses it:
			// lenient mode reads it, strict mode refuses it as pdata does.
			name: "SEVERITY_NUMBER_TRACE", fields: `,"severityNumber":"SEVERITY_NUMBER_TRACE"`, repair: "enum",
			check:  func(t *testing.T, r plog.LogRecord) { assert.Equal(t, plog.SeverityNumberTrace, r.SeverityNumber()) },
			strict: `logRecords[0].severityNumber: enum value "SEVERITY_NUMBER_TRACE" is not one pdata's decoder reads`,
		},
		{
			// ... and reads it as pdata spells it.
			name: "SEVERITY_NUMBER_TRACE as pdata spells it", fields: `,"severityNumber":"SEVERITY_NUMBER_TRACE "`,
			check: func(t *testing.T, r plog.LogRecord) { assert.Equal(t, plog.SeverityNumberTrace, r.SeverityNumber()) },
		},
		{
			name: "non-hex trace ID", fields: `,"traceId":"abc123..."`, repair: "id_hashed",
			check: func(t *testing.T, r plog.LogRecord) {
				assert.False(t, r.TraceID().IsEmpty())
				assertRecordAttr(t, r, AttrOriginalTraceID, "abc123...")
			},
			strict: `logRecords[0].traceId: ID "abc123..." is not 32 hex characters (lenient: true would repair this)`,
		},
		{
			name: "timestamp in RFC 3339", fields: `,"timeUnixNano":"2025-06-15T14:30:00Z"`, repair: "timestamp",
			check: func(t *testing.T, r plog.LogRecord) {
				assert.Equal(t, "2025-06-15T14:30:00Z", r.Timestamp().AsTime().UTC().Format("2006-01-02T15:04:05Z07:00"))
			},
			strict: `logRecords[0].timeUnixNano: timestamp "2025-06-15T14:30:00Z" is not nanoseconds since the Unix epoch`,
		},
		{
			name: "body as plain JSON", fields: `,"body":"plain text"`, repair: "plain_value",
			check:  func(t *testing.T, r plog.LogRecord) { assert.Equal(t, "plain text", r.Body().Str()) },
			strict: `logRecords[0].body: value must be an object`,
		},
		{
			name: "attributes as an object", fields: `,"attributes":{"user.id":"u1","n":2}`, repair: "attributes_object",
			check: func(t *testing.T, r plog.LogRecord) {
				assert.Equal(t, map[string]any{"user.id": "u1", "n": int64(2)}, r.Attributes().AsRaw())
			},
			strict: `logRecords[0].attributes: attributes must be an array`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ld, res, err := DecodeLogs(JSON, []byte(oneRecord(tt.fields)), true)
			require.NoError(t, err)
			tt.check(t, firstRecord(t, ld))
			if tt.repair != "" {
				assert.Positive(t, repairCount(res.Repairs, tt.repair), "repair %s counted", tt.repair)
			}
			_, _, err = DecodeLogs(JSON, []byte(oneRecord(tt.fields)), false)
			if tt.strict == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.strict)
		})
	}
}

func assertRecordAttr(t *testing.T, r plog.LogRecord, key string, want any) {
	t.Helper()
	v, ok := r.Attributes().Get(key)
	require.True(t, ok, "attribute %q present", key)
	assert.Equal(t, want, v.AsRaw())
}

func TestRejectedLogRecords(t *testing.T) {
	body := `{"resourceLogs":[{"scopeLogs":[{"logRecords":[` +
		`{"eventName":"ok"},` +
		`{"eventName":"bad time","timeUnixNano":"yesterday"},` +
		`"not a record",` +
		`{"eventName":"also ok","spanId":"s-1"}` +
		`]}]}]}`
	ld, res, err := DecodeLogs(JSON, []byte(body), true)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Rejected)
	assert.Equal(t, `2 log record(s) rejected; first: resourceLogs[0].scopeLogs[0].logRecords[1].timeUnixNano: timestamp "yesterday" is neither nanoseconds since the Unix epoch nor an RFC 3339 time`, res.RejectMessage)
	records := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	require.Equal(t, 2, records.Len())
	assert.Equal(t, "ok", records.At(0).EventName())
	assert.Equal(t, "also ok", records.At(1).EventName())

	_, _, err = DecodeLogs(JSON, []byte(body), false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "logRecords[1].timeUnixNano")
}

func TestLogsBodyErrors(t *testing.T) {
	tests := []struct{ name, body, message string }{
		{"not JSON", `hello`, "body is not valid JSON: invalid character 'h' looking for beginning of value at line 1, column 1"},
		{"traces sent to the logs path", `{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x"}]}]}]}`, `body is not OTLP logs: it has "resourceSpans", the field of OTLP traces`},
		{"not OTLP", `{"event":"test","data":"hello world"}`, `body is not OTLP: top-level fields "data", "event"; other webhook senders need a route under "webhooks"`},
		{"no records", `{"resourceLogs":[],"other":1}`, ""},
		{"resourceLogs is a number", `{"resourceLogs":5}`, "resourceLogs: expected an array, got a number"},
		{"body is an array", `[1]`, "the body must be a JSON object with a resourceLogs array, got an array"},
		{"legacy name, strict", `{"resourceLogs":[{"instrumentationLibraryLogs":[{"logRecords":[{}]}]}]}`, `"instrumentationLibraryLogs"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ld, _, err := DecodeLogs(JSON, []byte(tt.body), false)
			if tt.message == "" {
				// A request without log records.
				require.NoError(t, err)
				assert.Zero(t, ld.LogRecordCount())
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
	ld, _, err := DecodeLogs(JSON, []byte(`{"resourceLogs":[{"instrumentationLibraryLogs":[{"instrumentationLibrary":{"name":"lib"},"logRecords":[{"eventName":"e"}]}]}]}`), true)
	require.NoError(t, err)
	assert.Equal(t, "lib", ld.ResourceLogs().At(0).ScopeLogs().At(0).Scope().Name())
	assert.Equal(t, "e", firstRecord(t, ld).EventName())
}

func TestProtobufLogs(t *testing.T) {
	ld := plog.NewLogs()
	r := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	r.SetEventName("e")
	r.Attributes().PutStr("gen_ai.usage.output_tokens", "7")
	pb, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	got, _, err := DecodeLogs(Proto, pb, true)
	require.NoError(t, err)
	assertRecordAttr(t, firstRecord(t, got), "gen_ai.usage.output_tokens", int64(7))

	_, _, err = DecodeLogs(Proto, []byte{0xff, 0xff, 0xff}, true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "body is not a valid OTLP protobuf ExportLogsServiceRequest")
}
