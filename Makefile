# otelcol-webhook: webhook receiver and exporter for the OpenTelemetry Collector.
#
#   make run    build the lean distribution and run it with config/default.yaml
#               (CONFIG=path: the full distribution on another configuration)
#   make build  build both distributions into bin/ (make build-lean, make build-full)
#   make test   generate, vet and test everything (with -race), building what it needs
#   make fuzz   open-ended fuzzing of every decoder and verifier and of the OTLP JSON writer (FUZZTIME each)
#
# Every tool is installed here, at a pinned version, under .tools/ and bin/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

export GOPROXY ?= https://proxy.golang.org
export GOFLAGS ?= -buildvcs=false
export CGO_ENABLED ?= 1

OCB_VERSION          := v0.161.0
MDATAGEN_VERSION     := v0.159.0
STATICCHECK_VERSION  := v0.8.2
TELEMETRYGEN_VERSION := v0.161.0

ROOT     := $(abspath .)
TOOLS    := $(ROOT)/.tools/bin
BIN      := $(ROOT)/bin
OCB          := $(TOOLS)/builder-$(OCB_VERSION)
MDATAGEN     := $(BIN)/mdatagen
TELEMETRYGEN := $(TOOLS)/telemetrygen-$(TELEMETRYGEN_VERSION)
CONFIG   ?= config/default.yaml

# Two distributions (docs/distributions.md): the lean one holds only what
# config/default.yaml needs, so that a first `make run` compiles a fraction
# of the full one, which every other configuration needs.
BIN_FULL := $(BIN)/otelcol-webhook
BIN_LEAN := $(BIN)/otelcol-webhook-lean
# The distribution `make run` builds and runs: DIST=lean or DIST=full.
ifeq ($(CONFIG),config/default.yaml)
DIST ?= lean
else
DIST ?= full
endif
ifeq ($(filter lean full,$(DIST)),)
$(error DIST must be lean or full, got "$(DIST)")
endif

GO_PACKAGES := ./...

# `make fuzz` runs each fuzz target this long. `make test` does not fuzz: it
# runs the committed seed corpora as ordinary tests, so that the same commit
# passes or fails the same way on every run. Run `make fuzz` before you
# submit a change to a decoder, a verifier or the OTLP JSON writer; commit what it finds under the
# target's testdata/fuzz/ together with the fix.
FUZZTIME ?= 60s
# Each new input a target finds is shrunk for at most this long (Go's
# default, 60 s, spends most of a short run shrinking the large payloads of
# the senders' seed corpora).
FUZZMINIMIZETIME ?= 5s
FUZZ_TARGETS := ./receiver/webhookreceiver/internal/otlp:FuzzDecode ./receiver/webhookreceiver/internal/otlp:FuzzDecodeLogs ./receiver/webhookreceiver/internal/jsontok:FuzzReader ./receiver/webhookreceiver/internal/jsonvalue:FuzzTree ./receiver/webhookreceiver/internal/openrouterevents:FuzzDecode ./receiver/webhookreceiver/internal/openrouterevents:FuzzDecodeAsReference ./receiver/webhookreceiver/internal/helicone:FuzzDecode ./receiver/webhookreceiver/internal/helicone:FuzzDecodeAsReference ./receiver/webhookreceiver/internal/webhooks:FuzzDecode ./receiver/webhookreceiver/internal/webhooks:FuzzParseJSON ./receiver/webhookreceiver/internal/litellm:FuzzDecode ./receiver/webhookreceiver/internal/litellm:FuzzDecodeAsReference ./internal/signature:FuzzVerify ./internal/signature:FuzzVerifyRequest ./exporter/webhookexporter/internal/encoding/otlp/otlpjson:FuzzRoundTrip ./internal/jsonstr:FuzzAppendEscaped

.PHONY: all build build-lean build-full run test unit-test deploy-test fuzz check generate tools lint clean test-servers

all: build

# go-install,<package>,<version>,<binary name>: install a pinned tool under
# .tools/bin with its version in its name, so a version change reinstalls it.
define go-install
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install $(1)@$(2)
	mv $(TOOLS)/$(3) $@
endef

$(OCB):
	$(call go-install,go.opentelemetry.io/collector/cmd/builder,$(OCB_VERSION),builder)

$(TELEMETRYGEN):
	$(call go-install,github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen,$(TELEMETRYGEN_VERSION),telemetrygen)

# mdatagen cannot be installed with `go install ...@version` from the proxy;
# it is built from the tools module, which pins it.
$(MDATAGEN): internal/tools/go.mod internal/tools/go.sum
	@mkdir -p $(BIN)
	cd internal/tools && go build -o $(MDATAGEN) go.opentelemetry.io/collector/cmd/mdatagen

tools: $(OCB) $(MDATAGEN) $(TELEMETRYGEN)

generate: $(MDATAGEN) $(OCB)
	PATH="$(BIN):$$PATH" go generate $(GO_PACKAGES)
	$(OCB) --config builder-config-lean.yaml --skip-compilation
	gofmt -w $(LEAN_DIR)

# ocb-build,<manifest>,<name>,<what it holds>,<first build time>: build one
# distribution with ocb into bin/<name>. ocb regenerates and rebuilds it; a
# no-op build takes seconds. It says what it builds, and on a first build
# that it takes minutes; a line every 30 s shows it is still going.
define ocb-build
	@mkdir -p build $(BIN)
	@if [ -x $(BIN)/$(2) ]; then echo "==> updating bin/$(2)"; else \
	  echo "==> building bin/$(2): $(3)"; \
	  echo "    first build: ocb downloads the Go modules and compiles the collector, $(4) on 2 cores; later builds take seconds"; fi
	@start=$$(date +%s); \
	( while sleep 30; do echo "    ... still building bin/$(2): $$(( $$(date +%s) - start )) s"; done ) & ticker=$$!; \
	status=0; $(OCB) --config $(1) || status=$$?; \
	kill $$ticker 2>/dev/null; wait $$ticker 2>/dev/null || true; \
	if [ $$status != 0 ]; then echo "==> building bin/$(2) failed" >&2; exit $$status; fi; \
	cp build/$(2)/$(2) $(BIN)/$(2); \
	echo "==> bin/$(2) ready ($$(( $$(date +%s) - start )) s)"
endef

build: build-lean build-full

# The lean distribution is built without ocb: its sources, go.mod and go.sum
# are ocb's output for builder-config-lean.yaml, committed under
# cmd/otelcol-webhook-lean (`make generate` regenerates them), so that a first
# `make run` neither installs ocb nor resolves modules, only downloads and
# compiles. go build -v names each package it compiles; every 50th is counted
# (a shell loop: awk may hold its input back until its buffer is full).
LEAN_DIR := cmd/otelcol-webhook-lean

build-lean:
	@mkdir -p $(BIN)
	@if [ -x $(BIN_LEAN) ]; then echo "==> updating bin/otelcol-webhook-lean"; else \
	  echo "==> building bin/otelcol-webhook-lean: webhook receiver and exporter; otlp receiver; batch; memory_limiter; debug; health_check; webhook_console"; \
	  echo "    first build: downloads the Go modules and compiles about 900 packages, about 4 minutes on 2 cores; later builds take seconds"; fi
	@start=$$(date +%s); cd $(LEAN_DIR); \
	total=$$(go list -deps . | wc -l); \
	echo "    modules ready ($$(( $$(date +%s) - start )) s); compiling what is not compiled yet of $$total packages"; \
	CGO_ENABLED=0 go build -v -trimpath -ldflags='-s -w' -o $(BIN_LEAN) . 2>&1 | \
	  while IFS= read -r line; do case "$$line" in *[\ :]*) echo "$$line" ;; *) n=$$(( $${n:-0} + 1 )); \
	    if [ $$(( n % 50 )) = 0 ]; then echo "    ... $$n of $$total packages compiled ($$(( $$(date +%s) - start )) s)"; fi ;; esac; done; \
	echo "==> bin/otelcol-webhook-lean ready ($$(( $$(date +%s) - start )) s)"

build-full: $(OCB)
	$(call ocb-build,builder-config.yaml,otelcol-webhook,the lean components and contrib's exporters processors connectors and extensions,about 9 minutes)

# `make run` runs the lean distribution on config/default.yaml, the full one
# on any other CONFIG; DIST=lean or DIST=full chooses.
run: build-$(DIST)
	$(if $(filter lean,$(DIST)),$(BIN_LEAN),$(BIN_FULL)) --config $(CONFIG)

check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './build/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go vet $(GO_PACKAGES)
	cd deploy && go vet ./...

lint: check
	go run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(GO_PACKAGES)
	cd deploy && go run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# End-to-end tests find the distribution and the tools through these.
unit-test: $(TELEMETRYGEN)
	OTELCOL_WEBHOOK_BIN=$(BIN_FULL) OTELCOL_WEBHOOK_LEAN_BIN=$(BIN_LEAN) TELEMETRYGEN_BIN=$(TELEMETRYGEN) \
	  go test -race -count=1 $(GO_PACKAGES)

fuzz:
	@for target in $(FUZZ_TARGETS); do \
	  pkg=$${target%%:*}; name=$${target##*:}; \
	  echo "fuzzing $$name in $$pkg for $(FUZZTIME)"; \
	  go test -run=NONE -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) $$pkg; \
	done

# deploy/ is a module of its own, so that the Kubernetes API types it checks
# the manifests with stay out of the components' dependencies.
deploy-test: build
	cd deploy && OTELCOL_WEBHOOK_BIN=$(BIN_FULL) go test -race -count=1 ./...

test: test-servers generate build check unit-test deploy-test

# Real servers the tests start and stop themselves (Redis, ClickHouse,
# Prometheus), the browser the console's page is tested in (Chromium,
# headless), and the programs the documented commands use (curl, openssl),
# from Debian's packages; installed only when missing, so a warm machine
# skips it. Installing prometheus starts nothing: the tests run it.
TEST_SERVERS := /usr/bin/redis-server:redis-server /usr/sbin/clickhouse-server:clickhouse-server /usr/bin/prometheus:prometheus /usr/bin/chromium:chromium /usr/bin/curl:curl /usr/bin/openssl:openssl

test-servers:
	@missing=""; for s in $(TEST_SERVERS); do \
	  [ -x "$${s%%:*}" ] || missing="$$missing $${s##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing test servers:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf build bin .tools

# Benchmarks (BENCHMARKS.md). `make bench` runs bench/run.sh, about 10
# minutes: first its headline, whole collectors from the distribution (ours
# against the stock otlp receiver, and ours with a webhook_console, CPU per
# request and requests/s, with the
# floor of a server that only reads the body), then the exporters (whole
# collectors behind the same otlp receiver: ours with delivery mode off and
# on against stock otlp_http, CPU per span and spans/s), overload and dedup
# phases; BENCH_GO=1 first runs the Go benchmarks
# (bench/gobench.sh, benchstat tables). The scripts install their tools
# (vegeta, benchstat) at the versions they pin; sizes and durations are set
# at the top of bench/run.sh.
BENCH_GO ?= 0

.PHONY: bench
bench:
	@if [ "$(BENCH_GO)" = 1 ]; then bench/gobench.sh; fi
	bench/run.sh
