"""Golden values for FairPipe's drift statistics (Stats/DriftTests.swift), from scipy/numpy.

Run:  python3 Tests/Fixtures/monitor/drift_golden.py > Tests/Fixtures/monitor/drift_golden.json
Inputs are written into the JSON with the expected values, so the Swift test needs no Python.
"""
import json

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(14)
cases = []


def ks_case(name, a, b):
    a = np.round(np.asarray(a, dtype=float), 6)
    b = np.round(np.asarray(b, dtype=float), 6)
    res = stats.ks_2samp(a, b, method="asymp")
    d = float(res.statistic)
    n1, n2 = len(a), len(b)
    en = n1 * n2 / (n1 + n2)
    # FairPipe's p-value: Kolmogorov's limiting law at sqrt(en) * D.
    p = float(stats.kstwobign.sf(np.sqrt(en) * d))
    # Decile edges of the reference (numpy's linear quantiles), duplicates removed;
    # bin k = number of edges strictly below the value.
    edges = np.unique(np.quantile(b, np.arange(1, 10) / 10))
    ea = np.bincount(np.searchsorted(edges, a, side="left"), minlength=len(edges) + 1)
    eb = np.bincount(np.searchsorted(edges, b, side="left"), minlength=len(edges) + 1)
    pa = np.maximum(ea / ea.sum(), 1e-4)
    pb = np.maximum(eb / eb.sum(), 1e-4)
    psi = float(np.sum((pa - pb) * np.log(pa / pb)))
    js = float(jensenshannon(ea / ea.sum(), eb / eb.sum(), base=2))
    cases.append({"name": name, "kind": "numeric", "a": a.tolist(), "b": b.tolist(), "ks_statistic": d,
                  "ks_p_kstwobign": p, "ks_p_scipy_asymp_kstwo": float(res.pvalue), "psi": psi, "js_distance": js,
                  "actual_bins": ea.tolist(), "expected_bins": eb.tolist()})


ks_case("normal_shift", rng.normal(0.3, 1, 400), rng.normal(0, 1, 700))
ks_case("same_law", rng.normal(0, 1, 300), rng.normal(0, 1, 500))
ks_case("ties", rng.integers(0, 5, 250), rng.integers(0, 6, 350))
ks_case("scores_beta", rng.beta(2, 3, 1000), rng.beta(2.5, 3, 1500))


def chi_case(name, table):
    table = np.asarray(table)
    keep = table.sum(axis=0) > 0
    chi2, p, dof, _ = stats.chi2_contingency(table[:, keep], correction=False)
    a, b = table[0], table[1]
    pa = np.maximum(a / a.sum(), 1e-4)
    pb = np.maximum(b / b.sum(), 1e-4)
    psi = float(np.sum((pa - pb) * np.log(pa / pb)))
    js = float(jensenshannon(a / a.sum(), b / b.sum(), base=2))
    cases.append({"name": name, "kind": "categorical", "table": table.tolist(), "chi2": float(chi2), "p": float(p),
                  "dof": int(dof), "psi": psi, "js_distance": js})


chi_case("group_mix", [[400, 600], [700, 300]])
chi_case("four_levels", [[120, 80, 60, 40], [100, 100, 50, 50]])
chi_case("empty_level", [[30, 0, 70, 12], [25, 0, 80, 9]])
chi_case("three_samples", [[10, 20, 30], [15, 15, 30], [20, 10, 25]])

print(json.dumps({"generator": "scipy " + __import__("scipy").__version__ + ", numpy " + np.__version__, "cases": cases}, indent=1))
