#!/usr/bin/env python3
"""Golden values for `mitigate --preds` with threshold_optimizer (issue #11).

A scikit-learn LogisticRegression is fitted on a synthetic training split; its scores on a
validation and a test split are written as predictions CSVs (any model's output, as a user
would bring them). fairlearn's ThresholdOptimizer(prefit=True) is then fitted on the
validation scores and applied to test; the expected accuracy and equalized-odds violation
of its randomized decisions (from its decision probabilities, so no draw is involved) go to
expected.json. The Swift test runs `mitigate --preds test.csv --validation-preds
validation.csv` and must land within 0.005 of both.

    pip install scikit-learn==1.9.1 fairlearn==0.15.0 pandas numpy
    python3 Tests/Fixtures/external/threshold_optimizer/generate.py
"""
import json
import os

import numpy as np
import pandas as pd
import fairlearn
import sklearn
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(11)
n = 12000
sex = np.where(rng.random(n) < 0.6, "Male", "Female")
female = (sex == "Female").astype(float)
X = rng.normal(size=(n, 4))
X[:, 0] -= 0.8 * female  # a proxy: the first feature is shifted for one group
logit = 1.2 * X[:, 0] + 0.7 * X[:, 1] - 0.5 * X[:, 2] - 0.6 * female - 0.3
y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
train, validation, test = np.arange(0, 4000), np.arange(4000, 8000), np.arange(8000, n)

model = LogisticRegression().fit(X[train], y[train])


def predictions(rows):
    return pd.DataFrame({
        "id": rows, "sex": sex[rows], "y": y[rows],
        "p": [repr(float(s)) for s in model.predict_proba(X[rows])[:, 1]],
    })


predictions(validation).to_csv(os.path.join(HERE, "validation.csv"), index=False)
predictions(test).to_csv(os.path.join(HERE, "test.csv"), index=False)

optimizer = ThresholdOptimizer(
    estimator=model, constraints="equalized_odds", objective="accuracy_score", prefit=True,
    predict_method="predict_proba")
optimizer.fit(X[validation], y[validation], sensitive_features=sex[validation])
p = optimizer._pmf_predict(X[test], sensitive_features=sex[test])[:, 1]
yt, st = y[test], sex[test]
accuracy = float(np.mean(yt * p + (1 - yt) * (1 - p)))
rates = {}
for g in ("Female", "Male"):
    m = st == g
    rates[g] = (float(p[m & (yt == 1)].mean()), float(p[m & (yt == 0)].mean()))
tpr_gap = abs(rates["Female"][0] - rates["Male"][0])
fpr_gap = abs(rates["Female"][1] - rates["Male"][1])
expected = {
    "accuracy": accuracy,
    "equalized_odds_difference": max(tpr_gap, fpr_gap),
    "true_positive_rate": {g: r[0] for g, r in rates.items()},
    "false_positive_rate": {g: r[1] for g, r in rates.items()},
    "versions": {"scikit-learn": sklearn.__version__, "fairlearn": fairlearn.__version__, "numpy": np.__version__},
}
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write("\n")
print(json.dumps(expected, indent=2, sort_keys=True))
