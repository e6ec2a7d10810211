#!/usr/bin/env bash
# make bench-monitor: the monitor on a 30-day prediction log at 1,000,000 rows a day
# (DAYS, ROWS_PER_DAY), then the incremental run after appending one day (the window cache
# in OUT/.cache reuses unchanged windows). Wall time and peak memory (max RSS) of each run.
# Peer, same rows, same run: pandas reading the log and computing per-window, per-group
# selection rate, TPR and FPR (point estimates only: no intervals, drift tests or alerts,
# so a lower bound on what a user would write by hand). A measurement, not a test.
# NO_CACHE_RUN=1 adds a third run of the appended log without the cache.
set -euo pipefail
BIN=${BIN:-.build/release}
DAYS=${DAYS:-30}
ROWS_PER_DAY=${ROWS_PER_DAY:-1000000}
CONFIG=(--config "${CONFIG_FILE:-configs/monitor-demo.yml}" --set "monitor.reference.from=2026-01-01"
        --set "monitor.reference.to=2026-01-14" --set "data.synthetic.drift.from_row=$(( ROWS_PER_DAY * 20 ))"
        --set monitor.alerts.control_limits.enabled=false)  # two reference weeks: too few for control limits
WORK=${WORK:-$(mktemp -d /tmp/fairpipe-bench-monitor.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
load() { echo "load: $(cut -d' ' -f1-3 /proc/loadavg) ($1)"; }
timed() { local label=$1; shift; /usr/bin/time -f "$label: wall_s=%e max_rss_mib=%M cpu_user_s=%U cpu_sys_s=%S" "$@" 2>&1 >/dev/null \
    | grep "^$label" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^max_rss_mib=/) { split($i, kv, "="); $i = "max_rss_mib=" int(kv[2] / 1024) } print }'; }

load start
"$BIN/monitor" demo-log "${CONFIG[@]}" --days $(( DAYS + 1 )) --rows-per-day "$ROWS_PER_DAY" --unlabelled-days 7 --file "$WORK/log-all.csv" --quiet
head -n $(( DAYS * ROWS_PER_DAY + 1 )) "$WORK/log-all.csv" >"$WORK/log.csv"
echo "log: $DAYS days × $ROWS_PER_DAY rows, $(( $(stat -c %s "$WORK/log.csv") / 1048576 )) MiB ($(head -1 "$WORK/log.csv"))"

timed "fairpipe_monitor.full_${DAYS}d" "$BIN/monitor" "${CONFIG[@]}" --log "$WORK/log.csv" --out "$WORK/monitor" --quiet
cp "$WORK/log-all.csv" "$WORK/log.csv"
timed "fairpipe_monitor.incremental_plus_1d" "$BIN/monitor" "${CONFIG[@]}" --log "$WORK/log.csv" --out "$WORK/monitor" --quiet
if [ "${NO_CACHE_RUN:-0}" = 1 ]; then
    timed "fairpipe_monitor.no_cache_$(( DAYS + 1 ))d" "$BIN/monitor" "${CONFIG[@]}" --log "$WORK/log.csv" --out "$WORK/monitor-nocache" --no-cache --quiet
fi
load "after FairPipe"

if python3 -c "import pandas" 2>/dev/null; then
    timed "pandas_windows.$(( DAYS + 1 ))d" python3 - "$WORK/log.csv" <<'PY'
import sys
import pandas as pd
log = pd.read_csv(sys.argv[1])
log["week"] = pd.to_datetime(log["ts"], utc=True).dt.strftime("%G-W%V")
labelled = log.dropna(subset=["label"])
rows = []
for attribute in ("group", "sex"):
    rate = log.groupby(["week", attribute])["decision"].mean()
    tpr = labelled[labelled["label"] == 1].groupby(["week", attribute])["decision"].mean()
    fpr = labelled[labelled["label"] == 0].groupby(["week", attribute])["decision"].mean()
    rows.append(pd.concat({"selection_rate": rate, "tpr": tpr, "fpr": fpr}, axis=1))
print(pd.concat(rows).shape, file=sys.stderr)
PY
else
    echo "pandas: peer not installed (pip install pandas)"
fi
load end
