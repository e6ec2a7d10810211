"""Conformance fixture for FairPipe's ThresholdOptimizer against fairlearn's.

Runs fairlearn.postprocessing.ThresholdOptimizer(prefit=True,
predict_method="decision_function") on fixed validation scores for several
(constraints, objective, flip) settings and records fairlearn's interpolation dict
(thresholds and mixing probabilities per group) and `_pmf_predict` (the probability of a
favourable decision) for every validation and test row. The Swift test compares those
probabilities to 1e-12 and the interpolation dicts exactly.

Run from this folder: python3 generate_threshold_optimizer.py
"""
import json
import warnings

import numpy as np
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator, ClassifierMixin

from fixture_data import scored_split

warnings.filterwarnings("ignore")


class ScoreColumn(BaseEstimator, ClassifierMixin):
    """A 'model' whose decision function is the score column itself."""

    def fit(self, X, y):
        self.fitted_ = True
        return self

    def decision_function(self, X):
        return np.asarray(X)[:, 0]


def op(o):
    t = float(o.threshold)
    return {"operator": o.operator, "threshold": "inf" if t == np.inf else ("-inf" if t == -np.inf else t)}


validation = scored_split(11, 700)
test = scored_split(12, 400)
cases = []
settings = [
    ("demographic_parity", "accuracy_score", False),
    ("demographic_parity", "balanced_accuracy_score", False),
    ("true_positive_rate_parity", "accuracy_score", False),
    ("false_positive_rate_parity", "balanced_accuracy_score", False),
    ("equalized_odds", "accuracy_score", False),
    ("equalized_odds", "balanced_accuracy_score", False),
    ("demographic_parity", "accuracy_score", True),
    ("equalized_odds", "accuracy_score", True),
]
for constraints, objective, flip in settings:
    X = np.array(validation["scores"]).reshape(-1, 1)
    est = ScoreColumn().fit(X, validation["labels"])
    to = ThresholdOptimizer(estimator=est, constraints=constraints, objective=objective, grid_size=1000,
                            flip=flip, prefit=True, predict_method="decision_function")
    sf = np.array(validation["group_names"])[validation["groups"]]
    to.fit(X, np.array(validation["labels"]), sensitive_features=sf)
    groups = []
    for name in validation["group_names"]:
        b = to.interpolated_thresholder_.interpolation_dict[name]
        entry = {"name": name, "p0": float(b.p0), "operation0": op(b.operation0),
                 "p1": float(b.p1), "operation1": op(b.operation1)}
        if "p_ignore" in b:
            entry["p_ignore"] = float(b.p_ignore)
            entry["prediction_constant"] = float(b.prediction_constant)
        groups.append(entry)
    pmf = {}
    for split_name, split in (("validation", validation), ("test", test)):
        Xs = np.array(split["scores"]).reshape(-1, 1)
        sfs = np.array(split["group_names"])[split["groups"]]
        pmf[split_name] = to._pmf_predict(Xs, sensitive_features=sfs)[:, 1].tolist()
    cases.append({"constraints": constraints, "objective": objective, "flip": flip,
                  "x_best": float(to._x_best), "groups": groups,
                  "positive_probability": pmf})

with open("threshold_optimizer.json", "w") as f:
    json.dump({"validation": validation, "test": test, "cases": cases}, f, indent=1, sort_keys=True)
