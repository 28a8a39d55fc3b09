package webhookreceiver // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver"

import (
	"encoding/json"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/collector/pipeline"
	"google.golang.org/protobuf/encoding/protowire"
)

// bodyFormat is the encoding of a request body, and of its answer.
type bodyFormat int

const (
	formatUnknown bodyFormat = iota
	formatJSON
	formatProto
	// formatText is for answers to requests that are not OTLP.
	formatText
)

func (f bodyFormat) String() string {
	switch f {
	case formatJSON:
		return "json"
	case formatProto:
		return "protobuf"
	default:
		return "unknown"
	}
}

// parseContentType reads the media type, ignoring parameters such as charset.
func parseContentType(ct string) bodyFormat {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	switch {
	case strings.EqualFold(ct, "application/json"):
		return formatJSON
	case strings.EqualFold(ct, "application/x-protobuf"), strings.EqualFold(ct, "application/protobuf"):
		return formatProto
	default:
		return formatUnknown
	}
}

// grpcCode maps an HTTP status to the google.rpc.Code that OTLP clients expect
// in an error body.
func grpcCode(status int) int32 {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		return 3 // INVALID_ARGUMENT
	case http.StatusUnauthorized:
		return 16 // UNAUTHENTICATED
	case http.StatusForbidden:
		return 7 // PERMISSION_DENIED
	case http.StatusNotFound:
		return 5 // NOT_FOUND
	case http.StatusMethodNotAllowed:
		return 12 // UNIMPLEMENTED
	case http.StatusTooManyRequests:
		return 8 // RESOURCE_EXHAUSTED
	case http.StatusServiceUnavailable:
		return 14 // UNAVAILABLE
	default:
		return 13 // INTERNAL
	}
}

// writeError answers with status and a message saying what to fix: a
// google.rpc.Status in the request's OTLP encoding, or plain text.
func writeError(w http.ResponseWriter, format bodyFormat, status int, msg string) {
	noteMessage(w, msg)
	var body []byte
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	switch format {
	case formatJSON:
		h.Set("Content-Type", "application/json")
		body, _ = json.Marshal(struct {
			Code    int32  `json:"code"`
			Message string `json:"message"`
		}{grpcCode(status), msg})
	case formatProto:
		h.Set("Content-Type", "application/x-protobuf")
		body = protowire.AppendTag(body, 1, protowire.VarintType)
		body = protowire.AppendVarint(body, uint64(grpcCode(status)))
		body = protowire.AppendTag(body, 2, protowire.BytesType)
		body = protowire.AppendString(body, msg)
	default:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		body = []byte(msg + "\n")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var (
	emptyJSONResponse  = []byte("{}")
	emptyProtoResponse = []byte{}
)

// writeSuccess answers 200 with an OTLP export response for signal,
// carrying partial success when some spans or log records were rejected.
func writeSuccess(w http.ResponseWriter, format bodyFormat, signal pipeline.Signal, rejected int, msg string) {
	var body []byte
	switch {
	case rejected == 0 && format == formatProto:
		body = emptyProtoResponse
	case rejected == 0:
		body = emptyJSONResponse
	case signal == pipeline.SignalTraces:
		resp := ptraceotlp.NewExportResponse()
		resp.PartialSuccess().SetRejectedSpans(int64(rejected))
		resp.PartialSuccess().SetErrorMessage(msg)
		body = marshalResponse(resp, format)
	default:
		resp := plogotlp.NewExportResponse()
		resp.PartialSuccess().SetRejectedLogRecords(int64(rejected))
		resp.PartialSuccess().SetErrorMessage(msg)
		body = marshalResponse(resp, format)
	}
	if format == formatProto {
		w.Header().Set("Content-Type", "application/x-protobuf")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// marshalResponse encodes an OTLP export response in the request's encoding.
func marshalResponse(resp interface {
	MarshalProto() ([]byte, error)
	MarshalJSON() ([]byte, error)
}, format bodyFormat) []byte {
	var body []byte
	if format == formatProto {
		body, _ = resp.MarshalProto()
	} else {
		body, _ = resp.MarshalJSON()
	}
	return body
}
