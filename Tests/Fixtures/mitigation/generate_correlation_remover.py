"""Conformance fixture for FairPipe's correlation remover against fairlearn's
CorrelationRemover: fitted on a training table, applied to training and test tables, at
alpha 1 and 0.5, with (a) one one-hot sensitive attribute of 3 categories and (b) two
one-hot attributes (2 and 3 categories; rank-deficient once centred).

Run from this folder: python3 generate_correlation_remover.py
"""
import json

import numpy as np
from fairlearn.preprocessing import CorrelationRemover


def table(seed, n):
    rng = np.random.RandomState(seed)
    a = rng.randint(0, 2, size=n)
    b = rng.randint(0, 3, size=n)
    X = np.column_stack([
        rng.normal(0, 1, n) + 1.5 * a,
        rng.normal(2, 3, n) - 2.0 * (b == 2) + 0.5 * a,
        rng.gamma(2.0, 1.0, n) * (1 + b),
    ])
    onehot_a = np.eye(2)[a]
    onehot_b = np.eye(3)[b]
    return X, onehot_a, onehot_b


train = table(41, 300)
test = table(42, 120)
cases = []
for name, pick in (("one_attribute", lambda t: t[2]), ("two_attributes", lambda t: np.hstack([t[1], t[2]]))):
    S_train, S_test = pick(train), pick(test)
    k = S_train.shape[1]
    full_train = np.hstack([train[0], S_train])
    full_test = np.hstack([test[0], S_test])
    ids = list(range(3, 3 + k))
    for alpha in (1.0, 0.5):
        cr = CorrelationRemover(sensitive_feature_ids=ids, alpha=alpha).fit(full_train)
        cases.append({"name": name, "alpha": alpha, "sensitive_columns": k,
                      "train_sensitive": S_train.ravel().tolist(), "test_sensitive": S_test.ravel().tolist(),
                      "train_out": cr.transform(full_train).ravel().tolist(),
                      "test_out": cr.transform(full_test).ravel().tolist()})

with open("correlation_remover.json", "w") as f:
    json.dump({"columns": 3, "train_rows": 300, "test_rows": 120,
               "train_features": train[0].ravel().tolist(), "test_features": test[0].ravel().tolist(),
               "cases": cases}, f, indent=1, sort_keys=True)
