#!/usr/bin/env bash
# make bench-gbdt: FairPipe's gradient boosting next to scikit-learn's
# HistGradientBoostingClassifier and LightGBM, same rows, same parameters, same thread count,
# back to back in one run. A measurement, not a test.
#   1. UCI Adult (configs/adult-gbdt.yml): the train stage's wall time with early stopping
#      off (process start and CSV reading included) against the peers' fit alone, and the
#      pipeline's own test accuracy (early stopping on the validation split, as configured).
#   2. Synthetic 1,000,000 × 50 (ROWS, COLS): fit time and peak memory during the fit.
#   3. exponentiated_gradient with the trees as oracle on Adult: the mitigate stage (its
#      trade-off curve included) against fairlearn's ExponentiatedGradient with LightGBM,
#      with test accuracy and demographic-parity difference for both; once over the
#      study's sex & race groups, once over sex alone.
# Needs data/raw/adult (or network for make-dataset), release binaries in $BIN and
# `pip install scikit-learn lightgbm fairlearn pandas` for the peers.
set -euo pipefail
BIN=${BIN:-.build/release}
THREADS=${THREADS:-$(nproc)}
ROWS=${ROWS:-1000000}
COLS=${COLS:-50}
WORK=${WORK:-$(mktemp -d /tmp/fairpipe-bench-gbdt.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=$THREADS FAIRPIPE_BENCH_THREADS=$THREADS
CONFIG=(--config "${CONFIG_FILE:-configs/adult-gbdt.yml}" --quiet)
PEERS=Tests/Fixtures/bench/gbdt_peers.py
now() { date +%s.%N; }
load() { echo "load: $(cut -d' ' -f1-3 /proc/loadavg) ($1)"; }
have_peers() { python3 -c "import sklearn, lightgbm, fairlearn, pandas" 2>/dev/null; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }

echo "== Adult: fit time and test accuracy (threads=$THREADS)"
load start
"$BIN/make-dataset" "${CONFIG[@]}" --out "$WORK/dataset"
# The stage with 1 tree measures everything but the boosting (process start, reading and
# encoding the splits, binning, writing model.json); the difference is the fit of 99 trees.
for _ in 1 2 3; do
    start=$(now)
    "$BIN/train" --config "${CONFIG_FILE:-configs/adult-gbdt.yml}" --set model.gradient_boosting.early_stopping=false \
        --data "$WORK/dataset" --out "$WORK/model-full" 2>"$WORK/train.log"
    middle=$(now)
    echo "fairpipe.adult: fit_seconds=$(sed -n 's/.*trees in \([0-9.]*\) s,.*/\1/p' "$WORK/train.log") (the train stage's own timing of the fit)"
    "$BIN/train" "${CONFIG[@]}" --set model.gradient_boosting.early_stopping=false --set model.gradient_boosting.max_iter=1 \
        --data "$WORK/dataset" --out "$WORK/model-one"
    printf 'fairpipe.adult: train_stage_seconds=%.2f (100 trees, early stopping off, whole process) with_1_tree=%.2f\n' \
        "$(echo "$middle - $start" | bc -l)" "$(echo "$(now) - $middle" | bc -l)"
done
"$BIN/train" "${CONFIG[@]}" --data "$WORK/dataset" --out "$WORK/model"
"$BIN/evaluate" "${CONFIG[@]}" --data "$WORK/dataset" --model "$WORK/model" --out "$WORK/evaluation" 2>/dev/null || true
"$BIN/evaluate" "${CONFIG[@]}" --data "$WORK/dataset" --model "$WORK/model-full" --out "$WORK/evaluation-full" 2>/dev/null || true
echo "fairpipe.adult: pipeline config (early stopping auto, $(json 'len(d["gradient_boosting"]["trees"])' "$WORK/model/model.json") trees): $(python3 "$PEERS" summary "$WORK/evaluation/metrics.json")"
echo "fairpipe.adult: early stopping off (100 trees): $(python3 "$PEERS" summary "$WORK/evaluation-full/metrics.json")"
if have_peers; then
    python3 "$PEERS" adult "$WORK/dataset" "$THREADS"
    python3 "$PEERS" adult "$WORK/dataset" "$THREADS"
else
    echo "peers not installed (pip install scikit-learn lightgbm fairlearn pandas)"
fi
# The same with configs/adult.yml's data settings: rows with `?` dropped (45,222), as AIF360 does.
"$BIN/make-dataset" "${CONFIG[@]}" --set data.missing=drop --out "$WORK/dataset-drop" 2>/dev/null
"$BIN/train" "${CONFIG[@]}" --set data.missing=drop --data "$WORK/dataset-drop" --out "$WORK/model-drop"
"$BIN/evaluate" "${CONFIG[@]}" --set data.missing=drop --data "$WORK/dataset-drop" --model "$WORK/model-drop" \
    --out "$WORK/evaluation-drop" 2>/dev/null || true
echo "fairpipe.adult[missing=drop]: $(python3 "$PEERS" summary "$WORK/evaluation-drop/metrics.json")"
if have_peers; then python3 "$PEERS" adult "$WORK/dataset-drop" "$THREADS"; fi
load "after Adult"

echo "== Synthetic ${ROWS} × ${COLS}: fit time and peak memory during the fit (threads=$THREADS)"
if have_peers; then
    python3 "$PEERS" synthetic "$WORK/synthetic" "$ROWS" "$COLS" 7
    FAIRPIPE_BENCH_GBDT_DATA="$WORK/synthetic" FAIRPIPE_BENCH_GBDT_COLS=$COLS "$BIN/fairpipe-bench" gbdt
    python3 "$PEERS" fit "$WORK/synthetic" "$COLS" sklearn "$THREADS"
    python3 "$PEERS" fit "$WORK/synthetic" "$COLS" lightgbm "$THREADS"
else
    "$BIN/fairpipe-bench" gbdt
fi
load "after synthetic"

# exponentiated_gradient: the study's groups (sex & race intersections), then sex alone (the
# constraint most Adult studies use), each next to fairlearn + LightGBM on the same split.
eg_study() {
    local name=$1 config=$2
    local cfg=(--config "$config" --quiet)
    echo "== exponentiated_gradient, gradient-boosting oracle, Adult, groups: $name (demographic parity, eps 0.01)"
    "$BIN/make-dataset" "${cfg[@]}" --out "$WORK/eg-$name/dataset" 2>/dev/null
    "$BIN/train" "${cfg[@]}" --data "$WORK/eg-$name/dataset" --out "$WORK/eg-$name/model"
    "$BIN/evaluate" "${cfg[@]}" --data "$WORK/eg-$name/dataset" --model "$WORK/eg-$name/model" --out "$WORK/eg-$name/evaluation" 2>/dev/null || true
    local start seconds
    start=$(now)
    "$BIN/mitigate" "${cfg[@]}" --data "$WORK/eg-$name/dataset" --model "$WORK/eg-$name/model" \
        --evaluation "$WORK/eg-$name/evaluation" --out "$WORK/eg-$name/mitigation"
    seconds=$(echo "$(now) - $start" | bc -l)
    "$BIN/evaluate" "${cfg[@]}" --preds "$WORK/eg-$name/mitigation/predictions.csv" --data "$WORK/eg-$name/dataset" \
        --out "$WORK/eg-$name/mitigated" 2>/dev/null || true
    printf 'fairpipe_mitigate_eg_gbdt.adult[%s]: stage_seconds=%.2f fits=%s oracle_calls=%s %s\n' "$name" "$seconds" \
        "$(json 'len(d["points"])' "$WORK/eg-$name/mitigation/tradeoff.json")" \
        "$(json '"+".join(str(v["oracle_calls"]) for v in d["exponentiated_gradient"].values() if isinstance(v, dict) and "oracle_calls" in v)' "$WORK/eg-$name/mitigation/exponentiated_gradient.json")" \
        "$(python3 "$PEERS" summary "$WORK/eg-$name/mitigated/metrics.json")"
    if have_peers; then python3 "$PEERS" eg "$WORK/eg-$name/dataset" "$THREADS"; fi
}
eg_study sex_race "${CONFIG_FILE:-configs/adult-gbdt.yml}"
sed -e 's/^  sensitive: \[sex, race\]/  sensitive: [sex]/' -e 's/reference: {sex: Male, race: White}/reference: {sex: Male}/' \
    "${CONFIG_FILE:-configs/adult-gbdt.yml}" >"$WORK/adult-gbdt-sex.yml"
eg_study sex "$WORK/adult-gbdt-sex.yml"
load end
