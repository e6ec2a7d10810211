#!/usr/bin/env bash
# make bench-ingest: CSV ingest of a numeric file of ROWS rows (default 10,000,000) × 12
# numeric columns (row_id, f1..f10 with 4 decimals, a 0/1 label; about 840 MB), written
# once by `fairpipe-bench csv-numeric-file` (seeded). Then, in the same run and on the same
# warm page cache: FairPipe's CSVReader.read (all threads, and FAIRPIPE_THREADS=1),
# pandas.read_csv and polars.read_csv ("peer not installed" when missing). Each reads the
# whole file REPEATS times (default 3); the best wall time gives MB/s, peak RSS is the
# process's maximum (/usr/bin/time). A measurement, not a test.
set -euo pipefail
BIN=${BIN:-.build/release}
ROWS=${ROWS:-10000000}
REPEATS=${REPEATS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/fairpipe-bench-ingest.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
FILE="$WORK/numeric.csv"
load() { echo "load: $(cut -d' ' -f1-3 /proc/loadavg) ($1)"; }
rss() { /usr/bin/time -f "%M" -o "$WORK/rss" "$@"; echo "  process peak_rss_mib=$(( $(tail -1 "$WORK/rss") / 1024 ))"; }

load start
FAIRPIPE_BENCH_CSV_WRITE="$FILE" FAIRPIPE_BENCH_CSV_ROWS="$ROWS" "$BIN/fairpipe-bench" csv-numeric-file
echo "file: $(( $(stat -c %s "$FILE") / 1000000 )) MB, $(head -1 "$FILE" | tr ',' '\n' | wc -l) columns, $ROWS rows"
cat "$FILE" >/dev/null  # warm the page cache for every reader alike

export FAIRPIPE_BENCH_CSV_FILE="$FILE" FAIRPIPE_BENCH_REPEATS="$REPEATS"
rss "$BIN/fairpipe-bench" csv-file
load "after FairPipe, all threads"
FAIRPIPE_THREADS=1 rss "$BIN/fairpipe-bench" csv-file
load "after FairPipe, one thread"
rss "$BIN/fairpipe-bench" csv-chunks  # CSVChunkReader: bounded memory whatever the file size
load "after FairPipe, chunk reader"
for peer in pandas polars; do
    if python3 -c "import $peer" 2>/dev/null; then
        rss python3 "$HERE/ingest_peers.py" "$peer" "$FILE" "$REPEATS"
        load "after $peer"
    else
        echo "$peer.read_csv: peer not installed (pip install $peer)"
    fi
done
load end
