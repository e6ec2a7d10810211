# FairPipe — reproducible fairness experiments.
#
#   make all                       build release binaries and run the whole pipeline
#   make all SET="mitigation.group_thresholds.tolerance=0.05 report.title=My study"
#                                  override config keys: each `section.key=` word starts one
#                                  override, other words continue its value (see README)
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

# Grouped targets (`&:`) need GNU make 4.3 or later; older makes misread the file silently.
MAKE_MAJOR := $(word 1,$(subst ., ,$(MAKE_VERSION)))
MAKE_MINOR := $(word 2,$(subst ., ,$(MAKE_VERSION)))
ifneq ($(shell [ "$(MAKE_MAJOR)" -gt 4 ] 2>/dev/null || { [ "$(MAKE_MAJOR)" -eq 4 ] && [ "$(MAKE_MINOR)" -ge 3 ]; } 2>/dev/null && echo ok),ok)
$(error FairPipe needs GNU make 4.3 or later (this is make $(MAKE_VERSION)); install it, e.g. `brew install make` and run `gmake`)
endif

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
# SET: each word that starts `section.key=` begins one override; any other word continues the
# value before it, so SET="report.title=My study" is one override. Each becomes a quoted --set.
define NEWLINE


endef
SET_FLAGS := $(if $(strip $(SET)),$(shell printf '%s\n' '$(subst $(NEWLINE), ,$(subst ','\'',$(SET)))' | tr -s ' \t' '\n\n' | awk \
  'function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" } \
   NF == 0 { next } \
   /^[A-Za-z_][^=]*\.[^=]*=/ || n == 0 { v[++n] = $$0; next } \
   { v[n] = v[n] " " $$0 } \
   END { for (i = 1; i <= n; i++) printf "--set %s ", q(v[i]) }'))
COMMON   := $(CONFIG_FLAG) $(SET_FLAGS) $(if $(QUIET),--quiet)
ifeq ($(strip $(OUT)),)
$(error OUT is empty: name the output folder, e.g. OUT=outputs)
endif
STAMPS   := $(OUT)/.stamps
# Written into $(OUT) by the first stage; `make clean` deletes only folders that carry it.
MARKER   := $(OUT)/.fairpipe-output
# What the pipeline writes into $(OUT): `make clean` removes these and nothing else.
OUT_DIRS := dataset model evaluation mitigation evaluation-mitigated report .stamps sweeps ci monitor-demo audit-shards

DATASET    := $(OUT)/dataset/manifest.json
MODEL      := $(OUT)/model/manifest.json
EVALUATION := $(OUT)/evaluation/manifest.json
MITIGATION := $(OUT)/mitigation/manifest.json
MITIGATED  := $(OUT)/evaluation-mitigated/manifest.json
REPORT     := $(OUT)/report/manifest.json
EXPLAIN    := $(OUT)/explain/manifest.json

.PHONY: all build pipeline sweep test data bench bench-reductions bench-gbdt bench-monitor bench-ingest bench-stream audit-shards ci report-screenshot clean clean-check check-config format lint help FORCE monitor-demo track

all: pipeline track ## Build release binaries and run every stage (only stale ones rerun)

pipeline: $(REPORT)

build: $(BINARIES) ## Build the release binaries

# Only the products the pipeline runs (not fairpipe-bench: `make bench` builds that).
$(BINARIES) $(SWEEP_TOOL) &: $(SOURCES)
	@for product in $(STAGES) fairpipe-sweep; do $(SWIFT) build -c release --product $$product || exit $$?; done
	@touch $(BINARIES) $(SWEEP_TOOL)

# The whole configuration is validated once, before any stamp, so a mistake in it (or a
# missing CONFIG file) is reported as `check-config`, not as the stage make happened to try first.
check-config: $(if $(filter .build/release,$(BIN)),$(BIN)/make-dataset) ## Validate the configuration (CONFIG, SET) and stop
	@$(BIN)/make-dataset $(COMMON) --check-config

WRITE_MARKER = mkdir -p $(OUT) && { [ -f $(MARKER) ] || printf 'Written by FairPipe (make). make clean removes only: %s\n' "$(OUT_DIRS)" > $(MARKER); }

$(MARKER): | check-config
	@$(WRITE_MARKER)

# Config stamps: the recipe always runs (cheap), the file changes only with the hash.
$(STAMPS)/%: $(BIN)/% FORCE | check-config $(MARKER)
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

# Tracking: log the finished run to MLflow when tracking.mlflow.uri or MLFLOW_TRACKING_URI is
# set (a no-op otherwise). Found by its run key, an unchanged run is logged only once.
track: $(REPORT) ## Log the run to MLflow (tracking.mlflow.uri or MLFLOW_TRACKING_URI; see README)
	$(BIN)/report $(COMMON) --run $(OUT) --track-only

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
	@$(WRITE_MARKER)
	@fragment=$$($(SWEEP_TOOL) plan $(SWEEP) --root $(SWEEP_ROOT) --bin $(BIN) $(SET_FLAGS)) && \
	  $(MAKE) --no-print-directory -f $$fragment BIN=$(BIN) LAUNCHER="$(LAUNCHER)" QUIET=$(QUIET)

# Sharded audit of a predictions log split into files: one `evaluate --stats-only` job per shard
# (through LAUNCHER, in parallel with -j), then one merge into $(OUT)/audit-shards/merged, whose
# metrics.json is byte-identical to one `evaluate --preds` over all shards' rows. AUDIT_FLAGS are
# evaluate's column flags (--sensitive, --label, ...); like `evaluate --preds`, a config file is read
# only when CONFIG names one other than pipeline.yml. Shard statistics are redone when a shard changes.
SHARDS      ?=
AUDIT_FLAGS ?=
AUDIT_COMMON := $(if $(filter-out pipeline.yml,$(CONFIG)),--config $(CONFIG)) $(SET_FLAGS) $(if $(QUIET),--quiet)
SHARD_DIR   := $(OUT)/audit-shards
SHARD_STATS := $(foreach i,$(shell seq 1 $(words $(SHARDS)) 2>/dev/null),$(SHARD_DIR)/$(i)/statistics.json)
ifneq ($(filter audit-shards,$(MAKECMDGOALS)),)
ifeq ($(strip $(SHARDS)),)
$(error usage: make audit-shards SHARDS="a.csv b.csv ..." [OUT=dir] [AUDIT_FLAGS="--sensitive sex,race"] [LAUNCHER="srun --ntasks=1"] [-j N])
endif
endif
define SHARD_RULE
$(SHARD_DIR)/$(1)/statistics.json: $(2) $(if $(filter .build/release,$(BIN)),$(BIN)/evaluate)
	$$(LAUNCHER) $(BIN)/evaluate $$(AUDIT_COMMON) $$(AUDIT_FLAGS) --preds $(2) --stats-only --out $(SHARD_DIR)/$(1)
endef
$(foreach i,$(shell seq 1 $(words $(SHARDS)) 2>/dev/null),$(eval $(call SHARD_RULE,$(i),$(word $(i),$(SHARDS)))))

audit-shards: $(SHARD_STATS) ## Audit shards as separate jobs and merge: make audit-shards SHARDS="a.csv b.csv" [LAUNCHER="srun --ntasks=1"] -j 4
	@$(WRITE_MARKER)
	$(LAUNCHER) $(BIN)/evaluate $(AUDIT_COMMON) $(AUDIT_FLAGS) --merge $(SHARD_STATS) --out $(SHARD_DIR)/merged

test: ## Run the test suite (debug build; the end-to-end tests run the built executables)
	$(SWIFT) build --build-tests
	$(SWIFT) test

data: $(BIN)/make-dataset ## Download and verify the configured benchmark dataset: make data CONFIG=configs/adult.yml
	$(BIN)/make-dataset $(COMMON) --fetch-only

bench: ## Run the benchmarks on release builds (a measurement, not a test)
	$(SWIFT) build -c release --product fairpipe-bench
	$(BIN)/fairpipe-bench $(BENCH)
	$(if $(BENCH),,$(MAKE) --no-print-directory bench-reductions bench-gbdt bench-monitor bench-ingest bench-stream)

bench-reductions: $(BINARIES) ## mitigate (exponentiated_gradient on Adult, with its curve) next to fairlearn, same run
	BIN=$(BIN) bash Tests/Fixtures/bench/reductions.sh

bench-gbdt: $(BINARIES) ## gradient boosting next to scikit-learn and LightGBM (Adult, 1M × 50, EG oracle), same run
	$(SWIFT) build -c release --product fairpipe-bench
	BIN=$(BIN) bash Tests/Fixtures/bench/gbdt.sh

bench-ingest: ## CSV ingest of a 10M-row numeric file next to pandas.read_csv and polars.read_csv, same run
	$(SWIFT) build -c release --product fairpipe-bench
	BIN=$(BIN) bash Tests/Fixtures/bench/ingest.sh

bench-monitor: ## monitor on a 30-day log at 1M rows a day, full and incremental, next to pandas, same run
	$(SWIFT) build -c release --product monitor
	BIN=$(BIN) bash Tests/Fixtures/bench/monitor.sh

bench-stream: ## evaluate --preds streaming a 100M-row log (rows/s, peak RSS) next to pandas, and a 4-shard merge, same run
	$(SWIFT) build -c release --product evaluate
	BIN=$(BIN) bash Tests/Fixtures/bench/stream.sh

ci: ## A small end-to-end pipeline run that fails on a broken gate
	$(MAKE) all CONFIG=configs/ci.yml OUT=$(OUT)/ci
	$(BIN)/evaluate --config configs/ci.yml --preds $(OUT)/ci/mitigation/predictions.csv \
		--data $(OUT)/ci/dataset --out $(OUT)/ci/gate --fail-on-violation

report-screenshot: $(REPORT) ## Render the report in headless Chromium and save $(OUT)/report/report.png
	bash Tests/Fixtures/report/browser_check.sh $(OUT)/report/report.html $(OUT)/report/report.png

# monitor demo: 90 days of synthetic prediction log with a change at day 60, then the monitor.
MONITOR_DEMO_CONFIG ?= configs/monitor-demo.yml
monitor-demo: ## Write a 90-day prediction log with a change at day 60 and monitor it (outputs/monitor-demo)
	$(SWIFT) build -c release --product monitor
	@$(WRITE_MARKER)
	$(BIN)/monitor demo-log --config $(MONITOR_DEMO_CONFIG) $(SET_FLAGS) --days 90 --file $(OUT)/monitor-demo/log.csv
	$(BIN)/monitor --config $(MONITOR_DEMO_CONFIG) $(SET_FLAGS) $(if $(QUIET),--quiet) \
		--log $(OUT)/monitor-demo/log.csv --out $(OUT)/monitor-demo/monitor
	@cat $(OUT)/monitor-demo/monitor/summary.md

# The guard of `make clean`: refuses `/`, the repository root or one of its parents, and any
# folder without FairPipe's marker, then prints the folders the pipeline wrote there.
define CLEAN_GUARD
out='$(subst ','\'',$(OUT))'; \
if [ ! -e "$$out" ]; then echo "make clean: $$out does not exist; nothing to remove" >&2; exit 0; fi; \
real=$$(cd -- "$$out" 2>/dev/null && pwd -P) || { echo "make clean: refusing: $$out is not a folder" >&2; exit 2; }; \
root=$$(pwd -P); \
case "$$root/" in "$$real"/*|"$$real//"*) echo "make clean: refusing: OUT=$$out is the repository root or contains it" >&2; exit 2;; esac; \
if [ "$$real" = / ]; then echo "make clean: refusing: OUT=$$out is /" >&2; exit 2; fi; \
if [ ! -f "$$real/.fairpipe-output" ]; then \
  echo "make clean: refusing: $$out has no .fairpipe-output marker, so FairPipe did not create it" >&2; exit 2; fi
endef

clean-check: ## Show what `make clean` would remove from $(OUT), removing nothing
	@$(CLEAN_GUARD); for d in $(OUT_DIRS); do [ -e "$$real/$$d" ] && echo "$$out/$$d"; done; true

clean: ## Remove what the pipeline wrote into $(OUT) (its folders and marker, nothing else)
	@$(CLEAN_GUARD); \
	for d in $(OUT_DIRS); do rm -rf -- "$$real/$$d"; done; rm -f -- "$$real/.fairpipe-output"; \
	echo "make clean: removed what FairPipe wrote in $$out"

FORMAT_PATHS := Package.swift Sources Tests

format: ## Format the Swift sources in place with swift format (.swift-format)
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

lint: ## Check as CI does: swift format lint --strict (.swift-format; make format fixes it) and no function over 80 lines
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)
	python3 Tests/Fixtures/lint/long_functions.py --max 80 Sources

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

FORCE:
