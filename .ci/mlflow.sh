#!/usr/bin/env bash
# Proof that FairPipe logs runs and sweeps to a real MLflow tracking server: installs mlflow
# with pip (in a venv), starts `mlflow server` on 127.0.0.1 with a SQLite backend and its
# mlflow-artifacts proxy, runs `make all` and a 2-run sweep with tracking on, checks through
# MLflow's REST API (.ci/mlflow_check.py) that params, metrics (each equal to metrics.json),
# tags, artifacts (SHA-256), parent/child links are there and that a rerun adds nothing,
# checks the failure contract against the stopped server, and stops the server it started.
#
#   .ci/mlflow.sh                          # from .ci/run, or standalone
#   BIN=.build/debug .ci/mlflow.sh         # another build of the stage binaries
#   MLFLOW_FIGURES=1 .ci/mlflow.sh         # also time logging of one run and of a 24-run sweep
#
# Skips (exit 0, with a message) only where mlflow cannot be installed (no network to PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-.build/release}"
PORT="${MLFLOW_PROOF_PORT:-15055}"
VENV="${MLFLOW_VENV:-/tmp/fairpipe-mlflow-venv}"
OUT=outputs/mlflow-check
SCRATCH="$(mktemp -d /tmp/fairpipe-mlflow.XXXXXX)"
SERVER_PID=""

skip() { echo "mlflow: SKIPPED: $*"; exit 0; }

stop_server() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "$status" != 0 ]; then echo "mlflow: FAILED (status $status); server log:"; tail -n 30 "$SCRATCH/server.log" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
  exit "$status"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# 1. mlflow, in its own venv (reused when already there: installing takes minutes).
if [ ! -x "$VENV/bin/mlflow" ]; then
  echo "== pip install mlflow (into $VENV)"
  start=$(date +%s)
  python3 -m venv "$VENV" || skip "python3 -m venv failed"
  "$VENV/bin/pip" install -q mlflow || skip "pip could not install mlflow (offline?)"
  echo "mlflow: pip install took $(( $(date +%s) - start )) s"
fi
echo "== $("$VENV/bin/mlflow" --version)"

# 2. The server: SQLite backend, artifacts served through its mlflow-artifacts proxy.
"$VENV/bin/mlflow" server --backend-store-uri "sqlite:///$SCRATCH/mlflow.db" \
  --artifacts-destination "$SCRATCH/artifacts" --serve-artifacts \
  --host 127.0.0.1 --port "$PORT" --workers 1 >"$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!
URI="http://127.0.0.1:$PORT"
start=$(date +%s)
until curl -sf "$URI/health" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "mlflow: the server exited"; exit 1; }
  [ $(( $(date +%s) - start )) -lt 180 ] || { echo "mlflow: no /health after 180 s"; exit 1; }
  sleep 1
done
echo "mlflow: server up on $URI after $(( $(date +%s) - start )) s (pid $SERVER_PID)"

export MLFLOW_TRACKING_URI="$URI" MLFLOW_EXPERIMENT_NAME=fairpipe-ci
export SOURCE_DATE_EPOCH=1700000000
rm -rf "$OUT"
RUN="$OUT/run"
SWEEP_ROOT="$OUT/sweeps"
cat >"$SCRATCH/mlflow-proof.yml" <<'SPEC'
name: mlflow-proof
grid:
  mitigation.method: [group_thresholds, reweighing]
SPEC
SWEEP_SET="data.synthetic.rows=2000 fairness.bootstrap.samples=100"

# 3. One run with tracking on (the Makefile's track step), and a 2-run sweep.
echo "== make all CONFIG=configs/ci.yml with MLFLOW_TRACKING_URI=$URI"
make all CONFIG=configs/ci.yml OUT="$RUN" BIN="$BIN" QUIET=1
echo "== make sweep (2 runs) with tracking on"
make sweep SWEEP="$SCRATCH/mlflow-proof.yml" SWEEP_ROOT="$SWEEP_ROOT" BIN="$BIN" QUIET=1 -j2 SET="$SWEEP_SET"

# 4. What the server holds.
check() { python3 .ci/mlflow_check.py --uri "$URI" --experiment fairpipe-ci --run "$RUN" \
  --sweep "$SWEEP_ROOT/mlflow-proof" --commit "$(git rev-parse HEAD)" "$@"; }
check --save "$SCRATCH/state.json"

# 5. A rerun adds nothing: the same make all (the track step runs again) and the sweep log again.
echo "== rerun: make all and fairpipe-sweep log again"
make all CONFIG=configs/ci.yml OUT="$RUN" BIN="$BIN" QUIET=1
"$BIN/fairpipe-sweep" log "$SWEEP_ROOT/mlflow-proof/plan.json" --quiet
check --same-as "$SCRATCH/state.json"

# 6. Figures (optional): one run logged fresh, and a 24-run sweep, against this server.
if [ "${MLFLOW_FIGURES:-0}" = 1 ]; then
  echo "== figures (load: $(uptime | sed 's/.*load average: //'))"
  for i in 1 2 3; do
    /usr/bin/time -f "mlflow: one run, logged fresh (experiment overhead-$i): %e s" \
      env MLFLOW_EXPERIMENT_NAME="overhead-$i" "$BIN/report" --config configs/ci.yml --run "$RUN" --track-only --quiet
    /usr/bin/time -f "mlflow: one run, already logged: %e s" \
      env MLFLOW_EXPERIMENT_NAME="overhead-$i" "$BIN/report" --config configs/ci.yml --run "$RUN" --track-only --quiet
  done
  "$VENV/bin/python" .ci/mlflow_check.py --uri "$URI" --experiment overhead-peer --run "$RUN" --peer-log
  cat >"$SCRATCH/mlflow-24.yml" <<'SPEC'
name: mlflow-24
grid:
  mitigation.group_thresholds.tolerance: [0.01, 0.02, 0.05, 0.1]
  model.threshold: [0.4, 0.5]
  experiment.seed: [1, 2, 3]
SPEC
  MLFLOW_TRACKING_URI= make sweep SWEEP="$SCRATCH/mlflow-24.yml" SWEEP_ROOT="$SWEEP_ROOT" BIN="$BIN" QUIET=1 -j2 SET="$SWEEP_SET"
  plan="$SWEEP_ROOT/mlflow-24/plan.json"
  /usr/bin/time -f "mlflow: 24-run sweep, log without tracking: %e s" "$BIN/fairpipe-sweep" log "$plan" --quiet --no-track
  /usr/bin/time -f "mlflow: 24-run sweep, logged fresh (parent + 24 children): %e s" \
    env MLFLOW_EXPERIMENT_NAME=overhead-sweep "$BIN/fairpipe-sweep" log "$plan" --quiet
  /usr/bin/time -f "mlflow: 24-run sweep, already logged: %e s" \
    env MLFLOW_EXPERIMENT_NAME=overhead-sweep "$BIN/fairpipe-sweep" log "$plan" --quiet
fi

# 7. Failure contract against the real (now stopped) server: one line, artefacts unchanged,
#    non-zero only with tracking.required.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
find "$RUN" -type f | sort | xargs sha256sum >"$SCRATCH/before.sha"
"$BIN/report" --config configs/ci.yml --run "$RUN" --track-only 2>"$SCRATCH/soft.err" \
  || { echo "mlflow: an unreachable server failed a run without tracking.required"; cat "$SCRATCH/soft.err"; exit 1; }
grep -q "MLflow server $URI unreachable" "$SCRATCH/soft.err" || { echo "mlflow: unexpected message:"; cat "$SCRATCH/soft.err"; exit 1; }
set +e
"$BIN/report" --config configs/ci.yml --set tracking.required=true --run "$RUN" --track-only 2>"$SCRATCH/hard.err"
status=$?
set -e
[ "$status" = 69 ] || { echo "mlflow: tracking.required with the server down exited $status, expected 69"; exit 1; }
[ "$(wc -l <"$SCRATCH/hard.err")" = 1 ] || { echo "mlflow: expected one line:"; cat "$SCRATCH/hard.err"; exit 1; }
find "$RUN" -type f | sort | xargs sha256sum | diff "$SCRATCH/before.sha" - \
  || { echo "mlflow: a failed tracking attempt changed the run's files"; exit 1; }
echo "mlflow: failures: one line ($(cat "$SCRATCH/hard.err")), exit 0 unless required (69), artefacts unchanged"
echo "mlflow: OK"
