"""Golden values for FairPipe's explain stage, from scikit-learn and shap.

    pip install scikit-learn shap pandas
    python3 Tests/Fixtures/explain/generate.py

Writes, next to this script:
  linear.json  a logistic regression in a scikit-learn pipeline (StandardScaler + OneHotEncoder,
               FairPipe's encoding) with partial_dependence(method="brute", kind="both") for a
               numeric and a categorical feature, and permutation_importance(scoring="accuracy",
               n_repeats=200) on the raw columns.
  trees.json   a GradientBoostingClassifier's trees (learning rate folded into the leaf values),
               its base margin and decision_function, and shap.TreeExplainer's path-dependent
               SHAP values and expected value on the same rows.
`make test` reads the JSON only; it never runs Python.
"""
import json
import os

import numpy as np
import pandas as pd
import shap
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, payload):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(payload, f, indent=1, sort_keys=True)
        f.write("\n")


def linear_fixture():
    rng = np.random.RandomState(13)
    n = 400
    group = rng.choice(["A", "B"], size=n, p=[0.6, 0.4])
    b = (group == "B").astype(float)
    x1 = rng.normal(40 + 5 * b, 10, size=n).round(1)
    x2 = rng.exponential(2.0, size=n).round(2)
    levels = ["husband", "single", "wife"]
    c = np.where(rng.rand(n) < 0.5 + 0.3 * (1 - b), "husband", np.where(rng.rand(n) < 0.5, "single", "wife"))
    logit = 0.08 * (x1 - 40) - 0.3 * x2 + 1.2 * (c == "husband") - 0.5
    y = (rng.rand(n) < 1 / (1 + np.exp(-logit))).astype(int)
    df = pd.DataFrame({"x1": x1, "x2": x2, "c": c})
    pipe = Pipeline([
        ("encode", ColumnTransformer([
            ("num", StandardScaler(), ["x1", "x2"]),
            ("cat", OneHotEncoder(categories=[levels]), ["c"]),
        ], sparse_threshold=0)),
        ("lr", LogisticRegression(C=1.0, tol=1e-12, max_iter=1000)),
    ]).fit(df, y)
    scaler = pipe.named_steps["encode"].named_transformers_["num"]
    lr = pipe.named_steps["lr"]
    pd_numeric = partial_dependence(pipe, df, ["x1"], method="brute", kind="both", grid_resolution=100,
                                    percentiles=(0.05, 0.95))
    pd_categorical = partial_dependence(pipe, df, ["c"], method="brute", kind="both", categorical_features=["c"])
    pi = permutation_importance(pipe, df, y, scoring="accuracy", n_repeats=200, random_state=0)
    return {
        "sklearn": sklearn.__version__,
        "x1": x1.tolist(), "x2": x2.tolist(), "c": c.tolist(), "group": group.tolist(), "label": y.tolist(),
        "levels": levels,
        "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(),
        "coefficients": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]),
        "accuracy": float(pipe.score(df, y)),
        "pd_x1": {"grid": pd_numeric["grid_values"][0].tolist(), "average": pd_numeric["average"][0].tolist(),
                  "individual_first_rows": pd_numeric["individual"][0][:5].tolist()},
        "pd_c": {"grid": [str(v) for v in pd_categorical["grid_values"][0]],
                 "average": pd_categorical["average"][0].tolist()},
        "permutation": {"features": ["x1", "x2", "c"], "n_repeats": 200,
                        "mean": pi.importances_mean.tolist(), "std": pi.importances_std.tolist()},
    }


def trees_fixture():
    rng = np.random.RandomState(7)
    n, p = 300, 6
    # float32-exact values: scikit-learn's trees compare in float32.
    X = rng.normal(size=(n, p)).astype(np.float32).astype(np.float64)
    X[:, 4] = (rng.rand(n) < 0.4).astype(float)  # a one-hot-like column
    logit = 1.5 * X[:, 0] - X[:, 1] * X[:, 2] + 0.8 * X[:, 4] + 0.3 * np.sin(3 * X[:, 3])
    y = (rng.rand(n) < 1 / (1 + np.exp(-logit))).astype(int)
    model = GradientBoostingClassifier(n_estimators=40, max_depth=4, learning_rate=0.1, random_state=0).fit(X, y)
    trees = []
    for estimator in model.estimators_[:, 0]:
        t = estimator.tree_
        nodes = []
        for i in range(t.node_count):
            leaf = t.children_left[i] < 0
            nodes.append({
                "feature": -1 if leaf else int(t.feature[i]),
                "threshold": 0.0 if leaf else float(t.threshold[i]),
                "left": int(t.children_left[i]), "right": int(t.children_right[i]),
                "value": float(model.learning_rate * t.value[i][0][0]) if leaf else 0.0,
                "cover": float(t.weighted_n_node_samples[i]),
            })
        trees.append(nodes)
    base = float(model._raw_predict_init(X[:1])[0, 0])
    margin = model.decision_function(X)
    rebuilt = base + sum(model.learning_rate * e.predict(X) for e in model.estimators_[:, 0])
    assert np.allclose(rebuilt, margin, rtol=0, atol=1e-12)
    explainer = shap.TreeExplainer(model)
    values = explainer.shap_values(X)
    expected = float(np.ravel(explainer.expected_value)[0])
    return {
        "sklearn": sklearn.__version__, "shap": shap.__version__,
        "rows": n, "features": p, "X": X.ravel().tolist(),
        "base_margin": base, "trees": trees, "margin": margin.tolist(),
        "shap_values": np.asarray(values).ravel().tolist(), "shap_expected_value": expected,
    }


if __name__ == "__main__":
    write("linear.json", linear_fixture())
    write("trees.json", trees_fixture())
