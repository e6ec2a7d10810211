"""Conformance fixture for FairPipe's prejudice_remover.

Runs the Kamishima code that AIF360 0.6.1's PrejudiceRemover shells out to
(kamfadm-2012ecmlpkdd, LRwPRType4 with train_pr.py's defaults: C=1, itype=3, fmin_cg
maxiter=100) on a small biased dataset, and records the data, the starting coefficients,
AIF360's final coefficients and its loss values, for eta in (0, 1, 5).

    python3 make_prejudice_remover_fixture.py   # writes prejudice_remover.json
"""
import json
import os
import sys
import warnings

import numpy as np
import aif360.algorithms.inprocessing as inproc

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.join(os.path.dirname(inproc.__file__), "kamfadm-2012ecmlpkdd"))
from fadm.lr.pr import LRwPRType4  # noqa: E402


def main():
    rng = np.random.default_rng(3)
    n, p = 400, 3
    s = (rng.random(n) < 0.45).astype(int)
    X = rng.normal(size=(n, p))
    X[:, 0] += 1.0 * s
    logit = 1.2 * X[:, 0] - 0.8 * X[:, 1] + 0.7 * s - 0.2
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    X = np.round(X, 6)
    out = {"X": X.tolist(), "y": y.astype(int).tolist(), "s": s.tolist(), "runs": []}
    Xs = np.c_[X, s]  # kamfadm takes the sensitive feature as the last column
    Xa = np.c_[X, np.ones(n)]
    for eta in (0.0, 1.0, 5.0):
        init = LRwPRType4(eta=eta, C=1.0)
        init.n_sfv_ = 2
        init.n_features_ = p + 1
        init.init_coef(3, Xa, y, s)
        start = init.coef_.copy()
        clr = LRwPRType4(eta=eta, C=1.0)
        clr.fit(Xs, y, 1, itype=3)
        pred = clr.predict(Xs)
        out["runs"].append({
            "eta": eta,
            "start": start.tolist(),
            "coef": clr.coef_.tolist(),
            "loss": float(clr.f_loss_),
            "start_loss": float(clr.loss(start, Xa, y, s)),
            "positive_rate": [float(pred[s == g].mean()) for g in (0, 1)],
        })
        print(eta, clr.f_loss_, [float(pred[s == g].mean()) for g in (0, 1)])
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "prejudice_remover.json")
    with open(path, "w") as f:
        json.dump(out, f, sort_keys=True)


if __name__ == "__main__":
    main()
