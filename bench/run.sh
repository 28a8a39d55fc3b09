#!/usr/bin/env bash
# Load benchmark of the otelcol-webhook distribution (`make bench`).
#
#  0. Collectors, the headline: whole collectors from the built
#     distribution, as a user runs them. One collector with only our webhook
#     receiver (bench/config/collector-ours.yaml: required_headers, and the
#     defaults: lenient, dedup in memory), one with only the stock otlp
#     receiver (collector-stock.yaml), both into nop, and the floor (a
#     net/http server that only reads the body, bench/sink), loaded AT ONCE
#     by bench/loadgen (4 connections each, rounds of 2,500 requests, each
#     with its own trace IDs) so that noise hits all three: CPU per request
#     from /proc/<pid>/stat before and after each round, peak RSS. Then one
#     collector serving both receivers (collector-both.yaml), and the floor,
#     driven alone in turn: requests/s. Ours again with a webhook_console
#     configured (collector-console.yaml) is loaded and driven with them:
#     the console's cost. 50-span Broadcast-like bodies first, then 1 and
#     100; medians and ranges of 5 rounds; ratios ours/stock.
#  1. Receivers (opt-in: BENCH_PHASES=receivers): ONE collector
#     (bench/config/receivers.yaml) with our webhook
#     receiver as deployed for Broadcast (required_headers, and the defaults:
#     lenient, dedup in memory), the same with a Standard Webhooks signature
#     (every feature on), and the stock otlp receiver, each on its own port
#     and pipeline (memory_limiter -> nop). vegeta, fed targets by
#     bench/loadgen, drives each in turn with the same Broadcast-like bodies,
#     every request with its own trace IDs and webhook-id, signed, at a fixed
#     concurrency, for a bounded time (and optionally number of requests), in
#     rounds whose order rotates.
#  2. Exporters: whole collectors that differ only in their exporter, each
#     behind the same stock otlp receiver (bench/config/exporter-*.yaml):
#     the floor (otlp into nop), stock (otlp_http, encoding json), ours
#     (webhook), ours with delivery mode on (delivery: {}, in memory) and in
#     file_storage; all export to bench/sink, 100-span requests unbatched,
#     no compression, no sending queue, so a request is answered once its
#     export is done. Each round loads them AT ONCE for the same window (CPU
#     per span from /proc/<pid>/stat), then drives one collector with every
#     pipeline (exporters.yaml) in turns (spans/s); fed OTLP protobuf, then
#     OTLP JSON; medians and ranges of 5 rounds; ratios to stock, and above
#     the floor (the exporter's own work).
#  3. Overload: our receiver with a low memory_limiter (bench/config/
#     overload.yaml), driven past its capacity: it must answer 503 and keep
#     its RSS bounded.
#  4. Dedup: ONE collector (bench/config/dedup.yaml) with three alike webhook
#     receivers whose dedup state is in memory, in file_storage and in a
#     redis-server on loopback (Debian's, which `make test-servers` installs),
#     driven in turn like the receivers: requests/s of each backend and the
#     ratios to memory.
#
# For phases 1, 3 and 4 it prints requests/s, spans/s, p50/p99 latency, CPU
# seconds per million spans (utime+stime of the collector from /proc/<pid>/stat)
# and peak RSS (VmRSS sampled every 50 ms), then the ratios ours/stock.
#
# Everything is configurable through the environment; the defaults take
# about 10 minutes on 2 cores, 4 of them the headline and 3 the exporters.
# Every process the script starts is stopped by its PID when it exits.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

# Which phases to run, among collectors, receivers, exporters, overload, dedup.
BENCH_PHASES="${BENCH_PHASES:-collectors exporters overload dedup}"
# Collectors (the headline).
BENCH_COLLECTOR_SPANS="${BENCH_COLLECTOR_SPANS:-50,1,100}"   # the headline size first
BENCH_COLLECTOR_ROUNDS="${BENCH_COLLECTOR_ROUNDS:-5}"
BENCH_COLLECTOR_REQUESTS="${BENCH_COLLECTOR_REQUESTS:-2500}" # per collector and round
BENCH_COLLECTOR_WARMUP="${BENCH_COLLECTOR_WARMUP:-500}"      # per collector, before each size
BENCH_COLLECTOR_CONNECTIONS="${BENCH_COLLECTOR_CONNECTIONS:-4}"
BENCH_COLLECTOR_SLICES="${BENCH_COLLECTOR_SLICES:-25}"     # the alone part of a round, in turns
# When set, CPU profiles of the collectors (their pprof extension) are taken
# for this many seconds during the first size's (or input's) rounds, into
# BENCH_OUT.
BENCH_PROFILE_SECONDS="${BENCH_PROFILE_SECONDS:-0}"
# Receiver and dedup phases.
BENCH_SPANS="${BENCH_SPANS:-1 50 100}"               # spans per request, one set of phases each
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-8}"
# Each phase is measured in BENCH_ROUNDS rounds of BENCH_DURATION, the
# receivers taking turns in an order that rotates every
# round, so that drift on a shared machine does not favour one of them.
BENCH_ROUNDS="${BENCH_ROUNDS:-3}"
BENCH_DURATION="${BENCH_DURATION:-5s}"               # measured, per phase and round
BENCH_WARMUP="${BENCH_WARMUP:-3s}"                   # unmeasured, before a phase's first round
BENCH_MAX_REQUESTS="${BENCH_MAX_REQUESTS:-200000}"   # per phase and round, overload included; 0 = bounded by time only
BENCH_LIMIT_MIB="${BENCH_LIMIT_MIB:-2048}"           # memory_limiter of the comparison phases
BENCH_SPIKE_MIB="${BENCH_SPIKE_MIB:-512}"
# Exporter phase: the targets, one collector each
# (bench/config/exporter-<target>.yaml, "_" as "-"), among floor (otlp into
# nop), stock, ours, delivery, delivery_file and signed; stock is required,
# the floor shows the work they share. BENCH_COLLECTOR_CONNECTIONS per target.
BENCH_EXPORTER_TARGETS="${BENCH_EXPORTER_TARGETS:-floor stock ours delivery delivery_file}"
# What the otlp receiver in front of every exporter is fed: OTLP protobuf (what
# SDKs send by default, the headline of the phase) and OTLP JSON.
BENCH_EXPORTER_INPUT="${BENCH_EXPORTER_INPUT:-proto json}"
BENCH_EXPORTER_SPANS="${BENCH_EXPORTER_SPANS:-100}"
BENCH_EXPORTER_ROUNDS="${BENCH_EXPORTER_ROUNDS:-5}"
BENCH_EXPORTER_AT_ONCE="${BENCH_EXPORTER_AT_ONCE:-10s}"   # every collector loaded at once, per round
BENCH_EXPORTER_REQUESTS="${BENCH_EXPORTER_REQUESTS:-600}" # per target and round, in turns
BENCH_EXPORTER_WARMUP="${BENCH_EXPORTER_WARMUP:-100}"     # per collector, before each input
BENCH_EXPORTER_SLICES="${BENCH_EXPORTER_SLICES:-20}"      # the in-turns part of a round
# Overload phase.
BENCH_OVERLOAD_DURATION="${BENCH_OVERLOAD_DURATION:-60s}"  # 0s skips it
BENCH_OVERLOAD_SPANS="${BENCH_OVERLOAD_SPANS:-1000}"
BENCH_OVERLOAD_CONCURRENCY="${BENCH_OVERLOAD_CONCURRENCY:-48}"
BENCH_OVERLOAD_LIMIT_MIB="${BENCH_OVERLOAD_LIMIT_MIB:-384}"
BENCH_OVERLOAD_SPIKE_MIB="${BENCH_OVERLOAD_SPIKE_MIB:-96}"
# Optional absolute bound on the peak RSS of the overload phase (0: none).
# memory_limiter acts on decoded data, so in-flight requests (concurrency x
# body and its decoded form) come on top of the limit; the phase always
# checks that RSS does not grow over time.
BENCH_OVERLOAD_MAX_RSS_MIB="${BENCH_OVERLOAD_MAX_RSS_MIB:-0}"
# Results and logs; build/ is ignored by git.
BENCH_OUT="${BENCH_OUT:-$ROOT/build/bench/$(date +%Y%m%d-%H%M%S)}"
# A distribution binary to measure instead of building bin/otelcol-webhook,
# for example one built from an earlier commit.
BENCH_DIST="${BENCH_DIST:-}"

DIST="${BENCH_DIST:-$ROOT/bin/otelcol-webhook}"
TOOLS="$ROOT/.tools/bin"
LOADGEN="$TOOLS/bench-loadgen"
# vegeta sends the requests; loadgen feeds it targets and sums up.
VEGETA_VERSION="${VEGETA_VERSION:-v12.13.0}"
VEGETA="$TOOLS/vegeta-$VEGETA_VERSION"
SINK="$TOOLS/bench-sink"
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"

mkdir -p "$BENCH_OUT" "$TOOLS"

# PIDs of the processes started here, stopped on exit.
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '\n== %s\n' "$*"; }

stop() { # stop PID: stop one process started here
	local pid="$1" keep=() p
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${PIDS[@]}"; do
		[[ "$p" == "$pid" ]] || keep+=("$p")
	done
	PIDS=("${keep[@]+"${keep[@]}"}")
}

log "building the distribution and the load tools"
[[ -n "$BENCH_DIST" ]] || make -s build
if [[ ! -x "$VEGETA" ]]; then
	GOBIN="$TOOLS" go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
	mv "$TOOLS/vegeta" "$VEGETA"
fi
go build -o "$LOADGEN" ./bench/loadgen
go build -o "$SINK" ./bench/sink

mapfile -t PORTS < <("$LOADGEN" ports 63)
export BENCH_OURS_PORT="${PORTS[0]}" BENCH_STOCK_PORT="${PORTS[1]}" BENCH_SIGNED_PORT="${PORTS[2]}"
export BENCH_SINK_PORT="${PORTS[3]}" BENCH_METRICS_PORT="${PORTS[4]}" BENCH_HEALTH_PORT="${PORTS[5]}"
export BENCH_MEMORY_PORT="${PORTS[6]}" BENCH_STORAGE_PORT="${PORTS[7]}" BENCH_REDIS_RECEIVER_PORT="${PORTS[8]}" BENCH_REDIS_PORT="${PORTS[9]}"
# The headline's processes run at once, each with ports of its own.
C_OURS_PORT="${PORTS[11]}" C_STOCK_PORT="${PORTS[12]}" C_BOTH_OURS_PORT="${PORTS[13]}" C_BOTH_STOCK_PORT="${PORTS[14]}"
C_FLOOR_PORT="${PORTS[15]}" C_PORTS=("${PORTS[@]:16:9}")
# The exporter phase's: 9 for the one collector of every pipeline, 4 for
# each of up to 6 collectors loaded at once.
E_PORTS=("${PORTS[@]:25:33}")
# The headline's collector with a console: its receiver, its console, and
# health, metrics and pprof.
C_CONSOLE_RECEIVER_PORT="${PORTS[58]}" C_CONSOLE_PORT="${PORTS[59]}" C_CONSOLE_PORTS=("${PORTS[@]:60:3}")
export BENCH_DEDUP_DIR="$BENCH_OUT/dedup-storage"
export BENCH_LIMIT_MIB BENCH_SPIKE_MIB BENCH_OVERLOAD_LIMIT_MIB BENCH_OVERLOAD_SPIKE_MIB
METRICS="http://127.0.0.1:$BENCH_METRICS_PORT/metrics"

# start_collector CONFIG NAME [HEALTH_PORT]: start the distribution on
# bench/config/CONFIG, logging to NAME.log, and wait until its health_check on
# HEALTH_PORT (BENCH_HEALTH_PORT by default) answers; its PID is left in
# COLLECTOR_PID. Variables assigned before the call reach its environment.
COLLECTOR_PID=""
start_collector() {
	"$DIST" --config "$ROOT/bench/config/$1" >"$BENCH_OUT/$2.log" 2>&1 &
	COLLECTOR_PID=$!
	PIDS+=("$COLLECTOR_PID")
	if ! "$LOADGEN" wait "http://127.0.0.1:${3:-$BENCH_HEALTH_PORT}/" 30s; then
		cat "$BENCH_OUT/$2.log" >&2
		exit 1
	fi
}

ROUND=1
phase() { # phase LABEL URL SPANS [loadgen flags...]: one round of a phase
	local label="$1" url="$2" spans="$3" warmup=0s
	shift 3
	((ROUND > 1)) || warmup="$BENCH_WARMUP"
	"$LOADGEN" run -vegeta "$VEGETA" -label "$label" -url "$url" -spans "$spans" \
		-concurrency "$BENCH_CONCURRENCY" -duration "$BENCH_DURATION" -warmup "$warmup" \
		-max-requests "$BENCH_MAX_REQUESTS" -pid "$COLLECTOR_PID" -clk-tck "$CLK_TCK" \
		-metrics-url "$METRICS" -out "$BENCH_OUT/$label.r$ROUND.json" "$@"
}

cat <<EOF

collector: $DIST
machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(go version | cut -d' ' -f3-)
results: $BENCH_OUT
EOF

want() { [[ " $BENCH_PHASES " == *" $1 "* ]]; }

# 0. Collectors: the headline.
# start_headline NAME CONFIG HEALTH_PORT METRICS_PORT PPROF_PORT: start a
# collector of the headline with its own ports; its PID is left in
# COLLECTOR_PID.
start_headline() {
	BENCH_OURS_PORT="$C_OURS_PORT" BENCH_STOCK_PORT="$C_STOCK_PORT" BENCH_HEALTH_PORT="$3" \
		BENCH_METRICS_PORT="$4" BENCH_PPROF_PORT="$5" \
		BENCH_CONSOLE_RECEIVER_PORT="$C_CONSOLE_RECEIVER_PORT" BENCH_CONSOLE_PORT="$C_CONSOLE_PORT" \
		start_collector "$2" "$1" "$3"
}
collectors() {
	log "collectors (the headline): webhook vs otlp, whole collectors into nop, $BENCH_COLLECTOR_CONNECTIONS connections each, $BENCH_COLLECTOR_ROUNDS rounds of $BENCH_COLLECTOR_REQUESTS requests"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	"$SINK" -listen "127.0.0.1:$C_FLOOR_PORT" >"$BENCH_OUT/floor.log" 2>&1 &
	local floor_pid=$!
	PIDS+=("$floor_pid")
	"$LOADGEN" wait "http://127.0.0.1:$C_FLOOR_PORT/stats" 10s
	start_headline collector-ours collector-ours.yaml "${C_PORTS[0]}" "${C_PORTS[1]}" "${C_PORTS[2]}"
	local ours_pid=$COLLECTOR_PID
	start_headline collector-stock collector-stock.yaml "${C_PORTS[3]}" "${C_PORTS[4]}" "${C_PORTS[5]}"
	local stock_pid=$COLLECTOR_PID
	# Ours again with a webhook_console configured: the console's cost.
	start_headline collector-console collector-console.yaml "${C_CONSOLE_PORTS[0]}" "${C_CONSOLE_PORTS[1]}" "${C_CONSOLE_PORTS[2]}"
	local console_pid=$COLLECTOR_PID
	# The one collector serving both: its own ports for the receivers too.
	C_OURS_PORT="$C_BOTH_OURS_PORT" C_STOCK_PORT="$C_BOTH_STOCK_PORT" \
		start_headline collector-both collector-both.yaml "${C_PORTS[6]}" "${C_PORTS[7]}" "${C_PORTS[8]}"
	local both_pid=$COLLECTOR_PID
	local profiles=()
	if ((BENCH_PROFILE_SECONDS > 0)); then
		local name port
		for name in ours:"${C_PORTS[2]}" stock:"${C_PORTS[5]}"; do
			port="${name#*:}" name="${name%%:*}"
			(sleep 3 && curl -sS -o "$BENCH_OUT/$name.cpu.pprof" \
				"http://127.0.0.1:$port/debug/pprof/profile?seconds=$BENCH_PROFILE_SECONDS") &
			profiles+=("$!")
		done
	fi
	"$LOADGEN" collectors -spans "$BENCH_COLLECTOR_SPANS" -rounds "$BENCH_COLLECTOR_ROUNDS" \
		-requests "$BENCH_COLLECTOR_REQUESTS" -warmup "$BENCH_COLLECTOR_WARMUP" \
		-connections "$BENCH_COLLECTOR_CONNECTIONS" -slices "$BENCH_COLLECTOR_SLICES" -clk-tck "$CLK_TCK" \
		-ours "http://127.0.0.1:$C_OURS_PORT/v1/traces" -ours-pid "$ours_pid" \
		-stock "http://127.0.0.1:$C_STOCK_PORT/v1/traces" -stock-pid "$stock_pid" \
		-floor "http://127.0.0.1:$C_FLOOR_PORT/v1/traces" -floor-pid "$floor_pid" \
		-console "http://127.0.0.1:$C_CONSOLE_RECEIVER_PORT/v1/traces" -console-pid "$console_pid" \
		-both-ours "http://127.0.0.1:$C_BOTH_OURS_PORT/v1/traces" -both-stock "http://127.0.0.1:$C_BOTH_STOCK_PORT/v1/traces" \
		-both-pid "$both_pid" -out "$BENCH_OUT/collectors.json"
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	if ((${#profiles[@]})); then
		wait "${profiles[@]}" || true
		echo "CPU profiles: $BENCH_OUT/ours.cpu.pprof, $BENCH_OUT/stock.cpu.pprof (go tool pprof -top $DIST FILE)"
	fi
	# The console kept the last requests it was told of: the receiver did
	# report them.
	"$LOADGEN" check-console "http://127.0.0.1:$C_CONSOLE_PORT/api/v1/received?limit=1"
	stop "$both_pid"
	stop "$console_pid"
	stop "$stock_pid"
	stop "$ours_pid"
	stop "$floor_pid"
}
if want collectors; then collectors; fi

# 1. Receivers.
RECEIVER_FILES=() RECEIVER_RATIOS=()
receiver_phase() { # receiver_phase LABEL PORT RECEIVER SPANS
	phase "$1-$4" "http://127.0.0.1:$2/v1/traces" "$4" \
		-counters "otelcol_receiver_accepted_spans{receiver=\"$3\"},otelcol_receiver_refused_spans{receiver=\"$3\"}"
	RECEIVER_FILES+=("$BENCH_OUT/$1-$4.r$ROUND.json")
}
receivers() {
	log "receivers: webhook (required header, defaults), webhook/signed (all features) vs otlp (HTTP/JSON), concurrency $BENCH_CONCURRENCY, $BENCH_ROUNDS x $BENCH_DURATION each"
	start_collector receivers.yaml receivers
	local spans i p phases=("ours $BENCH_OURS_PORT webhook" "signed $BENCH_SIGNED_PORT webhook/signed" "stock $BENCH_STOCK_PORT otlp")
	for spans in $BENCH_SPANS; do
		for ((ROUND = 1; ROUND <= BENCH_ROUNDS; ROUND++)); do
			# The order rotates every round.
			for ((i = 0; i < ${#phases[@]}; i++)); do
				p="${phases[(i + ROUND - 1) % ${#phases[@]}]}"
				# shellcheck disable=SC2086 # label, port and receiver
				receiver_phase $p "$spans"
			done
		done
		RECEIVER_RATIOS+=("-ratio" "ours-$spans/stock-$spans" "-ratio" "signed-$spans/stock-$spans")
	done
	ROUND=1
	stop "$COLLECTOR_PID"
}
if want receivers; then receivers; fi

# 2. Exporters.
SINK_STATS="http://127.0.0.1:$BENCH_SINK_PORT/stats"
# exporter_collector NAME CONFIG RECEIVER HEALTH METRICS PPROF: start one
# collector of the exporter phase with ports of its own; its PID is left in
# COLLECTOR_PID.
exporter_collector() {
	BENCH_RECEIVER_PORT="$3" BENCH_HEALTH_PORT="$4" BENCH_METRICS_PORT="$5" BENCH_PPROF_PORT="$6" \
		BENCH_DELIVERY_DIR="$BENCH_OUT/delivery-$1" \
		start_collector "$2" "$1" "$4"
}
exporters() {
	log "exporters: $BENCH_EXPORTER_TARGETS behind the same otlp receiver, $BENCH_EXPORTER_SPANS spans/request, fed OTLP $BENCH_EXPORTER_INPUT, $BENCH_EXPORTER_ROUNDS rounds of $BENCH_EXPORTER_AT_ONCE at once and $BENCH_EXPORTER_REQUESTS requests in turns"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	"$SINK" -listen "127.0.0.1:$BENCH_SINK_PORT" >"$BENCH_OUT/sink.log" 2>&1 &
	local sink_pid=$!
	PIDS+=("$sink_pid")
	"$LOADGEN" wait "$SINK_STATS" 10s
	# The one collector with every pipeline, driven in turns: a receiver
	# port per target, in the order of all_targets.
	local all_targets=(floor stock ours delivery delivery_file signed) p=("${E_PORTS[@]}")
	BENCH_FLOOR_PORT="${p[0]}" BENCH_STOCK_PORT="${p[1]}" BENCH_OURS_PORT="${p[2]}" \
		BENCH_DELIVERY_PORT="${p[3]}" BENCH_DELIVERY_FILE_PORT="${p[4]}" BENCH_SIGNED_PORT="${p[5]}" \
		BENCH_DELIVERY_DIR="$BENCH_OUT/delivery-exporters" \
		exporter_collector exporters exporters.yaml 0 "${p[6]}" "${p[7]}" "${p[8]}"
	local alone_pid=$COLLECTOR_PID
	local name i next=9 args=() pids=() pprof=("alone:${p[8]}")
	for name in $BENCH_EXPORTER_TARGETS; do
		[[ -f "$ROOT/bench/config/exporter-${name//_/-}.yaml" ]] || {
			echo "no bench/config/exporter-${name//_/-}.yaml for exporter target $name" >&2
			exit 1
		}
		exporter_collector "exporter-$name" "exporter-${name//_/-}.yaml" "${p[next]}" "${p[next + 1]}" "${p[next + 2]}" "${p[next + 3]}"
		pids+=("$COLLECTOR_PID")
		pprof+=("$name:${p[next + 3]}")
		args+=(-target "$name=http://127.0.0.1:${p[next]}/v1/traces@$COLLECTOR_PID")
		next=$((next + 4))
	done
	for name in $BENCH_EXPORTER_TARGETS; do
		for i in "${!all_targets[@]}"; do
			[[ "${all_targets[i]}" == "$name" ]] && args+=(-alone "$name=http://127.0.0.1:${p[i]}/v1/traces")
		done
	done
	local profiles=() port
	if ((BENCH_PROFILE_SECONDS > 0)); then
		for name in "${pprof[@]}"; do
			port="${name#*:}" name="${name%%:*}"
			(sleep 3 && curl -sS -o "$BENCH_OUT/exporter-$name.cpu.pprof" \
				"http://127.0.0.1:$port/debug/pprof/profile?seconds=$BENCH_PROFILE_SECONDS") &
			profiles+=("$!")
		done
	fi
	"$LOADGEN" exporters -spans "$BENCH_EXPORTER_SPANS" -inputs "${BENCH_EXPORTER_INPUT// /,}" \
		-rounds "$BENCH_EXPORTER_ROUNDS" -at-once "$BENCH_EXPORTER_AT_ONCE" -requests "$BENCH_EXPORTER_REQUESTS" -warmup "$BENCH_EXPORTER_WARMUP" \
		-connections "$BENCH_COLLECTOR_CONNECTIONS" -slices "$BENCH_EXPORTER_SLICES" -clk-tck "$CLK_TCK" \
		-sink-url "$SINK_STATS" -alone-pid "$alone_pid" "${args[@]}" -out "$BENCH_OUT/exporters.json"
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	if ((${#profiles[@]})); then
		wait "${profiles[@]}" || true
		echo "CPU profiles: $BENCH_OUT/exporter-<target>.cpu.pprof (go tool pprof -top $DIST FILE)"
	fi
	stop "$alone_pid"
	for pid in "${pids[@]}"; do
		stop "$pid"
	done
	stop "$sink_pid"
}
if want exporters; then exporters; fi

# 3. Overload.
OVERLOAD_OK=1
if want overload && [[ "$BENCH_OVERLOAD_DURATION" != 0* ]]; then
	log "overload: webhook receiver, memory_limiter ${BENCH_OVERLOAD_LIMIT_MIB} MiB (spike ${BENCH_OVERLOAD_SPIKE_MIB}), $BENCH_OVERLOAD_CONCURRENCY x $BENCH_OVERLOAD_SPANS-span requests for $BENCH_OVERLOAD_DURATION"
	start_collector overload.yaml overload
	"$LOADGEN" run -vegeta "$VEGETA" -label overload -url "http://127.0.0.1:$BENCH_OURS_PORT/v1/traces" \
		-spans "$BENCH_OVERLOAD_SPANS" -concurrency "$BENCH_OVERLOAD_CONCURRENCY" \
		-duration "$BENCH_OVERLOAD_DURATION" -warmup 0s -max-requests "$BENCH_MAX_REQUESTS" \
		-pid "$COLLECTOR_PID" -clk-tck "$CLK_TCK" \
		-metrics-url "$METRICS" -out "$BENCH_OUT/overload.json" \
		-counters 'otelcol_receiver_accepted_spans{receiver="webhook"},otelcol_receiver_refused_spans{receiver="webhook"}'
	stop "$COLLECTOR_PID"
fi

# 4. Dedup backends.
DEDUP_FILES=() DEDUP_RATIOS=()
dedup_phase() { # dedup_phase BACKEND PORT SPANS
	phase "dedup-$1-$3" "http://127.0.0.1:$2/v1/traces" "$3" \
		-counters "otelcol_receiver_accepted_spans{receiver=\"webhook/$1\"},otelcol_receiver_refused_spans{receiver=\"webhook/$1\"}"
	DEDUP_FILES+=("$BENCH_OUT/dedup-$1-$3.r$ROUND.json")
}
dedup() {
	log "dedup: webhook receiver (all features) with its dedup state in memory, file_storage and redis, concurrency $BENCH_CONCURRENCY"
	[[ -x /usr/bin/redis-server ]] || make -s test-servers
	mkdir -p "$BENCH_OUT/redis" "$BENCH_DEDUP_DIR"
	/usr/bin/redis-server --port "$BENCH_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$BENCH_OUT/redis" >"$BENCH_OUT/redis.log" 2>&1 &
	PIDS+=("$!")
	local redis_pid=$!
	start_collector dedup.yaml dedup
	local spans i p phases=("memory $BENCH_MEMORY_PORT" "storage $BENCH_STORAGE_PORT" "redis $BENCH_REDIS_RECEIVER_PORT")
	for spans in $BENCH_SPANS; do
		for ((ROUND = 1; ROUND <= BENCH_ROUNDS; ROUND++)); do
			# The order rotates every round.
			for ((i = 0; i < ${#phases[@]}; i++)); do
				p="${phases[(i + ROUND - 1) % ${#phases[@]}]}"
				# shellcheck disable=SC2086 # backend and port
				dedup_phase $p "$spans"
			done
		done
		DEDUP_RATIOS+=("-ratio" "dedup-storage-$spans/dedup-memory-$spans" "-ratio" "dedup-redis-$spans/dedup-memory-$spans")
	done
	ROUND=1
	stop "$COLLECTOR_PID"
	stop "$redis_pid"
}
if want dedup; then dedup; fi

# Report.
if [[ -f "$BENCH_OUT/collectors.json" ]]; then
	log "HEADLINE: whole collectors, ours (webhook) against stock (otlp), into nop"
	"$LOADGEN" headline "$BENCH_OUT/collectors.json"
fi
if ((${#RECEIVER_FILES[@]})); then
	log "receivers (spans/s is what the receiver accepted; CPU is the whole collector)"
	"$LOADGEN" report "${RECEIVER_RATIOS[@]}" "${RECEIVER_FILES[@]}"
fi
if [[ -f "$BENCH_OUT/exporters.json" ]]; then
	log "EXPORTERS: whole collectors behind the same otlp receiver, each exporter against stock otlp_http (json)"
	"$LOADGEN" exporters-report "$BENCH_OUT/exporters.json"
fi
if ((${#DEDUP_FILES[@]})); then
	log "dedup backends (the CPU column is the collector's; redis-server's own CPU is not in it)"
	"$LOADGEN" report "${DEDUP_RATIOS[@]}" "${DEDUP_FILES[@]}"
fi
if [[ -f "$BENCH_OUT/overload.json" ]]; then
	log "overload"
	"$LOADGEN" report "$BENCH_OUT/overload.json"
	read -r peak first middle last n503 total < <("$LOADGEN" report -summary "$BENCH_OUT/overload.json")
	echo
	echo "peak RSS ${peak} MiB; by third of the phase: ${first}, ${middle}, ${last} MiB (memory_limiter ${BENCH_OVERLOAD_LIMIT_MIB} MiB)"
	echo "503 answers: ${n503} of ${total}"
	if [[ "$n503" -eq 0 ]]; then
		echo "FAIL: the receiver never answered 503: raise BENCH_OVERLOAD_CONCURRENCY or lower BENCH_OVERLOAD_LIMIT_MIB"
		OVERLOAD_OK=0
	fi
	# Bounded: past the ramp-up (first third), the last third peaks no
	# higher than the middle one, give or take 15% and 32 MiB (GC timing).
	if ((last * 100 > middle * 115 + 3200)); then
		echo "FAIL: RSS grew from ${middle} MiB to ${last} MiB under sustained overload"
		OVERLOAD_OK=0
	fi
	if ((BENCH_OVERLOAD_MAX_RSS_MIB > 0 && peak > BENCH_OVERLOAD_MAX_RSS_MIB)); then
		echo "FAIL: peak RSS ${peak} MiB exceeds BENCH_OVERLOAD_MAX_RSS_MIB=${BENCH_OVERLOAD_MAX_RSS_MIB}"
		OVERLOAD_OK=0
	fi
	[[ "$OVERLOAD_OK" == 1 ]] && echo "OK: memory stays bounded, overload is answered with 503"
fi
echo
echo "results and collector logs: $BENCH_OUT"
[[ "$OVERLOAD_OK" == 1 ]]
