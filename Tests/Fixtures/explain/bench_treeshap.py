"""Reference timing for `fairpipe-bench treeshap`: shap.TreeExplainer (path-dependent, its C++
TreeSHAP, one thread) on a scikit-learn GradientBoostingClassifier fitted to a FairPipe dataset
folder's encoded training split, explaining the encoded test split. Exports the same trees and
rows (and shap's values) for the Swift side, so both explain the same model. Not a fixture:
prints one line per measurement.

Run:  python3 Tests/Fixtures/explain/bench_treeshap.py outputs/runs/adult/dataset
      .build/release/fairpipe-bench treeshap
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import shap
from sklearn.ensemble import GradientBoostingClassifier

dataset = sys.argv[1] if len(sys.argv) > 1 else "outputs/runs/adult/dataset"
out = os.environ.get("FAIRPIPE_TREESHAP_MODEL", "/tmp/fairpipe-treeshap-bench.json")
encoding = json.load(open(os.path.join(dataset, "encoding.json")))
schema = json.load(open(os.path.join(dataset, "schema.json")))


def encode(split):
    df = pd.read_csv(os.path.join(dataset, f"{split}.csv"), dtype=str, keep_default_na=False)
    blocks = []
    for column in encoding["columns"]:
        values = df[column["name"]]
        if column["type"] == "numeric":
            x = pd.to_numeric(values.replace("", np.nan)).fillna(column.get("fill") or 0).to_numpy(float)
            blocks.append(((x - column["mean"]) / column["scale"])[:, None])
        else:
            blocks.append(np.stack([(values == level).to_numpy(float) for level in column["levels"]], axis=1))
    # float32-exact values: scikit-learn's trees compare in float32, FairPipe in float64.
    X = np.hstack(blocks).astype(np.float32).astype(np.float64)
    return X, pd.to_numeric(df[schema["label"]]).to_numpy(int)


X_train, y_train = encode("train")
X_test, _ = encode("test")
start = time.perf_counter()
model = GradientBoostingClassifier(n_estimators=100, max_depth=4, learning_rate=0.1, random_state=0).fit(X_train, y_train)
print(f"sklearn.gbc_fit: rows={len(X_train)} features={X_train.shape[1]} seconds={time.perf_counter() - start:.2f}")

explainer = shap.TreeExplainer(model)
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    values = explainer.shap_values(X_test)
    best = min(best, time.perf_counter() - start)
print(f"shap.tree_explainer: rows={len(X_test)} trees=100 threads=1 seconds={best:.3f} rows_per_s={len(X_test) / best:.0f} shap={shap.__version__}")

trees = []
for estimator in model.estimators_[:, 0]:
    t = estimator.tree_
    trees.append([{
        "feature": int(t.feature[i]) if t.children_left[i] >= 0 else -1,
        "threshold": float(t.threshold[i]) if t.children_left[i] >= 0 else 0.0,
        "left": int(t.children_left[i]), "right": int(t.children_right[i]),
        "value": float(model.learning_rate * t.value[i][0][0]) if t.children_left[i] < 0 else 0.0,
        "cover": float(t.weighted_n_node_samples[i]),
    } for i in range(t.node_count)])
with open(out, "w") as f:
    json.dump({"rows": len(X_test), "features": X_test.shape[1], "X": X_test.ravel().tolist(),
               "base_margin": float(model._raw_predict_init(X_test[:1])[0, 0]), "trees": trees,
               "shap_values": np.asarray(values).ravel().tolist()}, f)
print(f"exported {out}")
