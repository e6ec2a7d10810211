"""Peer timing for `make bench-reductions`: fairlearn's ExponentiatedGradient on the exact
training split FairPipe's mitigate stage fits (a make-dataset output folder), encoded with
that folder's encoding.json (standardised numerics, one-hot levels in sorted order), the
sensitive groups being the sex&race combinations, demographic parity with
difference_bound 0.01, eps 0.01, max_iter 50, eta0 2.0 (fairlearn's defaults and the
pipeline's).

    python3 fairlearn_adult_eg.py DATASET_DIR [lbfgs|newton-cholesky ...]

`lbfgs` is scikit-learn's default LogisticRegression() (as a user runs it); `newton-cholesky`
with tol 1e-10 solves the same problem FairPipe's oracle solves. Prints one line per solver.
"""
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from fairlearn.reductions import DemographicParity, ExponentiatedGradient
from sklearn.linear_model import LogisticRegression

warnings.filterwarnings("ignore")


def load(folder):
    encoding = json.load(open(f"{folder}/encoding.json"))
    schema = json.load(open(f"{folder}/schema.json"))
    frame = pd.read_csv(f"{folder}/train.csv", dtype=str, keep_default_na=False)
    columns = []
    for column in encoding["columns"]:
        values = frame[column["name"]]
        if column["type"] == "numeric":
            columns.append(((values.astype(float) - column["mean"]) / column["scale"]).to_numpy()[:, None])
        else:
            levels = column["levels"]
            columns.append(np.stack([(values == level).to_numpy(float) for level in levels], axis=1))
    X = np.hstack(columns)
    y = frame[schema["label"]].astype(int).to_numpy()
    groups = frame[schema["sensitive"]].agg("&".join, axis=1).to_numpy()
    return X, y, groups


def main():
    X, y, groups = load(sys.argv[1])
    for solver in sys.argv[2:] or ["lbfgs"]:
        estimator = (LogisticRegression() if solver == "lbfgs"
                     else LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10, max_iter=200))
        eg = ExponentiatedGradient(estimator, DemographicParity(difference_bound=0.01), eps=0.01, max_iter=50, eta0=2.0)
        start = time.perf_counter()
        eg.fit(X, y, sensitive_features=groups)
        seconds = time.perf_counter() - start
        weights = eg.weights_
        error = sum(weights[i] * np.mean(eg._hs[i](X) != y) for i in weights.index if weights[i] > 0)
        gamma = sum(weights[i] * eg.constraints_.gamma(eg._hs[i]) for i in weights.index if weights[i] > 0)
        print(f"fairlearn_eg: rows={X.shape[0]} cols={X.shape[1]} solver={solver} fit_s={seconds:.2f} "
              f"oracle_calls={eg.n_oracle_calls_} error={error:.6f} violation={gamma.max():.6f}", flush=True)


if __name__ == "__main__":
    main()
