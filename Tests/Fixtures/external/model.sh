#!/bin/sh
# A tiny model speaking FairPipe's external-model contract, in POSIX sh and awk, so the
# contract is tested without Python: a weighted linear discriminant (per-feature weighted
# class means, log prior odds). Its score moves with the sample weights a mitigation
# supplies. The extra modes misbehave on purpose, for the error tests.
#
#   model.sh fit {train} {weights} {model_dir}
#   model.sh predict {model_dir} {input} {output}
#   model.sh predict-counted {model_dir} {input} {output} CALLS_FILE
#   model.sh fit-validation {train} {validation} {weights} {model_dir}
set -eu
mode=$1
shift
case "$mode" in
fit)
  train=$1 weights=$2 dir=$3
  # weight,feature_1,...,feature_k,label — the files line up row by row.
  paste -d, "$weights" "$train" | awk -F, '
    BEGIN { CONVFMT = "%.17g" }
    NR == 1 { next }
    { w = $1; y = $NF; W[y] += w; for (j = 2; j < NF; j++) S[y, j] += w * $j; k = NF - 2 }
    END {
      if (W[0] <= 0 || W[1] <= 0) { print "need both classes with positive weight" > "/dev/stderr"; exit 2 }
      b = log(W[1] / W[0]); line = ""
      for (j = 2; j < k + 2; j++) {
        m1 = S[1, j] / W[1]; m0 = S[0, j] / W[0]; c = m1 - m0
        b -= c * (m1 + m0) / 2; line = line " " c
      }
      printf "%.17g%s\n", b, line
    }' > "$dir/model.txt"
  ;;
predict)
  dir=$1 input=$2 output=$3
  awk -F, -v model="$(cat "$dir/model.txt")" '
    BEGIN { split(model, m, " ") }
    NR == 1 { print "score"; next }
    { z = m[1]; for (j = 1; j <= NF; j++) z += m[j + 1] * $j; printf "%.17g\n", 1 / (1 + exp(-z)) }' "$input" > "$output"
  ;;
fit-validation)
  # fit, noting in {model_dir}/validation.txt whether {validation} held the {train} rows.
  train=$1 validation=$2 weights=$3 dir=$4
  sh "$0" fit "$train" "$weights" "$dir"
  if cmp -s "$train" "$validation"; then echo "train rows $(($(wc -l < "$validation") - 1))"; else echo "own rows $(($(wc -l < "$validation") - 1))"; fi > "$dir/validation.txt"
  ;;
predict-counted)
  # predict, and one line per call (the input's row count) appended to the file after {output}.
  echo "$(($(wc -l < "$2") - 1))" >> "$4"
  sh "$0" predict "$1" "$2" "$3"
  ;;
fit-fail | predict-fail)
  echo "model.sh: deliberate failure" >&2
  echo "second line" >&2
  exit 3
  ;;
fit-sleep | predict-sleep)
  sleep 30
  ;;
fit-empty)
  ;;
predict-short)
  sh "$0" predict "$@"
  sed '$d' "$3" > "$3.tmp" && mv "$3.tmp" "$3"
  ;;
predict-out-of-range)
  sh "$0" predict "$@"
  sed '2s/.*/1.5/' "$3" > "$3.tmp" && mv "$3.tmp" "$3"
  ;;
predict-none)
  ;;
*)
  echo "model.sh: unknown mode $mode" >&2
  exit 64
  ;;
esac
