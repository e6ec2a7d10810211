"""Reference timing for `fairpipe-bench threshold_optimizer`: fairlearn's ThresholdOptimizer
(prefit, grid_size 1000) fit on 1,000,000 validation rows and predict on 1,000,000 test rows,
data drawn from the same distribution as Sources/bench/MitigationBench.swift (numpy's
generator, so not the same rows). Not a fixture: prints one line per measurement.

Run: python3 bench_threshold_optimizer.py
"""
import time
import warnings

import numpy as np
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator, ClassifierMixin

warnings.filterwarnings("ignore")


class ScoreColumn(BaseEstimator, ClassifierMixin):
    def fit(self, X, y):
        self.fitted_ = True
        return self

    def decision_function(self, X):
        return np.asarray(X)[:, 0]


def data(seed, rows, groups):
    rng = np.random.RandomState(seed)
    g = rng.randint(0, groups, size=rows)
    y = (rng.rand(rows) < 0.3 + 0.1 * g).astype(int)
    logit = 1.6 * (2 * y - 1) + 0.3 * g - 0.5 + 1.4 * rng.normal(size=rows)
    s = np.round(1 / (1 + np.exp(-logit)) * 10000) / 10000
    return s.reshape(-1, 1), y, np.array([f"g{v}" for v in g])


rows = 1_000_000
for groups in (2, 4):
    Xv, yv, gv = data(1, rows, groups)
    Xt, yt, gt = data(2, rows, groups)
    for constraint in ("demographic_parity", "equalized_odds"):
        to = ThresholdOptimizer(estimator=ScoreColumn().fit(Xv, yv), constraints=constraint,
                                objective="accuracy_score", grid_size=1000, prefit=True,
                                predict_method="decision_function")
        t0 = time.perf_counter()
        to.fit(Xv, yv, sensitive_features=gv)
        t1 = time.perf_counter()
        pred = to.predict(Xt, sensitive_features=gt, random_state=42)
        t2 = time.perf_counter()
        print(f"fairlearn threshold_optimizer: rows={rows} groups={groups} constraint={constraint} "
              f"fit_s={t1 - t0:.3f} apply_s={t2 - t1:.3f} total_s={t2 - t0:.3f} selection_rate={pred.mean():.4f}")
