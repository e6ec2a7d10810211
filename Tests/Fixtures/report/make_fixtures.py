"""Generates the report fixtures: a small synthetic audit of a biased classifier.

The numbers are representative, not golden: the report tests check structure, escaping and
determinism, not metric values. Run: python3 make_fixtures.py (numpy only, seeded).
"""
import json
import hashlib
import numpy as np

rng = np.random.default_rng(7)
N = 2000


def wilson(k, n, z=1.959964):
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [round(c - h, 6), round(c + h, 6)]


def metric(k, n, reason):
    if n == 0:
        return {"value": None, "reason": reason}
    return {"value": round(k / n, 6), "ci": wilson(k, n), "jeffreys": wilson(k, n)}


def simulate(shift):
    sex = rng.choice(["F", "M"], N, p=[0.45, 0.55])
    race = rng.choice(["African-American", "Caucasian", "Hispanic", "Other"], N, p=[0.42, 0.4, 0.13, 0.05])
    base = 0.35 + 0.12 * (race == "African-American") + 0.05 * (sex == "M")
    y = (rng.random(N) < base).astype(int)
    score = np.clip(0.25 + 0.35 * y + 0.12 * (race == "African-American") * (1 - shift) + rng.normal(0, 0.18, N), 0, 1)
    pred = (score >= 0.5).astype(int)
    return sex, race, y, score, pred


def groups_of(values, y, score, pred):
    out = []
    for g in sorted(set(values)):
        m = values == g
        n = int(m.sum())
        yy, pp, ss = y[m], pred[m], score[m]
        pos, neg = int(yy.sum()), int(n - yy.sum())
        tp = int(((pp == 1) & (yy == 1)).sum())
        fp = int(((pp == 1) & (yy == 0)).sum())
        tn = neg - fp
        fn = pos - tp
        sel = int(pp.sum())
        mets = {
            "selection_rate": metric(sel, n, "empty group"),
            "base_rate": metric(pos, n, "empty group"),
            "accuracy": metric(tp + tn, n, "empty group"),
            "balanced_accuracy": {"value": round(((tp / pos if pos else 0) + (tn / neg if neg else 0)) / 2, 6)},
            "true_positive_rate": metric(tp, pos, "no positives"),
            "false_positive_rate": metric(fp, neg, "no negatives"),
            "true_negative_rate": metric(tn, neg, "no negatives"),
            "false_negative_rate": metric(fn, pos, "no positives"),
            "positive_predictive_value": metric(tp, tp + fp, "no predicted positives"),
            "negative_predictive_value": metric(tn, tn + fn, "no predicted negatives"),
            "false_discovery_rate": metric(fp, tp + fp, "no predicted positives"),
            "false_omission_rate": metric(fn, tn + fn, "no predicted negatives"),
            "f1": {"value": round(2 * tp / (2 * tp + fp + fn), 6)},
            "auc": {"value": round(float(0.7 + 0.1 * rng.random()), 6), "ci": None},
            "brier": {"value": round(float(np.mean((ss - yy) ** 2)), 6)},
            "log_loss": {"value": round(float(-np.mean(yy * np.log(np.clip(ss, 1e-6, 1)) + (1 - yy) * np.log(np.clip(1 - ss, 1e-6, 1)))), 6)},
            "ece": {"value": round(float(abs(np.mean(ss) - np.mean(yy))), 6)},
        }
        out.append({"group": g, "n": n, "positives": pos, "negatives": neg, "metrics": mets,
                     "warnings": ["small_group"] if n < 120 else []})
    return out


def disparities(groups):
    d = {}
    def rate(g, k):
        return g["metrics"][k]["value"]
    for name, key in [("demographic_parity", "selection_rate"), ("equal_opportunity", "true_positive_rate"),
                      ("false_positive_rate", "false_positive_rate"), ("accuracy", "accuracy")]:
        vals = [rate(g, key) for g in groups if rate(g, key) is not None]
        diff = max(vals) - min(vals)
        d[name + "_difference"] = {"value": round(diff, 6), "ci": [round(diff - 0.04, 6), round(diff + 0.04, 6)],
                                   "p_value": round(float(np.exp(-40 * diff)), 6), "p_adjusted": round(min(1, 3 * float(np.exp(-40 * diff))), 6),
                                   "excluded_groups": []}
        d[name + "_ratio"] = {"value": round(min(vals) / max(vals), 6), "ci": [round(min(vals) / max(vals) - 0.06, 6), round(min(1, min(vals) / max(vals) + 0.06), 6)],
                              "p_value": None, "excluded_groups": []}
    eo = max(d["equal_opportunity_difference"]["value"], d["false_positive_rate_difference"]["value"])
    d["equalized_odds_difference"] = {"value": eo, "ci": [round(eo - 0.05, 6), round(eo + 0.05, 6)], "p_value": 0.0004, "p_adjusted": 0.0012, "excluded_groups": []}
    return d


def versus(groups, ref):
    r = next(g for g in groups if g["group"] == ref)["metrics"]
    out = []
    for g in groups:
        if g["group"] == ref:
            continue
        m = g["metrics"]
        di = m["selection_rate"]["value"] / r["selection_rate"]["value"]
        spd = m["selection_rate"]["value"] - r["selection_rate"]["value"]
        eod = m["true_positive_rate"]["value"] - r["true_positive_rate"]["value"]
        aod = (eod + m["false_positive_rate"]["value"] - r["false_positive_rate"]["value"]) / 2
        out.append({"group": g["group"],
                    "statistical_parity_difference": {"value": round(spd, 6), "ci": [round(spd - 0.05, 6), round(spd + 0.05, 6)]},
                    "disparate_impact": {"value": round(di, 6), "ci": [round(di * 0.88, 6), round(di * 1.12, 6)], "four_fifths": bool(0.8 <= di <= 1.25)},
                    "equal_opportunity_difference": {"value": round(eod, 6), "ci": [round(eod - 0.06, 6), round(eod + 0.06, 6)]},
                    "average_odds_difference": {"value": round(aod, 6), "ci": [round(aod - 0.05, 6), round(aod + 0.05, 6)]}})
    return out


def metrics_file(shift):
    sex, race, y, score, pred = simulate(shift)
    attrs = []
    for name, values, ref in [("race", race, "Caucasian"), ("sex", sex, "M")]:
        gs = groups_of(values, y, score, pred)
        attrs.append({"name": name, "reference": ref, "groups": gs, "disparities": disparities(gs), "vs_reference": versus(gs, ref)})
    inter = np.array([f"{s}&{r}" for s, r in zip(sex, race)])
    gs = groups_of(inter, y, score, pred)
    attrs.append({"name": "sex&race", "reference": "M&Caucasian", "groups": gs, "disparities": disparities(gs), "vs_reference": versus(gs, "M&Caucasian")})
    acc = float(np.mean(y == pred))
    race_attr = attrs[0]
    di_aa = next(v for v in race_attr["vs_reference"] if v["group"] == "African-American")["disparate_impact"]
    dpd = race_attr["disparities"]["demographic_parity_difference"]
    gates = [
        {"metric": "disparate_impact", "attribute": "race", "group": "Hispanic",
         "bound": {"min": 0.8}, "value": next(v for v in race_attr["vs_reference"] if v["group"] == "Hispanic")["disparate_impact"]["value"],
         "ci": next(v for v in race_attr["vs_reference"] if v["group"] == "Hispanic")["disparate_impact"]["ci"]},
        {"metric": "demographic_parity_difference", "attribute": "race", "bound": {"max": 0.1}, "value": dpd["value"], "ci": dpd["ci"]},
        {"metric": "accuracy", "bound": {"min": 0.7}, "value": round(acc, 6), "ci": [round(acc - 0.02, 6), round(acc + 0.02, 6)]},
    ]
    for g in gates:
        lo, hi = g["bound"].get("min", -1e9), g["bound"].get("max", 1e9)
        g["passed"] = bool(lo <= g["value"] <= hi)
        g["message"] = "within bound" if g["passed"] else f"{g['metric']} {g['value']:.3f} outside bound"
    result = {"schema_version": 1, "n": N,
              "overall": {"accuracy": round(acc, 6), "selection_rate": round(float(pred.mean()), 6), "base_rate": round(float(y.mean()), 6),
                          "balanced_accuracy": round(acc - 0.01, 6), "auc": 0.78, "brier": None},
              "attributes": attrs, "individual": {"theil_index": 0.1234, "generalized_entropy_index": 0.0987},
              "gates": gates, "passed": all(g["passed"] for g in gates), "future_key": {"ignored": True}}
    return result, (sex, race, y, score)


def roc(y, s):
    thresholds = np.unique(s)[::-1]
    pts = [[0.0, 0.0]]
    P, Nn = y.sum(), (1 - y).sum()
    for t in thresholds:
        p = s >= t
        pts.append([round(float((p & (y == 0)).sum() / Nn), 6), round(float((p & (y == 1)).sum() / P), 6)])
    pts.append([1.0, 1.0])
    return pts


def calibration(y, s):
    bins = []
    for b in range(10):
        lo, hi = b / 10, (b + 1) / 10
        m = (s >= lo) & ((s < hi) if b < 9 else (s <= hi))
        if m.sum() == 0:
            continue
        bins.append({"bin_lower": lo, "bin_upper": hi, "mean_score": round(float(s[m].mean()), 6),
                     "observed_rate": round(float(y[m].mean()), 6), "count": int(m.sum())})
    return bins


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


metrics, (sex, race, y, score) = metrics_file(0.0)
dump("metrics.json", metrics)
after, _ = metrics_file(0.8)
dump("metrics_mitigated.json", after)

curves = {"attributes": [], "threshold_sweep": []}
for name, values in [("race", race), ("sex", sex)]:
    gs = []
    for g in sorted(set(values)):
        m = values == g
        gs.append({"group": g, "roc": roc(y[m], score[m]), "calibration": calibration(y[m], score[m])})
    curves["attributes"].append({"name": name, "groups": gs})
for t in np.round(np.arange(0.05, 1.0, 0.05), 2):
    p = (score >= t).astype(int)
    entry = {"threshold": float(t), "accuracy": round(float(np.mean(p == y)), 6), "disparities": {}}
    for name, values in [("race", race), ("sex", sex)]:
        sel = [p[values == g].mean() for g in sorted(set(values))]
        tpr = [p[(values == g) & (y == 1)].mean() for g in sorted(set(values))]
        fpr = [p[(values == g) & (y == 0)].mean() for g in sorted(set(values))]
        entry["disparities"][name] = {"demographic_parity_difference": round(float(max(sel) - min(sel)), 6),
                                      "equalized_odds_difference": round(float(max(max(tpr) - min(tpr), max(fpr) - min(fpr))), 6)}
    curves["threshold_sweep"].append(entry)
dump("curves.json", curves)

points = []
for s in [0.0, 0.01, 0.03, 0.1, 0.3, 1.0]:
    acc = 0.78 - 0.05 * s ** 0.7
    dis = 0.21 * (1 - s) ** 2 + 0.015
    points.append({"strength": s, "accuracy": {"value": round(acc, 6), "ci": [round(acc - 0.018, 6), round(acc + 0.018, 6)]},
                   "disparity": {"value": round(dis, 6), "ci": [round(max(0, dis - 0.035), 6), round(dis + 0.035, 6)]}})
dump("tradeoff.json", {"method": "exponentiated_gradient", "target": "demographic_parity_difference", "points": points})
dump("recommendations.json", [
    {"method": "threshold_optimizer", "reason": "Removes most of the demographic-parity gap at a 1.2-point accuracy cost; needs the sensitive attribute at decision time.", "rank": 2},
    {"method": "exponentiated_gradient", "reason": "Best accuracy at a disparity under 0.05 across strengths.", "rank": 1},
])

# make-dataset's audit.json (AuditReport, snake_case): the whole dataset before splitting.
def group(name, count, base_rate, small=False):
    return {"name": name, "count": count, "share": round(count / N, 6), "base_rate": base_rate, "small": small}
def missing(feature, attribute, overall, groups):
    return {"feature": feature, "attribute": attribute, "overall": overall, "groups": groups}
def assoc(feature, attribute, measure, value, nmi, threshold=0.3):
    return {"feature": feature, "attribute": attribute, "measure": measure, "value": value,
            "normalized_mutual_information": nmi, "proxy": value >= threshold}
audit = {"rows": N, "dropped_rows": 12, "min_group_size": 120, "proxy_threshold": 0.3, "shift_alpha": 0.01,
         "label": {"column": "two_year_recid", "positives": 820, "negatives": 1180, "minority_share": 0.41, "imbalanced": False},
         "attributes": [
             {"name": "race", "groups": [group("African-American", 840, 0.47), group("Caucasian", 800, 0.35),
                                         group("Hispanic", 260, 0.36), group("Other", 100, 0.33, small=True)]},
             {"name": "sex", "groups": [group("F", 900, 0.36), group("M", 1100, 0.45)]}],
         "missingness": [
             missing("age", "race", 0, {"African-American": 0, "Caucasian": 0, "Hispanic": 0, "Other": 0}),
             missing("age", "sex", 0, {"F": 0, "M": 0}),
             missing("prior_count", "race", 0.02, {"African-American": 0.03, "Caucasian": 0.01, "Hispanic": 0.02, "Other": 0.04}),
             missing("prior_count", "sex", 0.02, {"F": 0.015, "M": 0.024}),
             missing("zip_code", "race", 0, {"African-American": 0, "Caucasian": 0, "Hispanic": 0, "Other": 0}),
             missing("zip_code", "sex", 0, {"F": 0, "M": 0})],
         "associations": [
             assoc("age", "race", "correlation_ratio", 0.12, 0.01), assoc("age", "sex", "correlation_ratio", 0.04, 0.002),
             assoc("prior_count", "race", "correlation_ratio", 0.31, 0.05), assoc("prior_count", "sex", "correlation_ratio", 0.08, 0.004),
             assoc("zip_code", "race", "cramers_v", 0.41, 0.12), assoc("zip_code", "sex", "cramers_v", 0.03, 0.001)],
         "shift": [
             {"feature": "age", "test": "kolmogorov_smirnov", "statistic": 0.041, "p_value": 0.62, "p_value_adjusted": 1, "exact": False, "shifted": False},
             {"feature": "prior_count", "test": "kolmogorov_smirnov", "statistic": 0.11, "p_value": 0.001, "p_value_adjusted": 0.003, "exact": False, "shifted": True},
             {"feature": "zip_code", "test": "chi_square", "statistic": 3.2, "p_value": 0.36, "p_value_adjusted": 1, "shifted": False}],
         "findings": [
             {"check": "small_group", "message": "race=Other has 100 rows (< 120)"},
             {"check": "proxy", "message": "prior_count ~ race: correlation_ratio 0.31 ≥ 0.3"},
             {"check": "proxy", "message": "zip_code ~ race: cramers_v 0.41 ≥ 0.3"},
             {"check": "shift", "message": "prior_count: train vs test kolmogorov_smirnov p = 0.003 (Holm) < 0.01"}]}
dump("audit.json", audit)

commit = "3f6c2a9d1b8e4f7a0c5d2e9b6a3f8c1d4e7b0a25"
def manifest(stage, config, inputs, outputs, started, finished, dur):
    m = {"stage": stage, "tool_version": "0.1.0", "git": {"commit": commit, "dirty": False}, "seed": 42,
         "config": config, "config_sha256": hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest(),
         "inputs": inputs, "outputs": outputs, "started": started, "finished": finished}
    if dur is not None:
        m["duration_seconds"] = dur
    return m
def f(path, h, b):
    return {"path": path, "sha256": h * 64 if len(h) == 1 else h, "bytes": b}
dump("manifests/make-dataset.json", manifest("make-dataset", {"source": "compas_sample", "test_fraction": 0.2, "validation_fraction": 0.2, "sensitive": ["race", "sex"], "label": "two_year_recid"},
     [f("data/compas_sample.csv", "a", 512000)], [f("outputs/data/train.csv", "b", 300000), f("outputs/data/test.csv", "c", 100000), f("outputs/data/audit.json", "d", 2300)],
     "2026-11-25T08:00:00Z", "2026-11-25T08:00:01Z", 0.84))
dump("manifests/train.json", manifest("train", {"kind": "logistic_regression", "C": 1.0, "max_iter": 200},
     [f("outputs/data/train.csv", "b", 300000)], [f("outputs/model/model.json", "e", 4100)],
     "2026-11-25T08:00:02Z", "2026-11-25T08:00:03Z", 1.12))
dump("manifests/evaluate.json", manifest("evaluate", {"bootstrap": {"samples": 1000}, "min_group_size": 120, "thresholds": {"disparate_impact": {"min": 0.8}}},
     [f("outputs/model/model.json", "e", 4100), f("outputs/data/test.csv", "c", 100000)], [f("outputs/eval/metrics.json", "f", 52000), f("outputs/eval/curves.json", "0", 90000)],
     "2026-11-25T08:00:04Z", "2026-11-25T08:00:06Z", 2.03))
dump("manifests/mitigate.json", manifest("mitigate", {"method": "exponentiated_gradient", "strengths": [0.0, 0.01, 0.03, 0.1, 0.3, 1.0]},
     [f("outputs/model/model.json", "e", 4100), f("outputs/data/train.csv", "9", 300000)], [f("outputs/mitigate/predictions.csv", "1", 40000)],
     "2026-11-25T08:00:07Z", "2026-11-25T08:00:12Z", None))
