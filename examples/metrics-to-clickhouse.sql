-- The table of examples/metrics-to-clickhouse.yaml: one row per metric data
-- point, of every metric type, as the webhook exporter's ndjson encoding
-- with flatten_attributes writes it. Create it once, before the collector
-- starts:
--
--   curl "$CLICKHOUSE_URL/" -H "X-ClickHouse-User: $CLICKHOUSE_USER" \
--     -H "X-ClickHouse-Key: $CLICKHOUSE_PASSWORD" --data-binary @examples/metrics-to-clickhouse.sql
--
-- Columns are named after the keys of a row (README, "Data point rows").
-- A row has the value keys of its metric's type only; the columns of the
-- other types take their default (0, [], NULL): value for gauges and sums;
-- count, sum, min, max and the buckets for histograms; scale, zero_count,
-- zero_threshold, offsets and bucket counts for exponential histograms;
-- count, sum, quantiles and quantile_values for summaries. Point attributes
-- are columns under their own names, resource attributes under
-- resource.<name>; keys without a column are skipped
-- (input_format_skip_unknown_fields=1 in the insert URL). A NaN or infinite
-- double arrives as the text "NaN", "Infinity" or "-Infinity", which
-- ClickHouse reads into Float64 columns as nan and inf.
-- Runs on ClickHouse 18.16 and later (no JSON, Map or DateTime64 types
-- needed: time_unix_nano keeps the nanoseconds).
CREATE TABLE IF NOT EXISTS otel_metrics
(
    name                                   String,
    description                            String,
    unit                                   String,
    -- gauge, sum, histogram, exponential_histogram or summary
    type                                   String,
    -- delta, cumulative, unspecified; '' for gauges and summaries
    temporality                            String,
    monotonic                              UInt8,
    -- NULL when the point has no start time (most gauges)
    start_time                             Nullable(DateTime),
    time                                   DateTime,
    start_time_unix_nano                   UInt64,
    time_unix_nano                         UInt64,
    no_recorded_value                      UInt8,
    -- gauge and sum
    value                                  Float64,
    -- histogram, exponential histogram, summary; sum, min and max are NULL
    -- when a histogram does not have them
    count                                  UInt64,
    sum                                    Nullable(Float64),
    min                                    Nullable(Float64),
    max                                    Nullable(Float64),
    -- histogram: bucket_counts has one more entry than explicit_bounds
    bucket_counts                          Array(UInt64),
    explicit_bounds                        Array(Float64),
    -- exponential histogram: bucket i of the positive range counts values
    -- in (base^(positive_offset+i), base^(positive_offset+i+1)], with
    -- base = 2^(2^-scale); the negative range likewise for -values
    scale                                  Int32,
    zero_count                             UInt64,
    zero_threshold                         Float64,
    positive_offset                        Int32,
    positive_bucket_counts                 Array(UInt64),
    negative_offset                        Int32,
    negative_bucket_counts                 Array(UInt64),
    -- summary: quantile_values[i] is the value at quantiles[i]
    quantiles                              Array(Float64),
    quantile_values                        Array(Float64),
    service_name                           String,
    scope_name                             String,
    `resource.deployment.environment.name` String,
    -- Point attributes of the GenAI client metrics.
    `gen_ai.operation.name`                String,
    `gen_ai.provider.name`                 String,
    `gen_ai.request.model`                 String,
    `gen_ai.token.type`                    String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (name, time)
