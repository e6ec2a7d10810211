#!/usr/bin/env bash
# make bench-stream: evaluate --preds streaming a ROWS-row predictions log (default 100,000,000,
# about 3.4 GB; deleted afterwards): wall, rows/s and peak RSS (/usr/bin/time). Then the same rows
# as 4 shard files audited as 4 `evaluate --stats-only` runs (make audit-shards -j2, no launcher)
# and merged: wall of the shards, of the merge, and a cmp of metrics.json against the single run.
# Peer, same rows, same run: pandas.read_csv with chunksize, per-group selection rate, TPR and FPR
# for each attribute (point estimates only: no intervals, AUC or calibration, so a lower bound on
# what a user would write by hand). A measurement, not a test; the peer is optional.
set -euo pipefail
BIN=${BIN:-.build/release}
ROWS=${ROWS:-100000000}
WORK=${WORK:-$(mktemp -d /tmp/fairpipe-bench-stream.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
load() { echo "load: $(cut -d' ' -f1-3 /proc/loadavg) ($1)"; }
timed() { local label=$1; shift; /usr/bin/time -f "$label: wall_s=%e max_rss_kib=%M cpu_user_s=%U cpu_sys_s=%S" "$@" 2>&1 >/dev/null \
    | grep "^$label" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^max_rss_kib=/) { split($i, kv, "="); $i = "max_rss_mib=" int(kv[2] / 1024) } print }'; }
export SOURCE_DATE_EPOCH=1700000000

load start
# 4 shards of consecutive rows (a fixed LCG per shard, written in parallel), then the whole log
# as their concatenation. Scores have 3 decimals (the usual case for a stored score).
gen() {
  mawk -v seed="$1" -v first="$2" -v count="$3" 'BEGIN {
    s = seed; print "row_id,sex,race,label,score,decision"
    split("White Black Asian Other", races, " ")
    for (i = first; i < first + count; i++) {
      s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648
      s = (s * 1103515245 + 12345) % 2147483648; v = s / 2147483648
      score = int((u * 0.8 + v * 0.2) * 1000) / 1000
      printf "%d,%s,%s,%d,%.3f,%d\n", i, (v < 0.45) ? "F" : "M", races[1 + int(v * 1000) % 4], (u + v > 0.9) ? 1 : 0, score, (score >= 0.5) ? 1 : 0
    }
  }' > "$4"
}
per=$(( ROWS / 4 ))
for k in 1 2 3 4; do gen $(( 7919 * k )) $(( (k - 1) * per )) $(( k == 4 ? ROWS - 3 * per : per )) "$WORK/shard$k.csv" & done
wait
{ cat "$WORK/shard1.csv"; for k in 2 3 4; do tail -n +2 "$WORK/shard$k.csv"; done; } > "$WORK/log.csv"
bytes=$(stat -c %s "$WORK/log.csv")
echo "log: $ROWS rows, $(( bytes / 1048576 )) MiB ($(head -1 "$WORK/log.csv"))"

FLAGS=(--sensitive sex,race --quiet)
load "before FairPipe"
line=$(timed fairpipe_evaluate_stream "$BIN/evaluate" "${FLAGS[@]}" --preds "$WORK/log.csv" --out "$WORK/single")
wall=$(echo "$line" | sed -E 's/.*wall_s=([0-9.]+).*/\1/')
echo "$line rows_per_s=$(awk -v n="$ROWS" -v w="$wall" 'BEGIN { printf "%.0f", n / w }') mb_per_s=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.0f", b / 1e6 / w }')"
load "after the single run"
SHARDS="$WORK/shard1.csv $WORK/shard2.csv $WORK/shard3.csv $WORK/shard4.csv"
timed fairpipe_4_shards_stats_only_j2 make --no-print-directory -s -j2 BIN="$BIN" OUT="$WORK/sharded" \
  SHARDS="$SHARDS" AUDIT_FLAGS="--sensitive sex,race" QUIET=1 "$WORK/sharded/audit-shards/"{1,2,3,4}/statistics.json
timed fairpipe_4_shards_merge "$BIN/evaluate" "${FLAGS[@]}" --merge "$WORK/sharded/audit-shards/"{1,2,3,4}/statistics.json \
  --out "$WORK/merged"
if cmp -s "$WORK/single/metrics.json" "$WORK/merged/metrics.json"; then
  echo "4-shard merge: metrics.json identical to the single run"
else
  echo "4-shard merge: metrics.json DIFFERS from the single run"
fi
load "after FairPipe"

if python3 -c "import pandas" 2>/dev/null; then
    timed "pandas_read_csv_chunked" python3 - "$WORK/log.csv" <<'PY'
import sys
import pandas as pd
totals = None
for chunk in pd.read_csv(sys.argv[1], chunksize=1_000_000, usecols=["sex", "race", "label", "decision"]):
    parts = []
    for attribute in ("sex", "race"):
        g = chunk.groupby([attribute, "label"])["decision"].agg(["sum", "count"])
        g.index = g.index.set_names(["group", "label"])
        parts.append(pd.concat({attribute: g}, names=["attribute"]))
    part = pd.concat(parts)
    totals = part if totals is None else totals.add(part, fill_value=0)
rows = {}
for (attribute, group), g in totals.groupby(level=["attribute", "group"]):
    g = g.droplevel(["attribute", "group"])
    rows[(attribute, group)] = {
        "selection_rate": g["sum"].sum() / g["count"].sum(),
        "tpr": g.loc[1, "sum"] / g.loc[1, "count"] if 1 in g.index else float("nan"),
        "fpr": g.loc[0, "sum"] / g.loc[0, "count"] if 0 in g.index else float("nan"),
    }
print(pd.DataFrame(rows).T, file=sys.stderr)
PY
else
    echo "pandas: peer not installed (pip install pandas)"
fi
load end
