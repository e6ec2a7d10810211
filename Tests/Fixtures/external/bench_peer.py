#!/usr/bin/env python3
"""The peer side of bench_external.sh: on FairPipe's encoded Adult splits, time
(a) one LogisticRegression fit in memory, (b) the same fit as one external-contract call
(python start, pandas read of the CSV FairPipe writes, fit, pickle), and (c) fairlearn's
ExponentiatedGradient (DemographicParity, eps 0.01, max_iter N) with the same estimator,
fitted on train and predicting validation and test."""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from fairlearn.reductions import DemographicParity, ExponentiatedGradient
from sklearn.linear_model import LogisticRegression

folder, iterations = sys.argv[1], int(sys.argv[2])
encoding = json.load(open(os.path.join(folder, "encoding.json")))
schema = json.load(open(os.path.join(folder, "schema.json")))


def encode(split):
    table = pd.read_csv(os.path.join(folder, f"{split}.csv"), keep_default_na=False, na_values=[""])
    columns = []
    for c in encoding["columns"]:
        v = table[c["name"]]
        if c["type"] == "numeric":
            columns.append(((v.astype(float) - c["mean"]) / c["scale"]).to_numpy()[:, None])
        else:
            levels = c["levels"]
            columns.append(np.stack([(v.astype(str) == l).to_numpy(dtype=float) for l in levels], axis=1))
    X = np.hstack(columns)
    return X, table[schema["label"]].to_numpy(dtype=int), table[schema["sensitive"]].astype(str).agg("&".join, axis=1)


X, y, g = encode("train")
Xv, _, _ = encode("validation")
Xt, _, _ = encode("test")
t = time.perf_counter()
LogisticRegression(max_iter=1000).fit(X, y, sample_weight=np.ones(len(y)))
in_memory = time.perf_counter() - t

with tempfile.TemporaryDirectory() as work:
    names = [f"x{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names)
    frame["label"] = y
    frame.to_csv(os.path.join(work, "train.csv"), index=False)
    pd.DataFrame({"weight": np.ones(len(y))}).to_csv(os.path.join(work, "weights.csv"), index=False)
    os.mkdir(os.path.join(work, "model"))
    t = time.perf_counter()
    subprocess.run([sys.executable, "examples/sklearn_model.py", "fit", os.path.join(work, "train.csv"),
                    os.path.join(work, "train.csv"), os.path.join(work, "weights.csv"), os.path.join(work, "model")], check=True)
    one_call = time.perf_counter() - t
print(f"sklearn LogisticRegression fit in memory ({X.shape[0]}x{X.shape[1]}): {in_memory:.3f} s")
print(f"one external-contract fit call (process start, CSV read, fit, pickle): {one_call:.3f} s "
      f"-> overhead {one_call - in_memory:.3f} s")

t = time.perf_counter()
eg = ExponentiatedGradient(LogisticRegression(max_iter=1000), DemographicParity(), eps=0.01, max_iter=iterations)
eg.fit(X, y, sensitive_features=g)
eg._pmf_predict(Xv)
eg._pmf_predict(Xt)
print(f"fairlearn ExponentiatedGradient (max_iter {iterations}) fit + predict validation/test: "
      f"{time.perf_counter() - t:.3f} s, {len(eg.predictors_)} predictors")
