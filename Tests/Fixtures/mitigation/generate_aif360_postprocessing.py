"""Conformance fixtures for reject option classification, calibrated equalized odds and
reweighing against AIF360 0.6.1.

Two groups: "p" (code 0, privileged) and "u" (code 1, unprivileged), biased scores.
Records, per setting, what AIF360 fitted (threshold and margin; mixing and base rates;
per-row weights) and ROC's decisions on a held-out test split.

Run from this folder: python3 generate_aif360_postprocessing.py
"""
import json
import warnings

import numpy as np
import pandas as pd
from aif360.algorithms.postprocessing import CalibratedEqOddsPostprocessing, RejectOptionClassification
from aif360.algorithms.preprocessing import Reweighing
from aif360.datasets import BinaryLabelDataset

from fixture_data import scored_split

warnings.filterwarnings("ignore")

PRIV = [{"g": 0}]
UNPRIV = [{"g": 1}]


def dataset(split, scores=True):
    df = pd.DataFrame({"g": np.array(split["groups"], dtype=float), "y": np.array(split["labels"], dtype=float)})
    ds = BinaryLabelDataset(df=df, label_names=["y"], protected_attribute_names=["g"],
                            favorable_label=1.0, unfavorable_label=0.0)
    if scores:
        ds.scores = np.array(split["scores"], dtype=float).reshape(-1, 1)
    return ds


kw = dict(groups=("p", "u"), shift=(0.3, -0.5), base=(0.55, 0.35))
validation = scored_split(21, 600, **kw)
test = scored_split(22, 300, **kw)

roc = []
for metric, name in [("Statistical parity difference", "statistical_parity_difference"),
                     ("Average odds difference", "average_odds_difference"),
                     ("Equal opportunity difference", "equal_opportunity_difference")]:
    true_ds = dataset(validation, scores=False)
    pred_ds = dataset(validation)
    r = RejectOptionClassification(unprivileged_groups=UNPRIV, privileged_groups=PRIV,
                                   low_class_thresh=0.01, high_class_thresh=0.99,
                                   num_class_thresh=100, num_ROC_margin=50,
                                   metric_name=metric, metric_ub=0.05, metric_lb=-0.05)
    r.fit(true_ds, pred_ds)
    decisions = r.predict(dataset(test)).labels.ravel().astype(int).tolist()
    roc.append({"metric": name, "classification_threshold": float(r.classification_threshold),
                "margin": float(r.ROC_margin), "test_decisions": decisions})

ceo = []
for constraint in ["fpr", "fnr", "weighted"]:
    c = CalibratedEqOddsPostprocessing(privileged_groups=PRIV, unprivileged_groups=UNPRIV,
                                       cost_constraint=constraint, seed=1)
    c.fit(dataset(validation, scores=False), dataset(validation))
    ceo.append({"cost_constraint": constraint, "priv_mix_rate": float(c.priv_mix_rate),
                "unpriv_mix_rate": float(c.unpriv_mix_rate), "base_rate_priv": float(c.base_rate_priv),
                "base_rate_unpriv": float(c.base_rate_unpriv)})

rw = Reweighing(unprivileged_groups=UNPRIV, privileged_groups=PRIV)
weights = rw.fit_transform(dataset(validation, scores=False)).instance_weights.tolist()

with open("aif360_postprocessing.json", "w") as f:
    json.dump({"validation": validation, "test": test, "reject_option": roc,
               "calibrated_eq_odds": ceo, "reweighing_weights": weights}, f, indent=1, sort_keys=True)
