#!/usr/bin/env bash
# Issue #11 figures, measured side by side in one run (release binaries, Adult in data/raw):
#  1. the overhead of one external oracle call: FairPipe's train stage with the external
#     scikit-learn model (CSV out, process start, pandas read, fit, pickle, digests) against
#     the same LogisticRegression fit inside Python on arrays already in memory;
#  2. exponentiated_gradient (demographic parity, eps 0.01, max_iter $EG_ITER) with the
#     external scikit-learn model end to end (mitigate stage), against fairlearn's
#     ExponentiatedGradient with the same estimator on the same encoded split.
# Prints `uptime` before and after: the machine is shared.
#   bash Tests/Fixtures/external/bench_external.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
EG_ITER=${EG_ITER:-5}
BIN=.build/release
out=outputs/bench-external
rm -rf "$out"
mkdir -p "$out"
cat > "$out/adult-external.yml" <<YML
experiment: {name: adult-external, seed: 42}
data:
  source: adult
  label: {column: income, positive: ">50K"}
  sensitive: [sex, race]
  features: [age, workclass, education, education_num, marital_status, occupation, relationship,
             capital_gain, capital_loss, hours_per_week, native_country]
  missing: drop
model:
  type: external
  external:
    fit: [python3, examples/sklearn_model.py, fit, "{train}", "{validation}", "{weights}", "{model_dir}"]
    predict: [python3, examples/sklearn_model.py, predict, "{model_dir}", "{input}", "{output}"]
fairness: {bootstrap: {samples: 0}}
mitigation:
  method: exponentiated_gradient
  target: demographic_parity
YML
common=(--config "$out/adult-external.yml" --quiet)
echo "load before: $(uptime)"
$BIN/make-dataset "${common[@]}" --out "$out/dataset"
t0=$(date +%s.%N)
$BIN/train "${common[@]}" --data "$out/dataset" --out "$out/model"
t1=$(date +%s.%N)
echo "fairpipe train (one external fit, Adult train split): $(echo "$t1 - $t0" | bc) s"
$BIN/evaluate "${common[@]}" --data "$out/dataset" --model "$out/model" --out "$out/evaluation"
python3 Tests/Fixtures/external/bench_peer.py "$out/dataset" "$EG_ITER"
t0=$(date +%s.%N)
$BIN/mitigate "${common[@]}" --data "$out/dataset" --model "$out/model" --evaluation "$out/evaluation" \
  --out "$out/mitigation" --set mitigation.strengths='[0.01]' --set "${EG_MAX_ITER_KEY:-mitigation.exponentiated_gradient.max_iter}=$EG_ITER"
t1=$(date +%s.%N)
fits=$(ls -d "$out"/mitigation/refits/fit-* | wc -l)
echo "fairpipe mitigate exponentiated_gradient, external sklearn oracle: $(echo "$t1 - $t0" | bc) s wall, $fits oracle fits (incl. scoring validation and test, trade-off point reused)"
echo "load after: $(uptime)"
