#!/usr/bin/env bash
# Go benchmarks of the webhook receiver and exporter next to the stock
# components, in the same run (`make bench BENCH_GO=1`, or alone):
#
#   BenchmarkDecode             pdata (ptrace.JSONUnmarshaler), ours, ours_strict: the OTLP JSON decoder alone
#   BenchmarkDecodeUnique       the same on a body where no long string repeats from span to span
#   BenchmarkDecodeLiteLLM      encoding_json (the decoder it replaced), ours: a batch of 512 LiteLLM payloads
#   BenchmarkDecodeHelicone     encoding_json, ours: one Helicone delivery
#   BenchmarkDecodeOpenRouterEvents  encoding_json, ours: a batch of OpenRouter events
#   BenchmarkDecodeGenericBody  encoding_json, ours: a GitHub delivery read as the generic route reads JSON
#   BenchmarkReceiverInProcess  floor (ptrace.JSONUnmarshaler), ours, ours_bare
#   BenchmarkReceiverHTTP       stock (otlp receiver), ours, ours_bare
#   BenchmarkExporter           stock (otlp_http json), ours, ours_signed
#   BenchmarkExporterEncodings  json (ours), ndjson, template
#   BenchmarkEncode             json, ndjson, template without HTTP
#
# It prints benchstat tables with -col /impl (every impl against the first of
# its benchmark, with confidence intervals) and the median ratios of spans/s,
# MB/s, CPU time and allocations per operation.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

BENCH_COUNT="${BENCH_COUNT:-6}"       # rounds, one run of each benchmark each (benchstat wants >= 6)
BENCH_TIME="${BENCH_TIME:-1s}"        # -benchtime of each run
BENCH_FILTER="${BENCH_FILTER:-Decode|Receiver|Exporter|Encode}"
BENCH_OUT="${BENCH_OUT:-$ROOT/build/bench/go-$(date +%Y%m%d-%H%M%S)}"
BENCHSTAT_VERSION="${BENCHSTAT_VERSION:-v0.0.0-20260908200009-22c9c6c9d4da}"
TOOLS="$ROOT/.tools/bin"
BENCHSTAT="${BENCHSTAT:-$TOOLS/benchstat-$BENCHSTAT_VERSION}"
LOADGEN="$TOOLS/bench-loadgen"

mkdir -p "$BENCH_OUT" "$TOOLS"
if [[ ! -x "$BENCHSTAT" ]]; then
	GOBIN="$TOOLS" go install "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION"
	mv "$TOOLS/benchstat" "$BENCHSTAT"
fi
go build -o "$LOADGEN" ./bench/loadgen

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(go version | cut -d' ' -f3-)"
echo "results: $BENCH_OUT"

# Compile each package once, then run every benchmark once per round, for
# BENCH_COUNT rounds: on a shared machine a burst of load then hits all the
# impls of a round alike instead of all the runs of one impl (-count=N would
# run the N runs of a benchmark back to back).
PKGS=(receiver/webhookreceiver/internal/otlp receiver/webhookreceiver/internal/litellm receiver/webhookreceiver/internal/helicone
	receiver/webhookreceiver/internal/openrouterevents receiver/webhookreceiver/internal/webhooks
	receiver/webhookreceiver exporter/webhookexporter)
for pkg in "${PKGS[@]}"; do
	go test -c -o "$BENCH_OUT/$(basename "$pkg").test" "./$pkg"
done
echo
echo "== $BENCH_COUNT rounds of: go test -run=NONE -bench='$BENCH_FILTER' -benchmem -benchtime=$BENCH_TIME ${PKGS[*]/#/./}"
for round in $(seq "$BENCH_COUNT"); do
	echo "-- round $round"
	for pkg in "${PKGS[@]}"; do
		name="$(basename "$pkg")"
		(cd "$pkg" && "$BENCH_OUT/$name.test" -test.run=NONE -test.bench="$BENCH_FILTER" -test.benchmem \
			-test.benchtime="$BENCH_TIME") | tee -a "$BENCH_OUT/$name.txt" | grep -E '^Benchmark' || true
	done
done

# A BENCH_FILTER may leave a package without results.
results=()
for pkg in "${PKGS[@]}"; do
	name="$(basename "$pkg")"
	grep -q '^Benchmark' "$BENCH_OUT/$name.txt" 2>/dev/null || continue
	results+=("$BENCH_OUT/$name.txt")
	echo
	echo "== benchstat -col /impl $name.txt"
	"$BENCHSTAT" -col /impl "$BENCH_OUT/$name.txt" | grep -v '^\(goos\|goarch\|pkg\|cpu\):'
done
echo
echo "== medians and ratios to the first impl (pdata, encoding_json, floor, stock or json)"
"$LOADGEN" goratios "${results[@]}"
