# aiprof: a thin front door over the CMake presets (CMakePresets.json does the real work).
# Run from the repository root. `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

JOBS ?= $(shell nproc)
# The shared folder (language spec, conformance corpus): beside the repository by default.
SHARED ?= ../shared
# Conformance tests left out (globs of test names); empty it to run the whole corpus.
CONFORMANCE_SKIP ?=
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?= -timeout=10
BENCH_ARGS ?=
# UBSan only reports by default; make it fail the run instead.
SANITIZER_ENV ?= UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Prefix for running TSan binaries. On kernels with vm.mmap_rnd_bits > 28, TSan needs
# ASLR off: TSAN_RUN='setarch $(shell uname -m) -R'.
TSAN_RUN ?=

ANARCHY := build/release/bin/anarchy
# ctest labels `make test` leaves out: `accuracy` (statistical, can fail by load: `make accuracy`).
# The `callgrind` label (hook sites compiled in but not enabled cost <= 1% of instructions; exact
# counts, load cannot fail it) runs in `make test` and alone in `make hooks-check`.
TEST_EXCLUDE_LABELS ?= accuracy
DEMO_OUT ?= out/demo
# ---- DEMO_CMD: what `make demo` runs: profile the example, reports under DEMO_OUT. ----
# Every report format: text, JSON, folded stacks, speedscope, Chrome trace, pprof, HTML.
DEMO_FORMATS ?= txt json folded speedscope.json trace.json pb.gz html
comma := ,
space := $(empty) $(empty)
DEMO_CMD ?= $(ANARCHY) profile --mode hybrid $(foreach f,$(DEMO_FORMATS),-o $(DEMO_OUT)/profile.$(f)) examples/demo.ai
# ----------------------------------------------------------------------------------------------

# $(call cmake_build,PRESET): configure and build one preset.
cmake_build = cmake --preset $(1) && cmake --build --preset $(1) -j $(JOBS)
# $(pgo_release): the release preset, profile-guided: build the instrumented release-pgo-gen
# preset, train it (bench/pgo-train.sh; skipped while its profile is current), then build
# release, which compiles with that profile.
pgo_release = $(call cmake_build,release-pgo-gen) && \
  SHARED='$(SHARED)' bench/pgo-train.sh build/release-pgo-gen/bin/anarchy build/release-pgo-gen/profile && \
  $(call cmake_build,release)
# $(call conformance,INTERPRETER): the shared corpus minus CONFORMANCE_SKIP.
conformance = SHARED='$(SHARED)' CONFORMANCE_SKIP='$(CONFORMANCE_SKIP)' scripts/conformance.sh $(1)

.PHONY: help deps build demo test accuracy hooks-check asan tsan fuzz bench bench-check bench-baseline format format-check clean

help:
	@echo "make build         install missing Debian packages, build the release preset (trained: PGO)"
	@echo "make demo          build, then run examples/demo.ai (outputs in $(DEMO_OUT)/)"
	@echo "make test          release + debug builds, debug unit tests, conformance corpus"
	@echo "make accuracy      debug build, the statistical tests (ctest label accuracy; a quiet machine)"
	@echo "make hooks-check   debug build, callgrind: disabled hook sites cost <= 1%"
	@echo "make asan          asan-ubsan build: unit tests and conformance corpus"
	@echo "make tsan          tsan build: unit tests"
	@echo "make fuzz          fuzz build, run each libFuzzer target for FUZZ_SECONDS (=$(FUZZ_SECONDS))"
	@echo "make bench         release build, compare against python3 and lua5.4"
	@echo "make bench-check   bench-check build, callgrind: fail on > 3% more instructions than bench/baselines.json"
	@echo "make bench-baseline  measure bench/baselines.json again (BENCH_ONLY=exact: exact-mode cases only)"
	@echo "make format        clang-format all C++ sources in place (format-check: dry run)"
	@echo "make clean         remove build/ and out/"
	@echo "variables: SHARED=$(SHARED) CONFORMANCE_SKIP='$(CONFORMANCE_SKIP)' JOBS=$(JOBS)"

deps:
	scripts/install-deps.sh

build: deps
	$(pgo_release)

demo: build
	mkdir -p $(DEMO_OUT)
	$(DEMO_CMD) | tee $(DEMO_OUT)/stdout.txt
	@echo "demo: the program's output is $(DEMO_OUT)/stdout.txt; its profile (hybrid: exact spans + samples) is $(DEMO_OUT)/profile.{$(subst $(space),$(comma),$(DEMO_FORMATS))}"

# Runs everything even when an early step fails, then fails if any step did.
test: deps
	$(pgo_release)
	$(call cmake_build,debug)
	rc=0; \
	ctest --preset debug --output-on-failure -j $(JOBS) -LE '$(TEST_EXCLUDE_LABELS)' || rc=1; \
	$(call conformance,$(ANARCHY)) || rc=1; \
	exit $$rc

# Statistical claims on real runs (ctest label `accuracy`): they can fail by machine load, so
# `make test` leaves them out. Run them on a quiet machine before a claim about accuracy.
accuracy: deps
	$(call cmake_build,debug)
	ctest --preset debug --output-on-failure -L accuracy

# Instruction counts (callgrind) of the interpreter with hook sites compiled in, not enabled,
# against compiled out: <= 1% (DESIGN.md, "disabled costs nothing measurable").
hooks-check: deps
	$(call cmake_build,debug)
	ctest --preset debug --output-on-failure -L callgrind

asan: deps
	$(call cmake_build,asan-ubsan)
	rc=0; \
	$(SANITIZER_ENV) ctest --preset asan-ubsan --output-on-failure -j $(JOBS) || rc=1; \
	$(SANITIZER_ENV) $(call conformance,build/asan-ubsan/bin/anarchy) || rc=1; \
	exit $$rc

tsan: deps
	$(call cmake_build,tsan)
	$(TSAN_RUN) ctest --preset tsan --output-on-failure -j $(JOBS)

# One libFuzzer target per reader of outside input, each run for FUZZ_SECONDS: the interpreter
# (seeds fuzz/corpus), the JSON report reader and the TOML and JSON config readers (seeds
# fuzz/seeds/NAME). New corpus entries and crash files go to build/fuzz/run/NAME, never into the
# repository. Every target runs even when an earlier one found a crash; then the run fails.
FUZZ_TARGETS ?= interpreter json_report config_toml config_json
fuzz_seeds = $(if $(filter interpreter,$(1)),$(CURDIR)/fuzz/corpus,$(CURDIR)/fuzz/seeds/$(1))
fuzz_dict = $(CURDIR)/fuzz/$(if $(filter interpreter,$(1)),symbols,$(if $(filter config_%,$(1)),config,$(1))).dict
fuzz: deps
	$(call cmake_build,fuzz)
	rc=0; \
	$(foreach t,$(FUZZ_TARGETS),mkdir -p build/fuzz/run/$(t)/corpus && \
	  (cd build/fuzz/run/$(t) && ../../bin/fuzz_$(t) -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) \
	    -dict=$(call fuzz_dict,$(t)) corpus $(call fuzz_seeds,$(t))) || { echo "fuzz_$(t) failed"; rc=1; };) \
	exit $$rc

bench: build
	python3 bench/compare.py $(BENCH_ARGS)

# Instruction counts (callgrind) of the workloads and exact mode at small sizes against
# bench/baselines.json: fails on a case more than 3% above its baseline. One pinned build (the
# bench-check preset: Release, LTO, no PGO, whose counts vary with each training), its own dir.
# Raising a baseline is deliberate: `make bench-baseline` (BENCH_ONLY=PREFIX for some cases,
# e.g. BENCH_ONLY=exact), then commit bench/baselines.json saying why.
BENCH_ONLY ?=
bench_check_build = cmake --preset bench-check && cmake --build --preset bench-check -j $(JOBS)
bench-check: deps
	$(bench_check_build)
	python3 bench/bench_check.py $(foreach p,$(BENCH_ONLY),--only $(p))

bench-baseline: deps
	$(bench_check_build)
	python3 bench/bench_check.py --update $(foreach p,$(BENCH_ONLY),--only $(p))

CXX_SOURCES = find . \( -path ./build -o -path ./.git \) -prune -o -type f \
  \( -name '*.cpp' -o -name '*.cc' -o -name '*.h' -o -name '*.hpp' \) -print0

format:
	$(CXX_SOURCES) | xargs -0 -r clang-format -i

format-check:
	$(CXX_SOURCES) | xargs -0 -r clang-format --dry-run --Werror

clean:
	rm -rf build out
