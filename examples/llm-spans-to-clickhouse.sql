-- The table of examples/llm-spans-to-clickhouse.yaml: one row per span, as
-- the webhook exporter's ndjson encoding with flatten_attributes writes it.
-- Create it once, before the collector starts:
--
--   curl "$CLICKHOUSE_URL/" -H "X-ClickHouse-User: $CLICKHOUSE_USER" \
--     -H "X-ClickHouse-Key: $CLICKHOUSE_PASSWORD" --data-binary @examples/llm-spans-to-clickhouse.sql
--
-- Columns are named after the keys of a row (README, "Exporter encoding
-- ndjson"): fixed fields such as start_time, span attributes under their
-- own names, back-quoted because of the dots. Keys without a column are
-- skipped (input_format_skip_unknown_fields=1 in the insert URL); columns
-- whose key is missing take their default (0, ''). A value whose JSON type
-- does not fit its column (a string in an Int64 column) fails the whole
-- insert with 400, which the exporter does not retry: give attributes whose
-- type varies a String column only if they are always strings.
-- Runs on ClickHouse 18.16 and later (no JSON or Map types needed).
CREATE TABLE IF NOT EXISTS llm_spans
(
    trace_id                         String,
    span_id                          String,
    parent_span_id                   String,
    name                             String,
    kind                             String,
    -- RFC 3339 with nanoseconds; read with date_time_input_format=best_effort.
    start_time                       DateTime,
    start_time_unix_nano             UInt64,
    duration_ns                      Int64,
    status_code                      String,
    status_message                   String,
    service_name                     String,
    `gen_ai.operation.name`          String,
    `gen_ai.provider.name`           String,
    `gen_ai.request.model`           String,
    `gen_ai.response.model`          String,
    `gen_ai.response.finish_reasons` Array(String),
    `gen_ai.usage.input_tokens`      Int64,
    `gen_ai.usage.output_tokens`     Int64,
    `gen_ai.usage.total_tokens`      Int64,
    `gen_ai.usage.cost`              Float64,
    `user.id`                        String,
    `session.id`                     String,
    `trace.metadata.environment`     String,
    `trace.metadata.feature`         String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (start_time, trace_id, span_id)
