"""Shared synthetic data for the mitigation conformance fixtures.

Biased scores: group membership shifts both the base rate and the score, so every
method has something to correct. Scores are rounded to 3 decimals so ties occur (the
reference implementations' tie handling is part of what the fixtures pin down).
"""
import numpy as np


def scored_split(seed, n, groups=("a", "b", "c"), shift=(0.0, -0.6, 0.4), base=(0.5, 0.3, 0.6)):
    rng = np.random.RandomState(seed)
    g = rng.randint(0, len(groups), size=n)
    p = np.array(base)[g]
    y = (rng.rand(n) < p).astype(int)
    logit = 1.6 * (2 * y - 1) + np.array(shift)[g] + rng.normal(0, 1.4, size=n)
    s = np.round(1 / (1 + np.exp(-logit)), 3)
    return {"scores": s.tolist(), "labels": y.tolist(), "groups": g.tolist(), "group_names": list(groups)}


def feature_table(seed, n):
    """Numeric features with group-dependent distributions; column 0 is the group code."""
    rng = np.random.RandomState(seed)
    g = rng.randint(0, 2, size=n)
    x1 = np.round(rng.normal(50 + 8 * g, 10, size=n))          # integer-valued, many ties
    x2 = np.round(rng.gamma(2.0 + g, 1.5, size=n), 2)
    x3 = np.round(rng.rand(n) + 0.3 * g, 3)
    y = (rng.rand(n) < 0.3 + 0.3 * g).astype(int)
    return g, np.column_stack([x1, x2, x3]), y
