"""Conformance fixture for FairPipe's exponentiated_gradient and grid_search.

Runs fairlearn 0.15's ExponentiatedGradient and GridSearch with scikit-learn's
LogisticRegression(C=1, solver="newton-cholesky", tol=1e-10) as the oracle on a small biased
synthetic dataset and records the data and, per constraint, the mixture's training error and
signed constraint values (the weighted average of the hypotheses' `gamma`), its duality gap,
and GridSearch's per-grid-point error / max gamma / selected index.

    python3 make_reductions_fixture.py   # writes reductions.json next to this script
"""
import json
import os
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from fairlearn.reductions import (
    DemographicParity, EqualizedOdds, ErrorRate, ExponentiatedGradient, GridSearch,
    TruePositiveRateParity, FalsePositiveRateParity, ErrorRateParity,
)

warnings.filterwarnings("ignore")


def make_data(n, p, seed):
    rng = np.random.default_rng(seed)
    g = (rng.random(n) < 0.4).astype(int)
    g[0] = 0  # group 0 appears first, so fairlearn's basis order equals code order
    X = rng.normal(size=(n, p))
    X[:, 0] += 1.2 * g  # a feature correlated with the group
    logit = 1.5 * X[:, 0] - 1.0 * X[:, 1] + 0.5 * X[:, 2] + 0.8 * g - 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return np.round(X, 6), y, g


def estimator():
    return LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10, max_iter=1000)


def main():
    X, y, g = make_data(1500, 4, 7)
    out = {"X": X.tolist(), "y": y.tolist(), "group": g.tolist(), "eg": {}, "grid": {}}
    moments = {
        "demographic_parity": DemographicParity,
        "equalized_odds": EqualizedOdds,
        "true_positive_rate_parity": TruePositiveRateParity,
        "false_positive_rate_parity": FalsePositiveRateParity,
        "error_rate_parity": ErrorRateParity,
    }
    for name, moment in moments.items():
        eg = ExponentiatedGradient(estimator(), moment(), eps=0.01, max_iter=50, eta0=2.0)
        eg.fit(X, y, sensitive_features=g)
        w = eg.weights_.sort_index()
        gammas = eg.constraints_  # loaded moment
        hs = eg._hs.sort_index()
        err = ErrorRate()
        err.load_data(X, y, sensitive_features=g)
        mix_error = float(sum(w[i] * err.gamma(hs[i]).iloc[0] for i in w.index if w[i] > 0))
        mix_gamma = sum(w[i] * gammas.gamma(hs[i]) for i in w.index if w[i] > 0)
        out["eg"][name] = {
            "error": mix_error,
            "violation": float(mix_gamma.max()),
            "best_gap": float(eg.best_gap_),
            "nu": float(eg.nu),
            "n_predictors": int(len(hs)),
            "n_oracle_calls": int(eg.n_oracle_calls_),
            "last_iter": int(eg.last_iter_),
        }
        if name in ("demographic_parity", "equalized_odds"):
            gs = GridSearch(estimator(), moment(), grid_size=10, grid_limit=2.0)
            gs.fit(X, y, sensitive_features=g)
            out["grid"][name] = {
                "errors": [float(v) for v in gs.objectives_],
                "violations": [float(gs.gammas_[c].max()) for c in gs.gammas_.columns],
                "best_index": int(gs.best_idx_),
                "lambdas": [gs.lambda_vecs_[c].tolist() for c in gs.lambda_vecs_.columns],
                "lambda_index": [list(map(str, ix)) for ix in gs.lambda_vecs_.index],
            }
        print(name, out["eg"][name])
    # Three groups, first appearing in the order 2, 0, 1 (fairlearn's grid basis follows the
    # order of appearance; its constraint index follows sorted values).
    rng = np.random.default_rng(11)
    g3 = rng.integers(0, 3, size=len(y))
    g3[:3] = [2, 0, 1]
    out["group3"] = g3.tolist()
    out["eg3"] = {}
    out["grid3"] = {}
    for name, moment in (("demographic_parity", DemographicParity), ("equalized_odds", EqualizedOdds)):
        eg = ExponentiatedGradient(estimator(), moment(), eps=0.01, max_iter=50, eta0=2.0)
        eg.fit(X, y, sensitive_features=g3)
        w = eg.weights_.sort_index()
        hs = eg._hs.sort_index()
        err = ErrorRate()
        err.load_data(X, y, sensitive_features=g3)
        mix_error = float(sum(w[i] * err.gamma(hs[i]).iloc[0] for i in w.index if w[i] > 0))
        mix_gamma = sum(w[i] * eg.constraints_.gamma(hs[i]) for i in w.index if w[i] > 0)
        out["eg3"][name] = {
            "error": mix_error, "violation": float(mix_gamma.max()), "best_gap": float(eg.best_gap_),
            "nu": float(eg.nu), "n_predictors": int(len(hs)), "n_oracle_calls": int(eg.n_oracle_calls_),
            "last_iter": int(eg.last_iter_),
        }
        gs = GridSearch(estimator(), moment(), grid_size=12, grid_limit=2.0)
        gs.fit(X, y, sensitive_features=g3)
        out["grid3"][name] = {
            "errors": [float(v) for v in gs.objectives_],
            "violations": [float(gs.gammas_[c].max()) for c in gs.gammas_.columns],
            "best_index": int(gs.best_idx_),
        }
        print("3 groups", name, out["eg3"][name], gs.best_idx_)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reductions.json")
    with open(path, "w") as f:
        json.dump(out, f, sort_keys=True)


if __name__ == "__main__":
    main()
