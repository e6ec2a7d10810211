#!/usr/bin/env bash
# Proof that sweep stages run as real Slurm jobs while make keeps the dependency graph:
# starts a one-node Slurm cluster on 127.0.0.1 (scratch folder under /tmp), runs a 2-run
# sweep with LAUNCHER="srun --ntasks=1", checks that every stage manifest records a
# SLURM_JOB_ID and that Slurm's own job-completion log lists those jobs, and stops the
# daemons it started.
#
#   .ci/slurm-sweep.sh                  # as root (installs slurm-wlm and munge if missing)
#   BIN=.build/debug .ci/slurm-sweep.sh # use another build of the stage binaries
#   .ci/slurm-sweep.sh .ci/shards.sh    # then run more proofs on the same live cluster (SLURM_CONF set)
#
# Skips (exit 0, with a message) only where Slurm cannot be installed: not root, or no apt-get.
# See also ../shared/notes/slurm-local.md.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-.build/release}"
CTLD_PORT="${SLURM_PROOF_CTLD_PORT:-16817}"
SLURMD_PORT="${SLURM_PROOF_SLURMD_PORT:-16818}"
SWEEP_ROOT=outputs/slurm-proof/sweeps

skip() { echo "slurm-sweep: SKIPPED: $*"; exit 0; }

# 1. Slurm and munge.
if ! command -v srun >/dev/null || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "slurm-wlm/munge are not installed and installing them needs root"
  command -v apt-get >/dev/null || skip "slurm-wlm/munge are not installed and there is no apt-get here"
  echo "== installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y slurm-wlm munge >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y slurm-wlm munge >/dev/null; } \
    || skip "apt-get could not install slurm-wlm and munge (offline?)"
fi
[ "$(id -u)" = 0 ] || skip "starting slurmctld/slurmd with SlurmUser=root needs root"

SCRATCH="$(mktemp -d /tmp/fairpipe-slurm.XXXXXX)"
STARTED_MUNGE=""
stop_daemons() {
  local status=$?
  for name in slurmd slurmctld; do
    if [ -s "$SCRATCH/$name.pid" ]; then
      local pid; pid="$(cat "$SCRATCH/$name.pid")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  if [ -n "$STARTED_MUNGE" ] && [ -s /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true; fi
  if [ "$status" != 0 ]; then
    echo "slurm-sweep: FAILED (status $status); daemon logs:"; tail -n 20 "$SCRATCH"/ctld.log "$SCRATCH"/d.log 2>/dev/null || true
  fi
  rm -rf "$SCRATCH"
  exit "$status"
}
trap stop_daemons EXIT
trap 'exit 130' INT TERM

# 2. munge: reuse a running munged, else start one (and stop it at the end).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || mungekey -c
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
  runuser -u munge -- munged
  STARTED_MUNGE=1
  sleep 1
fi
munge -n | unmunge | grep -q 'STATUS:.*Success' || { echo "slurm-sweep: munge does not work"; exit 1; }

# 3. A one-node cluster on 127.0.0.1.
H="$(hostname -s)"
mkdir -p "$SCRATCH/state" "$SCRATCH/spool"
cat > "$SCRATCH/slurm.conf" <<EOF
ClusterName=fairpipe-proof
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
StateSaveLocation=$SCRATCH/state
SlurmdSpoolDir=$SCRATCH/spool
SlurmctldPidFile=$SCRATCH/slurmctld.pid
SlurmdPidFile=$SCRATCH/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmctldLogFile=$SCRATCH/ctld.log
SlurmdLogFile=$SCRATCH/d.log
JobCompType=jobcomp/filetxt
JobCompLoc=$SCRATCH/jobcomp.log
NodeName=$H NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$SCRATCH/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  sinfo -h -o '%T' 2>/dev/null | grep -qx idle && break
  sleep 0.5
done
sinfo -h -o '%T' | grep -qx idle || { echo "slurm-sweep: the node never became idle"; sinfo || true; exit 1; }
echo "== slurm up: $(srun -N1 -n1 hostname)"

# 4. A 2-run sweep, every stage through srun.
cat > "$SCRATCH/slurm-proof.yml" <<'EOF'
name: slurm-proof
grid:
  mitigation.method: [group_thresholds, reweighing]
EOF
rm -rf "$SWEEP_ROOT"
echo "== make sweep LAUNCHER=\"srun --ntasks=1\" -j2"
make sweep -j2 SWEEP="$SCRATCH/slurm-proof.yml" SWEEP_ROOT="$SWEEP_ROOT" BIN="$BIN" QUIET=1 \
  LAUNCHER="srun --ntasks=1" SET="data.synthetic.rows=2000 fairness.bootstrap.samples=100"

# 5. Every stage manifest records its Slurm job, and Slurm's completion log has those jobs.
SWEEP_DIR="$SWEEP_ROOT/slurm-proof"
manifests=$(find "$SWEEP_DIR" -path '*/.stamps' -prune -o -name manifest.json -type f -print | sort)
count=$(echo "$manifests" | wc -l)
[ "$count" -eq 10 ] || { echo "slurm-sweep: expected 10 stage manifests (3 shared + 2 runs x 3 + the runs page), found $count"; exit 1; }
job_ids=()
for manifest in $manifests; do
  id=$(python3 -c 'import json,sys; print((json.load(open(sys.argv[1])).get("scheduler") or {}).get("SLURM_JOB_ID",""))' "$manifest")
  [ -n "$id" ] || { echo "slurm-sweep: $manifest records no SLURM_JOB_ID"; exit 1; }
  for _ in $(seq 40); do grep -q "JobId=$id .*JobState=COMPLETED" "$SCRATCH/jobcomp.log" 2>/dev/null && break; sleep 0.25; done
  grep -q "JobId=$id .*JobState=COMPLETED" "$SCRATCH/jobcomp.log" \
    || { echo "slurm-sweep: job $id ($manifest) is not COMPLETED in Slurm's job log"; exit 1; }
  job_ids+=("$id")
done
distinct=$(printf '%s\n' "${job_ids[@]}" | sort -u | wc -l)
[ "$distinct" -eq "$count" ] || { echo "slurm-sweep: $count stages ran as only $distinct distinct jobs"; exit 1; }
test -s "$SWEEP_DIR/experiments.csv" && [ "$(wc -l < "$SWEEP_DIR/experiments.csv")" -eq 3 ] \
  || { echo "slurm-sweep: experiments.csv should have a header and 2 rows"; exit 1; }
echo "slurm-sweep: OK: $count stages ran as $distinct Slurm jobs (ids ${job_ids[*]}), all COMPLETED in Slurm's job log:"
grep -o 'JobId=[0-9]* UserId=[^ ]* .*JobState=[A-Z]*' "$SCRATCH/jobcomp.log" | sed -E 's/UserId=.*JobState=/state=/' | tr '\n' ' '; echo

# 6. Further proofs named on the command line, on the same live cluster (SLURM_CONF is exported).
for proof in "$@"; do
  echo "== $proof (on the live cluster)"
  BIN="$BIN" bash "$proof"
done
