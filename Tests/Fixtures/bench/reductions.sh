#!/usr/bin/env bash
# make bench-reductions: the mitigate stage with exponentiated_gradient on UCI Adult
# (configured fit plus its trade-off curve), then fairlearn's ExponentiatedGradient.fit on the
# same training split, same constraint and eps, back to back in one run. A measurement, not
# a test. Needs data/raw/adult (or network for make-dataset) and release binaries in $BIN.
# The peer is optional: without fairlearn it prints "peer not installed".
set -euo pipefail
BIN=${BIN:-.build/release}
WORK=${WORK:-$(mktemp -d /tmp/fairpipe-bench-reductions.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
CONFIG=(--config "${CONFIG_FILE:-configs/adult.yml}" --set mitigation.method=exponentiated_gradient
        --set mitigation.target=demographic_parity --set mitigation.exponentiated_gradient.eps=0.01 --quiet)
now() { date +%s.%N; }

"$BIN/make-dataset" "${CONFIG[@]}" --out "$WORK/dataset"
"$BIN/train" "${CONFIG[@]}" --data "$WORK/dataset" --out "$WORK/model"
"$BIN/evaluate" "${CONFIG[@]}" --data "$WORK/dataset" --model "$WORK/model" --out "$WORK/evaluation" 2>/dev/null || true

echo "load: $(uptime)"
start=$(now)
"$BIN/mitigate" "${CONFIG[@]}" --data "$WORK/dataset" --model "$WORK/model" --evaluation "$WORK/evaluation" \
    --out "$WORK/mitigation"
fairpipe=$(echo "$(now) - $start" | bc -l)
strengths=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['points']))" "$WORK/mitigation/tradeoff.json" 2>/dev/null || echo "?")
summary=$(python3 - "$WORK/mitigation/exponentiated_gradient.json" <<'PY' 2>/dev/null || true
import json, sys
m = json.load(open(sys.argv[1]))["exponentiated_gradient"]["_0"]
print(f"error={m['training_error']:.6f} violation={m['training_violation']:.6f} oracle_calls={m['oracle_calls']}")
PY
)
printf 'fairpipe_mitigate_eg: wall_s=%.2f fits=%s (configured eps 0.01 + trade-off curve) %s\n' "$fairpipe" "$strengths" "$summary"

if python3 -c "import fairlearn, sklearn" 2>/dev/null; then
    peer=$(python3 Tests/Fixtures/bench/fairlearn_adult_eg.py "$WORK/dataset" ${SOLVERS:-lbfgs newton-cholesky})
    echo "$peer"
    echo "$peer" | while read -r line; do
        seconds=$(echo "$line" | sed -n 's/.*fit_s=\([0-9.]*\).*/\1/p')
        solver=$(echo "$line" | sed -n 's/.*solver=\([a-z-]*\).*/\1/p')
        printf 'speedup vs fairlearn (%s, one fit at eps 0.01): %.1fx\n' "$solver" "$(echo "$seconds / $fairpipe" | bc -l)"
    done
else
    echo "fairlearn_eg: peer not installed (pip install fairlearn scikit-learn pandas)"
fi
echo "load: $(uptime)"
