"""Conformance fixture for FairPipe's disparate impact remover against AIF360's
DisparateImpactRemover (BlackBoxAuditing 0.1.54 repairer), fitted and applied on the same
training table, at repair levels 0, 0.5 and 1.

Features: column 0 of AIF360's table is the protected attribute g (0/1); FairPipe receives
the other columns and the group codes. Also records the Freedman–Diaconis strata AIF360
forms from g, so the test can confirm they coincide with the group codes.

Run from this folder: python3 generate_disparate_impact_remover.py
(needs `pip install BlackBoxAuditing`, AIF360's optional dependency)
"""
import json
import warnings

import numpy as np
import pandas as pd
from aif360.algorithms.preprocessing import DisparateImpactRemover
from aif360.datasets import BinaryLabelDataset
from BlackBoxAuditing.repairers.binning.Binner import make_histogram_bins
from BlackBoxAuditing.repairers.binning.BinSizes import FreedmanDiaconisBinSize

from fixture_data import feature_table

warnings.filterwarnings("ignore")

g, X, y = feature_table(31, 500)
df = pd.DataFrame({"g": g.astype(float), "x1": X[:, 0], "x2": X[:, 1], "x3": X[:, 2], "y": y.astype(float)})
ds = BinaryLabelDataset(df=df, label_names=["y"], protected_attribute_names=["g"])
repaired = {}
for level in (0.0, 0.5, 1.0):
    out = DisparateImpactRemover(repair_level=level, sensitive_attribute="g").fit_transform(ds)
    names = out.feature_names
    cols = [names.index(c) for c in ("x1", "x2", "x3")]
    repaired[str(level)] = out.features[:, cols].ravel().tolist()
    assert out.features[:, names.index("g")].tolist() == g.astype(float).tolist()

bins = make_histogram_bins(FreedmanDiaconisBinSize, [[float(v)] for v in g], 0)
strata_match_codes = all(len(set(g[b].tolist())) == 1 for b in bins) and len(bins) == len(set(g.tolist()))

with open("disparate_impact_remover.json", "w") as f:
    json.dump({"groups": g.tolist(), "group_names": ["g0", "g1"], "rows": len(g), "columns": 3,
               "features": X.ravel().tolist(), "repaired": repaired,
               "strata_match_codes": bool(strata_match_codes)}, f, indent=1, sort_keys=True)
