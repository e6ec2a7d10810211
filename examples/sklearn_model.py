#!/usr/bin/env python3
"""A scikit-learn model speaking FairPipe's external-model contract.

    sklearn_model.py fit TRAIN VALIDATION WEIGHTS MODEL_DIR
    sklearn_model.py predict MODEL_DIR INPUT OUTPUT

TRAIN and VALIDATION are CSV files of the feature columns and `label` (0/1); WEIGHTS has
one column `weight`, one row per training row (all 1 unless a mitigation such as
reweighing or exponentiated gradient supplies weights). MODEL_DIR is a folder this script
owns: `fit` saves the model there, `predict` loads it. INPUT holds the feature columns
only; `predict` writes OUTPUT: a header line, then one probability of class 1 per row.

With `model.external.features: encoded` every column is a number (FairPipe's encoding);
with `raw`, text columns are one-hot encoded and numbers standardised here, inside a
scikit-learn Pipeline that is saved with the model.

The estimator is LogisticRegression(C=1.0, max_iter=1000): set FAIRPIPE_SKLEARN_C to
change C. Swap in any estimator whose fit takes `sample_weight` and that has
`predict_proba`.
"""
import os
import pickle
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

MODEL_FILE = "model.pkl"


def estimator(features: pd.DataFrame):
    model = LogisticRegression(C=float(os.environ.get("FAIRPIPE_SKLEARN_C", "1.0")), max_iter=1000)
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if not text:
        return model
    numbers = [c for c in features.columns if c not in text]
    prepare = ColumnTransformer([
        ("text", OneHotEncoder(handle_unknown="ignore"), text),
        ("numbers", StandardScaler(), numbers),
    ])
    return Pipeline([("prepare", prepare), ("model", model)])


def fit(train_path, validation_path, weights_path, model_dir):
    train = pd.read_csv(train_path, keep_default_na=False, na_values=[""])
    labels = train.pop("label").to_numpy()
    weights = pd.read_csv(weights_path)["weight"].to_numpy(dtype=float)
    if len(weights) != len(train):
        sys.exit(f"sklearn_model.py: {len(weights)} weights for {len(train)} training rows")
    model = estimator(train)
    step = "model__sample_weight" if isinstance(model, Pipeline) else "sample_weight"
    model.fit(train, labels, **{step: weights})
    # The validation split is there for early stopping; logistic regression does not need it.
    _ = validation_path
    with open(os.path.join(model_dir, MODEL_FILE), "wb") as f:
        pickle.dump({"model": model, "columns": list(train.columns)}, f)


def predict(model_dir, input_path, output_path):
    with open(os.path.join(model_dir, MODEL_FILE), "rb") as f:
        saved = pickle.load(f)
    rows = pd.read_csv(input_path, keep_default_na=False, na_values=[""])
    if list(rows.columns) != saved["columns"]:
        sys.exit(f"sklearn_model.py: input columns {list(rows.columns)} differ from the fitted {saved['columns']}")
    scores = saved["model"].predict_proba(rows)[:, 1]
    with open(output_path, "w") as out:
        out.write("score\n")
        out.writelines(f"{float(s)!r}\n" for s in np.clip(scores, 0.0, 1.0))


def main(argv):
    if len(argv) == 6 and argv[1] == "fit":
        fit(*argv[2:])
    elif len(argv) == 5 and argv[1] == "predict":
        predict(*argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
