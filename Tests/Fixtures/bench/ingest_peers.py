"""Peer for `make bench-ingest`: times pandas.read_csv or polars.read_csv on one CSV file.

Usage: ingest_peers.py pandas|polars FILE REPEATS. Reads the whole file REPEATS times with
the library's defaults (all columns, types inferred) and prints the best wall time and
MB/s in the same key=value form as `fairpipe-bench csv-file`.
"""
import os
import sys
import time

peer, path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
if peer == "pandas":
    import pandas as library

    read = library.read_csv
else:
    import polars as library

    read = library.read_csv
megabytes = os.path.getsize(path) / 1e6
best = float("inf")
for _ in range(repeats):
    start = time.perf_counter()
    frame = read(path)
    best = min(best, time.perf_counter() - start)
    shape = frame.shape
    del frame
print(
    f"{peer}.read_csv: version={library.__version__} rows={shape[0]} columns={shape[1]} "
    f"megabytes={megabytes:.1f} best_wall_seconds={best:.3f} mb_per_s={megabytes / best:.0f}"
)
