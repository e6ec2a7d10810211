#!/usr/bin/env bash
# Proof that a sharded audit runs as separate Slurm jobs and merges to the single run's bytes:
# writes a 200,000-row predictions log, splits it into 4 shards, runs
# `make audit-shards LAUNCHER="srun --ntasks=1" -j4` (one `evaluate --stats-only` job per shard,
# then the merge as a job), checks every shard manifest records its own SLURM_JOB_ID and the merge
# manifest lists the 4 shards, and `cmp`s metrics.json and curves.json against one
# `evaluate --preds` over the whole log.
#
# Runs on a live cluster: .ci/slurm-sweep.sh .ci/shards.sh (as .ci/run does) calls it with
# SLURM_CONF set, before stopping the daemons it started. Without SLURM_CONF it needs
# LAUNCHER= (e.g. LAUNCHER= .ci/shards.sh runs the shards as local processes).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-.build/release}"
if [ -z "${LAUNCHER+set}" ]; then
  [ -n "${SLURM_CONF:-}" ] || { echo "shards: no SLURM_CONF (run it through .ci/slurm-sweep.sh .ci/shards.sh, or set LAUNCHER=)"; exit 1; }
  LAUNCHER="srun --ntasks=1"
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
WORK=outputs/shards-proof
rm -rf "$WORK"
mkdir -p "$WORK"

# 1. A predictions log (fixed LCG, so every run writes the same file), split into 4 shards of
#    consecutive rows, each with the header.
awk 'BEGIN {
  s = 12345; print "row_id,sex,race,label,score,decision"
  split("White Black Asian Other", races, " ")
  for (i = 0; i < 200000; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648
    s = (s * 1103515245 + 12345) % 2147483648; v = s / 2147483648
    sex = (v < 0.45) ? "F" : "M"; race = races[1 + int(v * 1000) % 4]
    score = int((u * 0.8 + v * 0.2) * 1000) / 1000
    printf "%d,%s,%s,%d,%.3f,%d\n", i, sex, race, (u + v > 0.9) ? 1 : 0, score, (score >= 0.5) ? 1 : 0
  }
}' > "$WORK/log.csv"
awk -v dir="$WORK" -v n=200000 'NR == 1 { h = $0; for (k = 1; k <= 4; k++) print h > (dir "/shard" k ".csv"); next }
  { k = 1 + int((NR - 2) * 4 / n); print > (dir "/shard" k ".csv") }' "$WORK/log.csv"
FLAGS="--sensitive sex,race"

# 2. The shards as separate jobs, then the merge; and one run over the whole log.
make --no-print-directory audit-shards -j4 BIN="$BIN" OUT="$WORK" QUIET=1 LAUNCHER="$LAUNCHER" AUDIT_FLAGS="$FLAGS" \
  SHARDS="$WORK/shard1.csv $WORK/shard2.csv $WORK/shard3.csv $WORK/shard4.csv"
"$BIN/evaluate" --quiet $FLAGS --preds "$WORK/log.csv" --out "$WORK/single"

# 3. Same bytes; every shard a job of its own; the merge lists every shard with its SHA-256.
for file in metrics.json curves.json; do
  cmp "$WORK/single/$file" "$WORK/audit-shards/merged/$file" || { echo "shards: merged $file differs from the single run"; exit 1; }
done
if [ -n "$LAUNCHER" ]; then
  ids=$(for k in 1 2 3 4; do
    python3 -c 'import json,sys; print((json.load(open(sys.argv[1])).get("scheduler") or {}).get("SLURM_JOB_ID",""))' \
      "$WORK/audit-shards/$k/manifest.json"; done | sort -u | grep -c . || true)
  [ "$ids" -eq 4 ] || { echo "shards: expected 4 distinct SLURM_JOB_IDs in the shard manifests, found $ids"; exit 1; }
fi
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
inputs = json.load(open(f"{work}/audit-shards/merged/manifest.json"))["inputs"]
shards = [i for i in inputs if i["path"].endswith("statistics.json")]
assert len(shards) == 4 and all(len(i["sha256"]) == 64 for i in shards), inputs
PY
echo "shards: OK: 4 shards as separate jobs (LAUNCHER=\"$LAUNCHER\"), merged metrics.json and curves.json identical to the single run over $(($(wc -l < "$WORK/log.csv") - 1)) rows"
