# FairPipe — reproducible fairness experiments.
#
#   make all                       build release binaries and run the whole pipeline
#   make all SET="mitigation.tolerance=0.05"   override config keys (space-separated)
#   make all CONFIG=configs/adult.yml OUT=outputs/runs/adult
#   make sweep SWEEP=sweeps/tolerance.yml -j 4   run a parameter sweep (see sweeps/)
#   make test                      run the test suite
#   make help                      list every target
#
# Each stage writes into its own folder under $(OUT) and finishes by writing
# manifest.json; make tracks those manifests. A per-stage config stamp, rewritten only
# when the hash of the configuration that stage reads changes, makes a config edit rerun
# exactly the stages it touches.

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

SWIFT    ?= swift
CONFIG   ?= pipeline.yml
OUT      ?= outputs
SET      ?=
LAUNCHER ?=
QUIET    ?=

BIN      ?= .build/release
STAGES   := make-dataset train evaluate mitigate explain report
BINARIES := $(addprefix $(BIN)/,$(STAGES))
SWEEP_TOOL := $(BIN)/fairpipe-sweep
SOURCES  := Package.swift $(shell find Sources -name '*.swift' 2>/dev/null)
CONFIG_FLAG := $(if $(wildcard $(CONFIG)),--config $(CONFIG),$(if $(filter pipeline.yml,$(CONFIG)),,--config $(CONFIG)))
COMMON   := $(CONFIG_FLAG) $(foreach s,$(SET),--set $(s)) $(if $(QUIET),--quiet)
STAMPS   := $(OUT)/.stamps

DATASET    := $(OUT)/dataset/manifest.json
MODEL      := $(OUT)/model/manifest.json
EVALUATION := $(OUT)/evaluation/manifest.json
MITIGATION := $(OUT)/mitigation/manifest.json
MITIGATED  := $(OUT)/evaluation-mitigated/manifest.json
REPORT     := $(OUT)/report/manifest.json
EXPLAIN    := $(OUT)/explain/manifest.json

.PHONY: all build pipeline sweep test data bench ci report-screenshot clean help FORCE monitor-demo

all: pipeline ## Build release binaries and run every stage (only stale ones rerun)

pipeline: $(REPORT)

build: $(BINARIES) ## Build the release binaries

$(BINARIES) $(SWEEP_TOOL) &: $(SOURCES)
	$(SWIFT) build -c release
	@touch $(BINARIES) $(SWEEP_TOOL)

# Config stamps: the recipe always runs (cheap), the file changes only with the hash.
$(STAMPS)/%: $(BIN)/% FORCE
	@$(BIN)/$* $(COMMON) --stamp $@

$(DATASET): $(BIN)/make-dataset $(STAMPS)/make-dataset
	$(LAUNCHER) $(BIN)/make-dataset $(COMMON) --out $(OUT)/dataset

$(MODEL): $(BIN)/train $(STAMPS)/train $(DATASET)
	$(LAUNCHER) $(BIN)/train $(COMMON) --data $(OUT)/dataset --out $(OUT)/model

$(EVALUATION): $(BIN)/evaluate $(STAMPS)/evaluate $(MODEL)
	$(LAUNCHER) $(BIN)/evaluate $(COMMON) --data $(OUT)/dataset --model $(OUT)/model --out $(OUT)/evaluation

$(MITIGATION): $(BIN)/mitigate $(STAMPS)/mitigate $(EVALUATION)
	$(LAUNCHER) $(BIN)/mitigate $(COMMON) --data $(OUT)/dataset --model $(OUT)/model \
		--evaluation $(OUT)/evaluation --out $(OUT)/mitigation

$(MITIGATED): $(BIN)/evaluate $(STAMPS)/evaluate $(MITIGATION)
	$(LAUNCHER) $(BIN)/evaluate $(COMMON) --preds $(OUT)/mitigation/predictions.csv \
		--data $(OUT)/dataset --out $(OUT)/evaluation-mitigated

# explain reads only the splits, the model and `explain:` (plus the decision threshold and the
# small-group rules), so editing `explain:` reruns explain and report, nothing upstream.
$(EXPLAIN): $(BIN)/explain $(STAMPS)/explain $(MODEL)
	$(LAUNCHER) $(BIN)/explain $(COMMON) --data $(OUT)/dataset --model $(OUT)/model --out $(OUT)/explain

$(REPORT): $(BIN)/report $(STAMPS)/report $(EVALUATION) $(MITIGATED) $(EXPLAIN)
	$(LAUNCHER) $(BIN)/report $(COMMON) --run $(OUT) --out $(OUT)/report

# Sweeps: `fairpipe-sweep plan` validates every run's config and writes a Makefile fragment
# (one rule per stage per run, shared upstream stages keyed by their config hash); make runs
# it with this make's -j and LAUNCHER, then builds the experiment log and the runs page.
# With BIN= pointing elsewhere (e.g. a debug build) nothing is built.
SWEEP      ?=
SWEEP_ROOT ?= $(OUT)/sweeps
SWEEP_BUILD := $(if $(filter .build/release,$(BIN)),$(BINARIES) $(SWEEP_TOOL))
ifneq ($(filter sweep,$(MAKECMDGOALS)),)
ifeq ($(SWEEP),)
$(error usage: make sweep SWEEP=sweeps/NAME.yml [-j N] [LAUNCHER="srun --ntasks=1"] [SET="key=value ..."])
endif
endif

sweep: $(SWEEP_BUILD) ## Run a sweep: make sweep SWEEP=sweeps/tolerance.yml -j 4 [LAUNCHER="srun --ntasks=1"]
	@fragment=$$($(SWEEP_TOOL) plan $(SWEEP) --root $(SWEEP_ROOT) --bin $(BIN) $(foreach s,$(SET),--set $(s))) && \
	  $(MAKE) --no-print-directory -f $$fragment BIN=$(BIN) LAUNCHER="$(LAUNCHER)" QUIET=$(QUIET)

test: ## Run the test suite (debug build; the end-to-end tests run the built executables)
	$(SWIFT) build --build-tests
	$(SWIFT) test

data: $(BIN)/make-dataset ## Download and verify the configured benchmark dataset: make data CONFIG=configs/adult.yml
	$(BIN)/make-dataset $(COMMON) --fetch-only

bench: ## Run the benchmarks on release builds (a measurement, not a test)
	$(SWIFT) build -c release --product fairpipe-bench
	$(BIN)/fairpipe-bench $(BENCH)

ci: ## A small end-to-end pipeline run that fails on a broken gate
	$(MAKE) all CONFIG=configs/ci.yml OUT=$(OUT)/ci
	$(BIN)/evaluate --config configs/ci.yml --preds $(OUT)/ci/mitigation/predictions.csv \
		--data $(OUT)/ci/dataset --out $(OUT)/ci/gate --fail-on-violation

report-screenshot: $(REPORT) ## Render the report in headless Chromium and save $(OUT)/report/report.png
	HEIGHT=$${HEIGHT:-6000} bash Tests/Fixtures/report/browser_check.sh $(OUT)/report/report.html $(OUT)/report/report.png

# monitor demo: 90 days of synthetic prediction log with a change at day 60, then the monitor.
MONITOR_DEMO_CONFIG ?= configs/monitor-demo.yml
monitor-demo: ## Write a 90-day prediction log with a change at day 60 and monitor it (outputs/monitor-demo)
	$(SWIFT) build -c release --product monitor
	$(BIN)/monitor demo-log --config $(MONITOR_DEMO_CONFIG) $(foreach s,$(SET),--set $(s)) --days 90 --file $(OUT)/monitor-demo/log.csv
	$(BIN)/monitor --config $(MONITOR_DEMO_CONFIG) $(foreach s,$(SET),--set $(s)) $(if $(QUIET),--quiet) \
		--log $(OUT)/monitor-demo/log.csv --out $(OUT)/monitor-demo/monitor
	@cat $(OUT)/monitor-demo/monitor/summary.md

clean: ## Remove everything the pipeline wrote (keeps outputs/README.md)
	find $(OUT) -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

FORCE:
