"""Golden fixtures for FairPipe's LogisticRegression (Tests/FairPipeTests/LogisticRegressionGoldenTests.swift).

Each case fits scikit-learn's LogisticRegression (L2, C, fit_intercept) with the
newton-cholesky solver at tol=1e-12 and records X, y, weights, C and the expected
coefficients and intercept. Run from this folder:  python3 generate.py
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

warnings.simplefilter("error")  # a deprecation or convergence warning must not pass silently


def fit(X, y, w, C, fit_intercept=True):
    model = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=10000,
                               fit_intercept=fit_intercept)
    model.fit(X, y, sample_weight=w)
    # Cross-check with a second solver: both must agree far below the 1e-6 test tolerance.
    other = LogisticRegression(C=C, solver="lbfgs", tol=1e-12, max_iter=100000,
                               fit_intercept=fit_intercept)
    other.fit(X, y, sample_weight=w)
    gap = np.max(np.abs(model.coef_ - other.coef_))
    assert gap < 1e-6, gap
    intercept = float(model.intercept_[0]) if fit_intercept else 0.0
    return [float(v) for v in model.coef_[0]], intercept


def write(name, X, y, w, C, fit_intercept=True):
    coef, intercept = fit(X, y, w, C, fit_intercept)
    case = {
        "name": name,
        "generator": f"generate.py, scikit-learn {sklearn.__version__}, solver=newton-cholesky, tol=1e-12",
        "C": C,
        "fit_intercept": fit_intercept,
        "X": [[float(v) for v in row] for row in X],
        "y": [int(v) for v in y],
        "weights": None if w is None else [float(v) for v in w],
        "coefficients": coef,
        "intercept": intercept,
    }
    with open(f"{name}.json", "w") as f:
        json.dump(case, f, indent=1, sort_keys=True)
        f.write("\n")


def labels(rng, X, beta, b):
    p = 1 / (1 + np.exp(-(X @ beta + b)))
    return (rng.random(len(p)) < p).astype(int)


rng = np.random.default_rng(20261125)

# 1. Well-conditioned: 200 × 5 standard normal features, C = 1.
X = rng.standard_normal((200, 5))
y = labels(rng, X, np.array([1.0, -0.5, 0.25, 0.0, 2.0]), -0.3)
write("well_conditioned", X, y, None, 1.0)

# 2. Sample weights in [0.1, 3) with a few exact zeros, C = 1.
X = rng.standard_normal((200, 5))
y = labels(rng, X, np.array([-1.0, 0.5, 0.0, 0.75, -0.25]), 0.5)
w = rng.uniform(0.1, 3.0, 200)
w[[3, 17, 101]] = 0.0
write("weighted", X, y, w, 1.0)

# 3. Strong and weak regularisation on correlated features of different scales.
Z = rng.standard_normal((250, 4))
X = np.column_stack([Z[:, 0], Z[:, 0] + 0.3 * Z[:, 1], 10 * Z[:, 2], 0.1 * Z[:, 3]])
y = labels(rng, X, np.array([0.8, -0.6, 0.05, 3.0]), 0.2)
write("strong_regularisation", X, y, None, 0.01)
write("weak_regularisation", X, y, None, 100.0)

# 4. Nearly separable: a wide margin with three flipped labels, weak regularisation.
X = rng.standard_normal((150, 3))
score = X @ np.array([3.0, -2.0, 1.0]) + 0.5
y = (score > 0).astype(int)
y[[5, 40, 77]] = 1 - y[[5, 40, 77]]
write("nearly_separable", X, y, None, 10.0)

# 5. Without an intercept, weighted.
X = rng.standard_normal((120, 3)) + 0.5
y = labels(rng, X, np.array([1.0, -1.0, 0.5]), 0.0)
w = rng.uniform(0.5, 2.0, 120)
write("no_intercept", X, y, w, 1.0, fit_intercept=False)
