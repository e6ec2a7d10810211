"""Golden values for the data audit's measures (Cramér's V, correlation ratio, normalised
mutual information, two-sample Kolmogorov–Smirnov, chi-square homogeneity), from scipy,
scikit-learn and numpy on a small seeded sample.

    python3 Tests/Fixtures/audit/make_audit_golden.py   # writes audit_golden.json here
"""
import json
import os

import numpy as np
from scipy import stats
from scipy.stats import contingency
from sklearn.metrics import normalized_mutual_info_score

rng = np.random.default_rng(20261125)
n = 120
group = rng.integers(0, 3, n)                       # a sensitive attribute, 3 levels
category = (group + rng.integers(0, 3, n)) % 4      # associated categorical feature, 4 levels
numeric = np.round(group * 0.8 + rng.normal(0, 1, n), 3)  # associated numeric feature
counts = rng.poisson(2 + group, n).astype(float)    # integer feature with many ties


def cramers_v(a, b):
    table = contingency.crosstab(a, b).count
    return float(contingency.association(table, method="cramer", correction=False))


def eta(values, groups):
    mean = values.mean()
    between = sum(values[groups == g].size * (values[groups == g].mean() - mean) ** 2 for g in np.unique(groups))
    return float(np.sqrt(between / ((values - mean) ** 2).sum()))


def quantile_codes(values, bins=10):
    """The audit's binning: distinct values when at most `bins`, else rank bins."""
    distinct = np.unique(values)
    if distinct.size <= bins:
        return np.searchsorted(distinct, values, side="left")
    ordered = np.sort(values)
    below = np.searchsorted(ordered, values, side="left")
    return np.minimum(bins - 1, (bins * below) // values.size)


def ks(x, y):
    exact = stats.ks_2samp(x, y, method="exact")
    m, k = len(x), len(y)
    en = m * k / (m + k)
    return {
        "statistic": float(exact.statistic),
        "exact_p": float(exact.pvalue),
        "asymptotic_p": float(stats.kstwobign.sf(np.sqrt(en) * exact.statistic)),
    }


train, test = np.arange(n) < 80, np.arange(n) >= 80
big_x = np.round(rng.normal(0, 1, 300), 4)
big_y = np.round(rng.normal(0.25, 1, 200), 4)
levels = int(category.max()) + 1
shift_table = np.array([[np.sum(category[train] == c) for c in range(levels)],
                        [np.sum(category[test] == c) for c in range(levels)]])
chi = stats.chi2_contingency(shift_table, correction=False)

golden = {
    "group": group.tolist(),
    "category": category.tolist(),
    "numeric": numeric.tolist(),
    "counts": counts.tolist(),
    "train_rows": 80,
    "cramers_v": cramers_v(category, group),
    "correlation_ratio": eta(numeric, group),
    "correlation_ratio_counts": eta(counts, group),
    "nmi_category": float(normalized_mutual_info_score(group, category)),
    "nmi_numeric": float(normalized_mutual_info_score(group, quantile_codes(numeric))),
    "nmi_counts": float(normalized_mutual_info_score(group, quantile_codes(counts))),
    "ks_numeric": ks(numeric[train], numeric[test]),
    "ks_counts": ks(counts[train], counts[test]),
    "big_x": big_x.tolist(),
    "big_y": big_y.tolist(),
    "ks_big": ks(big_x, big_y),
    "chi_square_shift": {"statistic": float(chi.statistic), "df": int(chi.dof), "p": float(chi.pvalue)},
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "audit_golden.json"), "w") as f:
    json.dump(golden, f, indent=1, sort_keys=True)
    f.write("\n")
print({k: v for k, v in golden.items() if not isinstance(v, list)})
