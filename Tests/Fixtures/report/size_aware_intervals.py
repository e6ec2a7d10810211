"""Expected values of the report's size-aware concern intervals (Report/ConcernEvidence.swift),
from scipy's beta quantiles. Run: python3 Tests/Fixtures/report/size_aware_intervals.py
It rewrites size_aware_intervals.json beside it (scipy >= 1.10).

Jeffreys interval of x/n at level c: the (1-c)/2 and (1+c)/2 quantiles of Beta(x+1/2, n-x+1/2),
lower 0 when x = 0 and upper 1 when x = n (Brown, Cai & DasGupta 2001). Bonferroni: k intervals
that hold together at c each use level 1 - (1-c)/k.
"""
import json
import os

from scipy import stats


def jeffreys(x, n, level):
    lo = 0.0 if x == 0 else float(stats.beta.ppf((1 - level) / 2, x + 0.5, n - x + 0.5))
    hi = 1.0 if x == n else float(stats.beta.ppf((1 + level) / 2, x + 0.5, n - x + 0.5))
    return lo, hi


def ratio(xg, ng, xr, nr, comparisons, confidence):
    level = 1 - (1 - confidence) / (comparisons + 1)
    gl, gu = jeffreys(xg, ng, level)
    rl, ru = jeffreys(xr, nr, level)
    return gl / ru, gu / rl


def gap(families, confidence):
    defined = [[(x, n) for x, n in family if n > 0] for family in families]
    k = sum(len(f) for f in defined)
    level = 1 - (1 - confidence) / k
    bound = 0.0
    for family in defined:
        if len(family) < 2:
            continue
        intervals = [jeffreys(x, n, level) for x, n in family]
        bound = max(bound, max(lo for lo, _ in intervals) - min(hi for _, hi in intervals))
    return bound


ratios = []
# (group selected, group n, reference selected, reference n, comparisons, confidence); the first
# is Adult's Female&Amer-Indian-Eskimo against Male&White after group thresholds.
for xg, ng, xr, nr, m, c in [
    (0, 33, 901, 5403, 9, 0.95),
    (2, 45, 901, 5403, 9, 0.95),
    (416, 2937, 1022, 6103, 1, 0.95),
    (12, 12, 50, 100, 2, 0.95),
    (5, 20, 40, 100, 1, 0.9),
]:
    lo, hi = ratio(xg, ng, xr, nr, m, c)
    ratios.append({"group": [xg, ng], "reference": [xr, nr], "comparisons": m, "confidence": c,
                   "lower": lo, "upper": hi})

gaps = []
for families, c in [
    # Adult sex&race false-negative rates (fn of positives) after group thresholds: the
    # 1.000 gap comes from 3 positives.
    ([[(3, 3), (6, 13), (6, 25), (0, 2), (91, 291), (4, 8), (35, 61), (34, 81), (5, 7), (1003, 1750)]], 0.95),
    # Adult sex&race precision (tp of selected); Female&Amer-Indian-Eskimo selected nobody.
    ([[(0, 0), (7, 17), (19, 58), (2, 5), (200, 336), (4, 10), (26, 29), (47, 80), (2, 2), (747, 901)]], 0.95),
    # Equalized odds: true- and false-positive rates of two groups, together.
    ([[(228, 334), (826, 1907)], [(188, 2603), (196, 4196)]], 0.95),
    ([[(1, 3), (2, 3)]], 0.95),
]:
    gaps.append({"families": families, "confidence": c, "bound": gap(families, c)})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "size_aware_intervals.json")
with open(out, "w") as f:
    json.dump({"ratios": ratios, "gaps": gaps}, f, indent=1, sort_keys=True)
    f.write("\n")
