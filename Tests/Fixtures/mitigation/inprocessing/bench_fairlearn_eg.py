"""Times fairlearn's ExponentiatedGradient (and GridSearch) on the benchmark data of
Sources/bench/InprocessingBench.swift, and writes that data for the Swift benchmark.

    python3 bench_fairlearn_eg.py /tmp/eg_bench.bin
    INPROCESSING_BENCH_DATA=/tmp/eg_bench.bin .build/release/fairpipe-bench exponentiated_gradient

Data: 50,000 × 100, group ~ Bernoulli(0.4) shifting the first 5 features by 0.8, labels from
a logistic model with a direct group effect. Written as raw little-endian float64: X (row-major),
then y, then the group. Oracle: LogisticRegression(C=1, solver="newton-cholesky", tol=1e-10),
the problem FairPipe's oracle solves; also the scikit-learn default solver (lbfgs) for reference.
"""
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from fairlearn.reductions import DemographicParity, ExponentiatedGradient, GridSearch

warnings.filterwarnings("ignore")


def make(n=50_000, p=100, seed=1):
    rng = np.random.default_rng(seed)
    beta = 2 * rng.normal(size=p) / np.sqrt(p)
    g = (rng.random(n) < 0.4).astype(float)
    X = rng.normal(size=(n, p))
    X[:, :5] += 0.8 * g[:, None]
    logit = X @ beta + 0.8 * g - 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return X, y, g


def main():
    X, y, g = make()
    if len(sys.argv) > 1:
        np.concatenate([X.ravel(), y, g]).astype("<f8").tofile(sys.argv[1])
    for solver, tol in (("newton-cholesky", 1e-10), ("lbfgs", 1e-4)):
        est = LogisticRegression(C=1.0, solver=solver, tol=tol, max_iter=1000)
        eg = ExponentiatedGradient(est, DemographicParity(), eps=0.01, max_iter=50, eta0=2.0)
        start = time.perf_counter()
        eg.fit(X, y, sensitive_features=g)
        seconds = time.perf_counter() - start
        w = eg.weights_
        hs = eg._hs
        err = sum(w[i] * np.mean(hs[i](X) != y) for i in w.index if w[i] > 0)
        gam = sum(w[i] * eg.constraints_.gamma(hs[i]) for i in w.index if w[i] > 0)
        print(f"fairlearn_exponentiated_gradient: solver={solver} fit_s={seconds:.3f} "
              f"oracle_calls={eg.n_oracle_calls_} iterations={eg.last_iter_ + 1} predictors={len(hs)} "
              f"error={err:.6f} violation={gam.max():.6f} best_gap={eg.best_gap_:.3g}", flush=True)
    est = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10, max_iter=1000)
    start = time.perf_counter()
    gs = GridSearch(est, DemographicParity(), grid_size=10).fit(X, y, sensitive_features=g)
    print(f"fairlearn_grid_search: fit_s={time.perf_counter() - start:.3f}", flush=True)


if __name__ == "__main__":
    main()
