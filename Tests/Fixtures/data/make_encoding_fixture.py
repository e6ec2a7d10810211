"""Golden values for EncodingTests: scikit-learn's median imputation + StandardScaler on
numeric columns and OneHotEncoder(handle_unknown="ignore") with most-frequent imputation on
categorical columns, fitted on train.csv and applied to test.csv.

Run from this folder: python3 make_encoding_fixture.py  (writes train.csv, test.csv,
encoding_expected.json; the Swift tests never run Python).
"""
import json

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

rng = np.random.default_rng(20261125)


def frame(n, levels):
    x1 = np.round(rng.normal(3.0, 2.0, n), 3)
    x2 = np.round(rng.exponential(1.5, n), 3)
    x1[rng.random(n) < 0.1] = np.nan
    cat = rng.choice(levels, n).astype(object)
    cat[rng.random(n) < 0.1] = None
    return pd.DataFrame({"x1": x1, "x2": x2, "cat": cat})


train = frame(40, ["red", "green", "blue", "a,b \"q\""])
test = frame(15, ["red", "green", "blue", "purple"])
train.to_csv("train.csv", index=False, lineterminator="\n", float_format="%.3f")
test.to_csv("test.csv", index=False, lineterminator="\n", float_format="%.3f")

# Read back exactly as written, so both sides see the same numbers.
train = pd.read_csv("train.csv", keep_default_na=False, na_values=[""])
test = pd.read_csv("test.csv", keep_default_na=False, na_values=[""])

numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
categorical = make_pipeline(
    SimpleImputer(strategy="most_frequent"),
    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
)
transformer = ColumnTransformer([("num", numeric, ["x1", "x2"]), ("cat", categorical, ["cat"])])
transformer.fit(train)
names = ["x1", "x2"] + [f"cat={level}" for level in transformer.named_transformers_["cat"][1].categories_[0]]
expected = {
    "names": names,
    "train": transformer.transform(train).tolist(),
    "test": transformer.transform(test).tolist(),
}
with open("encoding_expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
