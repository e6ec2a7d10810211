"""Writes many_groups.csv: a sensitive `zip` column with 500 distinct values.

The fixture of issue #12 ("a sensitive column with many distinct values"): 6000 rows,
sensitive attributes sex (2 groups), young (0/1) and zip (500 codes with Zipf-like
frequencies, so a few zips are large and most have a handful of rows). With the default
fairness.min_group_size = 30 most zips and intersections are small, many strata of
label x sex x young x zip have fewer than 5 rows, and sex&young&zip has 2000 combinations,
over the default fairness.max_groups = 1000 (1452 on the 363 zips of
the test split). Deterministic (seeded); standard library only.

    python3 make_many_groups.py   # rewrites many_groups.csv next to this script
"""
import csv
import math
import os
import random

rng = random.Random(12)
ROWS = 6000
ZIPS = [f"z{k:03d}" for k in range(500)]
weights = [1.0 / (k + 1) ** 0.8 for k in range(len(ZIPS))]

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "many_groups.csv"), "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["income", "hours", "sector", "sex", "young", "zip", "label"])
    for _ in range(ROWS):
        sex = rng.choice(["female", "male"])
        young = rng.choice(["0", "1"])
        zip_code = rng.choices(ZIPS, weights)[0]
        income = round(rng.gauss(50 + (5 if sex == "male" else 0), 12), 2)
        hours = round(rng.gauss(40, 8), 1)
        sector = rng.choice(["public", "private", "self"])
        z = 0.08 * (income - 50) + 0.05 * (hours - 40) - 0.4 * (young == "1") + (0.3 if sector == "self" else 0)
        label = 1 if rng.random() < 1 / (1 + math.exp(-z)) else 0
        out.writerow([income, hours, sector, sex, young, zip_code, label])
