#!/usr/bin/env python3
"""Generates the conformance fixtures of FairPipe's fairness metrics.

Writes CSVs of predictions (label, decision, score, sensitive attributes, sometimes features)
and, for each, the values fairlearn 0.15, AIF360 0.6.1, scikit-learn and scipy compute on it,
in expected.json. The Swift tests (Tests/FairPipeTests/MetricsConformanceTests.swift) compare
FairPipe with these values to 1e-9 and never run Python.

FairPipe's documented differences are applied here, not hidden: a metric that is 0/0 for a group
is null (fairlearn/sklearn return 0.0 or a class-subset value), and a disparity is computed over
the groups where its metric is defined. For those cases the script computes fairlearn's disparity
on the rows of the defined groups only, and also records fairlearn's raw value under
"fairlearn_raw" so the difference is visible.

Run: python3 generate_expected.py   (from this folder; deterministic, numpy seed 20261125)
"""
import itertools
import json
import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import metrics as skm
import fairlearn.metrics as flm

warnings.filterwarnings("ignore")
import logging
logging.disable(logging.WARNING)
from aif360.datasets import BinaryLabelDataset  # noqa: E402
from aif360.metrics import ClassificationMetric, BinaryLabelDatasetMetric  # noqa: E402

RNG = np.random.default_rng(20261125)
CAL_BINS = 10
EPS = np.finfo(np.float64).eps


def make(n, attrs, base, sel_shift, features=False):
    """Rows with group-dependent base rates and score shifts."""
    cols = {}
    logit = RNG.normal(0, 1, n)
    for name, (groups, probs) in attrs.items():
        g = RNG.choice(len(groups), size=n, p=probs)
        cols[name] = np.array(groups, dtype=object)[g]
        logit = logit + np.array([sel_shift.get(name, {}).get(x, 0.0) for x in cols[name]])
    p_true = 1 / (1 + np.exp(-(logit + base)))
    y = (RNG.random(n) < p_true).astype(int)
    score = 1 / (1 + np.exp(-(0.8 * logit + 1.2 * (y - 0.5) + RNG.normal(0, 0.7, n))))
    score = np.round(score, 3)  # ties on purpose: exact AUC must handle them
    decision = (score >= 0.5).astype(int)
    df = pd.DataFrame({"label": y, "decision": decision, "score": score, **cols})
    if features:
        for k in range(3):
            df[f"f{k}"] = np.round(RNG.normal(0, 1, n) + 0.5 * y, 6)
    return df


def datasets():
    out = {}
    out["two_groups"] = make(400, {"sex": (["Female", "Male"], [0.4, 0.6])}, 0.0, {"sex": {"Female": -0.6}}, features=True)
    out["five_groups"] = make(1000, {"race": (["A", "B", "C", "D", "E"], [0.3, 0.25, 0.2, 0.15, 0.1])}, -0.2,
                              {"race": {"A": 0.5, "C": -0.4, "E": -0.8}})
    out["unbalanced"] = make(1000, {"group": (["big", "mid", "tiny"], [0.955, 0.04, 0.005])}, 0.0, {"group": {"tiny": -1.0}})
    df = make(300, {"group": (["g1", "g2", "g3"], [0.5, 0.4, 0.1])}, 0.3, {})
    # group g3: no positives at all (and one decision 1 so its FPR is defined).
    mask = df["group"] == "g3"
    df.loc[mask, "label"] = 0
    df.loc[mask, "decision"] = 0
    df.loc[df.index[mask][0], "decision"] = 1
    df.loc[df.index[mask][0], "score"] = 0.9
    out["no_positives"] = df
    df = make(600, {"sex": (["F", "M"], [0.45, 0.55]), "race": (["X", "Y", "Z"], [0.5, 0.35, 0.15])}, 0.0,
              {"sex": {"F": -0.3}, "race": {"Z": -0.5}}, features=True)
    # make the combination F&Z empty
    df.loc[(df["sex"] == "F") & (df["race"] == "Z"), "sex"] = "M"
    out["two_attributes"] = df
    return out


def counts(y, d):
    return dict(tp=int(((y == 1) & (d == 1)).sum()), fp=int(((y == 0) & (d == 1)).sum()),
                tn=int(((y == 0) & (d == 0)).sum()), fn=int(((y == 1) & (d == 0)).sum()))


def ece(y, s):
    b = np.minimum((s * CAL_BINS).astype(int), CAL_BINS - 1)
    total = 0.0
    for k in range(CAL_BINS):
        m = b == k
        if m.any():
            total += m.sum() / len(y) * abs(y[m].mean() - s[m].mean())
    return total


def nan_none(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def group_metrics(y, d, s):
    """sklearn values, null where FairPipe calls the metric undefined."""
    c = counts(y, d)
    n, P, N = len(y), c["tp"] + c["fn"], c["fp"] + c["tn"]
    sel, predneg = c["tp"] + c["fp"], c["tn"] + c["fn"]
    def rate(num, den):
        return None if den == 0 else num / den
    out = {
        "selection_rate": nan_none(flm.selection_rate(y, d)) if n else None,
        "base_rate": rate(P, n),
        "accuracy": skm.accuracy_score(y, d) if n else None,
        "error_rate": (1 - skm.accuracy_score(y, d)) if n else None,
        "true_positive_rate": skm.recall_score(y, d, zero_division=0) if P else None,
        "false_positive_rate": flm.false_positive_rate(y, d) if N else None,
        "true_negative_rate": flm.true_negative_rate(y, d) if N else None,
        "false_negative_rate": flm.false_negative_rate(y, d) if P else None,
        "positive_predictive_value": skm.precision_score(y, d, zero_division=0) if sel else None,
        "negative_predictive_value": rate(c["tn"], predneg),
        "false_discovery_rate": rate(c["fp"], sel),
        "false_omission_rate": rate(c["fn"], predneg),
        "f1": skm.f1_score(y, d, zero_division=0) if (2 * c["tp"] + c["fp"] + c["fn"]) else None,
        "balanced_accuracy": skm.balanced_accuracy_score(y, d) if (P and N) else None,
        "auc": skm.roc_auc_score(y, s) if (P and N) else None,
        "brier": skm.brier_score_loss(y, s, pos_label=1) if n else None,
        "log_loss": skm.log_loss(y, s, labels=[0, 1]) if n else None,
        "ece": ece(y, s) if n else None,
    }
    # error_rate from counts, the way FairPipe states it
    if n:
        out["error_rate"] = (c["fp"] + c["fn"]) / n
    return {k: (None if v is None else float(v)) for k, v in out.items()}, c


DISPARITY_METRICS = {
    "demographic_parity": [flm.selection_rate],
    "equalized_odds": [flm.true_positive_rate, flm.false_positive_rate],
    "equal_opportunity": [flm.true_positive_rate],
    "false_positive_rate": [flm.false_positive_rate],
    "false_negative_rate": [flm.false_negative_rate],
    "predictive_parity": [lambda y, p: skm.precision_score(y, p, zero_division=0)],
    "accuracy": [skm.accuracy_score],
    "error_rate": [lambda y, p: float(np.mean(y != p))],
}
DEFINED = {  # the row mask of a group where a metric is defined (FairPipe's rule)
    flm.true_positive_rate: lambda y, d: (y == 1).any(),
    flm.false_positive_rate: lambda y, d: (y == 0).any(),
    flm.false_negative_rate: lambda y, d: (y == 1).any(),
}


def disparities(y, d, s, g):
    """fairlearn's between_groups and to_overall values over the groups where defined."""
    out, raw = {}, {}
    groups = sorted(set(g))
    for name, fns in DISPARITY_METRICS.items():
        diffs, ratios, diffo, ratioo = [], [], [], []
        for fn in fns:
            keep = [k for k in groups if DEFINED.get(fn, lambda yy, dd: len(yy) > 0)(y[g == k], d[g == k])]
            if name == "predictive_parity":
                keep = [k for k in groups if d[g == k].any()]
            mask = np.isin(g, keep)
            overall = fn(y, d)  # overall over all rows, as fairlearn's MetricFrame.overall
            mf = flm.MetricFrame(metrics=fn, y_true=y[mask], y_pred=d[mask], sensitive_features=g[mask])
            if len(keep) >= 2:
                diffs.append(mf.difference(method="between_groups"))
                gmax = mf.group_max()
                ratios.append(mf.ratio(method="between_groups") if gmax != 0 else float("nan"))
            else:
                diffs.append(float("nan")); ratios.append(float("nan"))
            bg = mf.by_group
            diffo.append(float(np.max(np.abs(bg - overall))))
            r = bg / overall if overall != 0 else bg * float("nan")
            ratioo.append(float(np.min(np.minimum(r, 1 / r))))
            full = flm.MetricFrame(metrics=fn, y_true=y, y_pred=d, sensitive_features=g)
            raw[f"{name}_difference"] = max(raw.get(f"{name}_difference", -1.0), float(full.difference()))
        out[f"{name}_difference"] = max(diffs)
        out[f"{name}_ratio"] = min(ratios)
        out[f"{name}_difference_to_overall"] = max(diffo)
        out[f"{name}_ratio_to_overall"] = min(ratioo)
    # the fairlearn functions themselves, where no group is excluded
    kinds = {"demographic_parity": (flm.demographic_parity_difference, flm.demographic_parity_ratio),
             "equalized_odds": (flm.equalized_odds_difference, flm.equalized_odds_ratio),
             "equal_opportunity": (flm.equal_opportunity_difference, flm.equal_opportunity_ratio)}
    direct = {}
    for name, (fd, fr) in kinds.items():
        direct[f"{name}_difference"] = float(fd(y, d, sensitive_features=g))
        direct[f"{name}_ratio"] = float(fr(y, d, sensitive_features=g))
        direct[f"{name}_difference_to_overall"] = float(fd(y, d, sensitive_features=g, method="to_overall"))
        direct[f"{name}_ratio_to_overall"] = float(fr(y, d, sensitive_features=g, method="to_overall"))
    # score disparities: between groups where AUC / ECE defined
    aucs = [skm.roc_auc_score(y[g == k], s[g == k]) for k in groups if len(set(y[g == k])) == 2]
    eces = [ece(y[g == k], s[g == k]) for k in groups]
    out["auc_difference"] = max(aucs) - min(aucs) if len(aucs) >= 2 else float("nan")
    out["ece_difference"] = max(eces) - min(eces)
    oa = skm.roc_auc_score(y, s)
    out["auc_difference_to_overall"] = max(abs(a - oa) for a in aucs) if aucs else float("nan")
    oe = ece(y, s)
    out["ece_difference_to_overall"] = max(abs(e - oe) for e in eces)
    clean = lambda dct: {k: nan_none(v) for k, v in dct.items()}
    return clean(out), clean(raw), clean(direct)


def aif360_vs_reference(df, attr, ref, groups):
    codes = {k: i for i, k in enumerate(groups)}
    frame = pd.DataFrame({"a": df[attr].map(codes).astype(float), "label": df["label"].astype(float)})
    truth = BinaryLabelDataset(df=frame, label_names=["label"], protected_attribute_names=["a"], favorable_label=1.0, unfavorable_label=0.0)
    pred = truth.copy(deepcopy=True)
    pred.labels = df["decision"].astype(float).to_numpy().reshape(-1, 1)
    out = {}
    for k in groups:
        if k == ref or not (df[attr] == k).any():
            continue
        m = ClassificationMetric(truth, pred, unprivileged_groups=[{"a": codes[k]}], privileged_groups=[{"a": codes[ref]}])
        vals = {"statistical_parity_difference": m.statistical_parity_difference(),
                "disparate_impact": m.disparate_impact(),
                "equal_opportunity_difference": m.equal_opportunity_difference(),
                "average_odds_difference": m.average_odds_difference(),
                "equalized_odds_difference": m.equalized_odds_difference()}
        tpr_diff, fpr_diff = m.difference(m.true_positive_rate), m.difference(m.false_positive_rate)
        if math.isnan(tpr_diff) or math.isnan(fpr_diff):
            # AIF360's Python max(|ΔFPR|, nan) returns the first argument (a NaN-comparison
            # quirk); FairPipe calls the metric undefined when either rate is.
            vals["aif360_raw_equalized_odds_difference"] = vals["equalized_odds_difference"]
            vals["equalized_odds_difference"] = float("nan")
        out[k] = {key: nan_none(v) for key, v in vals.items()}
    other = next(k for k in groups if k != ref)
    whole = ClassificationMetric(truth, pred, unprivileged_groups=[{"a": codes[other]}], privileged_groups=[{"a": codes[ref]}])
    return out, {"theil_index": float(whole.theil_index()), "generalized_entropy_index": float(whole.generalized_entropy_index(alpha=2))}


def freeman_halton(table):
    table = np.asarray(table)
    rows = table.sum(axis=1); succ = int(table[:, 0].sum()); total = int(rows.sum())
    def logp(x):
        return sum(math.lgamma(r + 1) - math.lgamma(v + 1) - math.lgamma(r - v + 1) for r, v in zip(rows, x)) \
            - (math.lgamma(total + 1) - math.lgamma(succ + 1) - math.lgamma(total - succ + 1))
    obs = logp(table[:, 0])
    p = 0.0
    for x in itertools.product(*[range(int(r) + 1) for r in rows]):
        if sum(x) == succ:
            lp = logp(x)
            if lp <= obs + math.log1p(1e-7):
                p += math.exp(lp)
    return min(1.0, p)


def proportions_test(table):
    table = np.asarray([r for r in table if sum(r) > 0])
    if len(table) < 2 or (table.sum(axis=0) == 0).any():
        return None
    chi = stats.chi2_contingency(table, correction=False)
    if (chi.expected_freq < 5).any():
        if len(table) == 2:
            return {"test": "fisher_exact", "p_value": float(stats.fisher_exact(table).pvalue)}
        return {"test": "fisher_exact", "p_value": freeman_halton(table)}
    if len(table) == 2:
        # two-proportion z test, two-sided; equals the uncorrected chi-square test
        n1, n2 = table.sum(axis=1); p1, p2 = table[0, 0] / n1, table[1, 0] / n2
        pp = table[:, 0].sum() / (n1 + n2)
        z = (p1 - p2) / math.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n2))
        p = 2 * stats.norm.sf(abs(z))
        assert abs(p - chi.pvalue) < 1e-9
        return {"test": "z_test", "p_value": float(p), "statistic": float(z)}
    return {"test": "chi_square", "p_value": float(chi.pvalue), "statistic": float(chi.statistic)}


def describe(name, df, attrs):
    y = df["label"].to_numpy(); d = df["decision"].to_numpy(); s = df["score"].to_numpy()
    overall, _ = group_metrics(y, d, s)
    levels = []
    level_defs = [[a] for a in attrs] + ([attrs] if len(attrs) > 1 else [])
    individual = None
    for combo in level_defs:
        lname = "&".join(combo)
        g = df[combo].astype(str).agg("&".join, axis=1).to_numpy()
        all_groups = ["&".join(t) for t in itertools.product(*[sorted(df[a].unique()) for a in combo])]
        sizes = {k: int((g == k).sum()) for k in all_groups}
        ref = sorted(all_groups, key=lambda k: (-sizes[k], k))[0]
        groups = {}
        for k in all_groups:
            m = g == k
            vals, c = group_metrics(y[m], d[m], s[m])
            groups[k] = {"n": int(m.sum()), "counts": c, "metrics": vals}
        disp, raw, direct = disparities(y, d, s, g)
        frame = df.assign(_g=g)
        vs, individual = aif360_vs_reference(frame, "_g", ref, all_groups)
        present = [k for k in all_groups if sizes[k] > 0]
        sel = [[int(d[g == k].sum()), int((d[g == k] == 0).sum())] for k in present]
        err = [[int((d[g == k] != y[g == k]).sum()), int((d[g == k] == y[g == k]).sum())] for k in present]
        levels.append({"name": lname, "reference": ref, "groups": groups, "disparities": disp, "fairlearn_raw": raw,
                       "fairlearn_direct": direct, "vs_reference": vs,
                       "tests": {"selection_rate": proportions_test(sel), "error_rate": proportions_test(err)}})
    entry = {"file": f"{name}.csv", "attributes": attrs, "n": len(df), "overall": overall, "individual": individual, "levels": levels}
    fcols = [c for c in df.columns if c.startswith("f")]
    if fcols:
        frame = pd.DataFrame({**{c: df[c] for c in fcols}, "label": df["decision"].astype(float), "a": 0.0})
        ds = BinaryLabelDataset(df=frame, label_names=["label"], protected_attribute_names=["a"])
        entry["individual"]["consistency"] = float(BinaryLabelDatasetMetric(ds).consistency(n_neighbors=5)[0])
        entry["features"] = fcols
    return entry


def stats_fixtures():
    """Reference values of the Stats/ functions from scipy."""
    cases = {"jeffreys": [], "chi2_sf": [], "fisher": [], "beta_cdf": []}
    for x, n in [(0, 10), (3, 10), (10, 10), (17, 250), (500, 1000), (1, 3), (999, 1000)]:
        lo = 0.0 if x == 0 else float(stats.beta.ppf(0.025, x + 0.5, n - x + 0.5))
        hi = 1.0 if x == n else float(stats.beta.ppf(0.975, x + 0.5, n - x + 0.5))
        cases["jeffreys"].append({"x": x, "n": n, "confidence": 0.95, "lower": lo, "upper": hi})
    for x, df in [(0.5, 1), (3.84, 1), (10.0, 4), (50.0, 10), (0.01, 3), (200.0, 7)]:
        cases["chi2_sf"].append({"x": x, "df": df, "p": float(stats.chi2.sf(x, df))})
    for t in [[[3, 1], [1, 3]], [[10, 2], [3, 15]], [[0, 5], [5, 0]], [[1, 20], [4, 30]], [[7, 7], [7, 7]]]:
        cases["fisher"].append({"table": t, "p": float(stats.fisher_exact(t).pvalue)})
    for xx, a, b in [(0.3, 2.5, 3.5), (0.01, 0.5, 10.5), (0.9, 50.5, 3.5), (0.5, 1000.5, 1000.5)]:
        cases["beta_cdf"].append({"x": xx, "a": a, "b": b, "p": float(stats.beta.cdf(xx, a, b))})
    ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04]
    m = len(ps)
    order = np.argsort(ps, kind="stable")
    bh = np.empty(m); holm = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]; running = min(running, min(1.0, m / (rank + 1) * ps[i])); bh[i] = running
    running = 0.0
    for rank in range(m):
        i = order[rank]; running = max(running, min(1.0, (m - rank) * ps[i])); holm[i] = running
    cases["corrections"] = {"p": ps, "benjamini_hochberg": bh.tolist(), "holm": holm.tolist(),
                            "bonferroni": [min(1.0, p * m) for p in ps]}
    return cases


def main():
    out = {"datasets": [], "stats": stats_fixtures()}
    attrs = {"two_groups": ["sex"], "five_groups": ["race"], "unbalanced": ["group"], "no_positives": ["group"], "two_attributes": ["sex", "race"]}
    for name, df in datasets().items():
        df.to_csv(f"{name}.csv", index=False, float_format="%.6f")
        df = pd.read_csv(f"{name}.csv", dtype={a: str for a in attrs[name]})  # the values as written
        out["datasets"].append(describe(name, df, attrs[name]))
    with open("expected.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
