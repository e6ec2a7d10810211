"""Golden values for FairPipe's gradient-boosted trees, from scikit-learn.

    pip install scikit-learn==1.9.1 numpy
    python3 Tests/Fixtures/gbdt/make_gbdt_fixtures.py

Writes binning.json (bin thresholds of scikit-learn's _BinMapper on numeric, missing,
constant and categorical columns, with and without sample weights) and boosting.json (a
dataset without gain ties, scikit-learn's first tree and its test log-loss after 100
iterations with early stopping off). Inputs are generated here from a seeded numpy
generator; nothing is read from elsewhere.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper, _find_binning_thresholds
from sklearn.metrics import log_loss

HERE = os.path.dirname(os.path.abspath(__file__))


def nan_to_none(values):
    return [None if np.isnan(v) else float(v) for v in values]


def binning():
    rng = np.random.default_rng(20261201)
    n = 1000
    columns = {
        # few distinct values: midpoints
        "few": rng.integers(0, 12, n).astype(float) * 0.5,
        # many distinct values: percentiles
        "many": rng.normal(size=n) * 3 + 1,
        # many distinct values and 15% missing
        "missing": np.where(rng.random(n) < 0.15, np.nan, rng.gamma(2.0, 2.0, n)),
        # heavy ties among many distinct values
        "ties": np.round(rng.exponential(1.0, n), 2),
        "constant": np.full(n, 3.25),
    }
    weights = rng.integers(0, 4, n).astype(float)
    cases = []
    for max_bins in (255, 16):
        for name, col in columns.items():
            cases.append({
                "column": name, "max_bins": max_bins, "weighted": False,
                "thresholds": [float(t) for t in _find_binning_thresholds(col.copy(), max_bins)],
            })
            cases.append({
                "column": name, "max_bins": max_bins, "weighted": True,
                "thresholds": [float(t) for t in _find_binning_thresholds(col.copy(), max_bins, sample_weight=weights.copy())],
            })
    # The whole mapper on a matrix with a categorical column (codes 0..6, some missing).
    cat = np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 7, n).astype(float))
    X = np.column_stack([columns["few"], columns["many"], columns["missing"], cat])
    mapper = _BinMapper(n_bins=256, is_categorical=np.array([0, 0, 0, 1], dtype=np.uint8),
                        known_categories=[None, None, None, np.arange(7, dtype=float)]).fit(X)
    binned = mapper.transform(X)
    return {
        "sklearn_version": sklearn.__version__,
        "columns": {k: nan_to_none(v) for k, v in columns.items()},
        "weights": weights.tolist(),
        "cases": cases,
        "mapper": {
            "categorical": nan_to_none(cat),
            "n_bins_non_missing": mapper.n_bins_non_missing_.tolist(),
            "binned_first_rows": binned[:50].tolist(),
        },
    }


def tree_dict(predictor):
    nodes = predictor.nodes
    out = []
    for node in nodes:
        out.append({
            "is_leaf": bool(node["is_leaf"]),
            "feature": int(node["feature_idx"]),
            "bin": int(node["bin_threshold"]),
            "threshold": None if np.isinf(node["num_threshold"]) else float(node["num_threshold"]),
            "missing_goes_left": bool(node["missing_go_to_left"]),
            "is_categorical": bool(node["is_categorical"]),
            "left": int(node["left"]),
            "right": int(node["right"]),
            "value": float(node["value"]),
            "count": int(node["count"]),
        })
    return out


def categories_left(predictor, feature_node_index):
    # binned bitset of categorical splits, as a list of bins
    node = predictor.nodes[feature_node_index]
    bitset = predictor.binned_left_cat_bitsets[node["bitset_idx"]]
    bins = []
    for word_index, word in enumerate(bitset):
        for bit in range(32):
            if int(word) >> bit & 1:
                bins.append(word_index * 32 + bit)
    return bins


def boosting():
    rng = np.random.default_rng(7)
    n_train, n_test = 3000, 2000
    n = n_train + n_test
    x0 = rng.normal(size=n)
    x1 = rng.uniform(-2, 2, size=n)
    x2 = np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n))
    x3 = rng.integers(0, 30, n).astype(float)           # few distinct values
    cat = rng.integers(0, 6, n).astype(float)          # categorical codes 0..5
    effect = np.array([-1.0, 0.8, 0.1, -0.4, 1.3, 0.0])
    logit = (1.2 * x0 - 0.9 * x1 ** 2 + np.nan_to_num(0.7 * x2, nan=-0.8) + 0.05 * x3
             + effect[cat.astype(int)] + 0.3 * x0 * x1)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = np.column_stack([x0, x1, x2, x3, cat])
    Xtr, ytr, Xte, yte = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    clf = HistGradientBoostingClassifier(
        early_stopping=False, max_iter=100, categorical_features=[4], random_state=0)
    clf.fit(Xtr, ytr)
    first = clf._predictors[0][0]
    tree = tree_dict(first)
    for i, node in enumerate(tree):
        if not node["is_leaf"] and node["is_categorical"]:
            node["categories_left"] = categories_left(first, i)
    # no gain ties among the first tree's splits (a tie could be broken differently)
    gains = [float(g) for g in first.nodes["gain"] if g > 0]
    assert len(gains) == len(set(gains)), "gain tie in the first tree"
    proba = clf.predict_proba(Xte)[:, 1]
    return {
        "sklearn_version": sklearn.__version__,
        "X_train": [nan_to_none(row) for row in Xtr],
        "y_train": ytr.tolist(),
        "X_test": [nan_to_none(row) for row in Xte],
        "y_test": yte.tolist(),
        "categorical_column": 4,
        "categories": 6,
        "baseline": float(clf._baseline_prediction.ravel()[0]),
        "first_tree": tree,
        "n_trees": len(clf._predictors),
        "test_log_loss": float(log_loss(yte, proba)),
        "train_log_loss": float(log_loss(ytr, clf.predict_proba(Xtr)[:, 1])),
        "test_probability_first_rows": proba[:20].tolist(),
    }


if __name__ == "__main__":
    for name, make in (("binning.json", binning), ("boosting.json", boosting)):
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(make(), f, sort_keys=True)
            f.write("\n")
        print("wrote", name)
