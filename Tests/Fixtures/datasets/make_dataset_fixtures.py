"""Builds the small benchmark-format fixtures and their expected parse results.

Run from the repository root with the real upstream files in data/raw/<name>/ (see
data/README.md):  python3 Tests/Fixtures/datasets/make_dataset_fixtures.py

Each fixture is an excerpt of the real file in its exact format (separators, `?`, the
adult.test comment line and trailing `.` labels, COMPAS's repeated header names and
quoted fields), plus a few edited COMPAS rows so that every clause of ProPublica's filter
removes something. Expected values come from pandas, independently of the Swift parser.
"""
import csv
import io
import json
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = "data/raw"


def lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# --- Adult: 30 training rows (some with `?`), the test file's comment line and 12 rows.
adult_data = lines(f"{RAW}/adult/adult.data")
picked = adult_data[:24] + [l for l in adult_data if b"?" in l][:6]
write("adult.data", b"\n".join(picked) + b"\n\n")
adult_test = lines(f"{RAW}/adult/adult.test")
assert adult_test[0].startswith(b"|1x3")
write("adult.test", b"\n".join(adult_test[:13]) + b"\n\n")

columns = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
           "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country", "income"]
frames = [
    pd.read_csv(os.path.join(HERE, "adult.data"), header=None, names=columns, sep=", ", engine="python", na_values="?"),
    pd.read_csv(os.path.join(HERE, "adult.test"), header=None, names=columns, sep=", ", engine="python", na_values="?", skiprows=1),
]
adult = pd.concat(frames, ignore_index=True)
adult["income"] = adult["income"].str.rstrip(".")
expected = {
    "adult": {
        "rows": int(len(adult)),
        "positives": int((adult["income"] == ">50K").sum()),
        "rows_with_missing": int(adult.isna().any(axis=1).sum()),
        "missing_workclass": int(adult["workclass"].isna().sum()),
        "first_age": float(adult["age"].iloc[0]),
        "last_income": adult["income"].iloc[-1],
    }
}

# --- COMPAS: the header, 36 real rows (some failing the screening-date window), and copies
# edited to fail each other clause, plus one charge description with a quoted comma.
with open(f"{RAW}/compas/compas-scores-two-years.csv", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = [next(reader) for _ in range(36)]
index = {name: header.index(name) for name in ["is_recid", "c_charge_degree", "score_text", "c_charge_desc", "id", "days_b_screening_arrest"]}
# Edited copies of rows that pass the filter, so the edited clause alone removes them.
passing = [r for r in rows if r[index["days_b_screening_arrest"]] != "" and abs(float(r[index["days_b_screening_arrest"]])) <= 30]
edits = [("is_recid", "-1"), ("c_charge_degree", "O"), ("score_text", "N/A")]
for k, (column, value) in enumerate(edits):
    row = list(passing[k])
    row[index[column]] = value
    row[index["id"]] = str(90000 + k)
    rows.append(row)
quoted = list(passing[3])
quoted[index["c_charge_desc"]] = "Possession, Cannabis"
quoted[index["id"]] = "90010"
rows.append(quoted)
out = io.StringIO()
writer = csv.writer(out, lineterminator="\n")
writer.writerow(header)
writer.writerows(rows)
write("compas-scores-two-years.csv", out.getvalue().encode())

df = pd.read_csv(os.path.join(HERE, "compas-scores-two-years.csv"), keep_default_na=False, na_values=[""])
filtered = df[(df.days_b_screening_arrest <= 30) & (df.days_b_screening_arrest >= -30)
              & (df.is_recid != -1) & (df.c_charge_degree != "O") & (df.score_text != "N/A")]
expected["compas"] = {
    "rows_in_file": int(len(df)),
    "rows": int(len(filtered)),
    "no_recidivism": int((filtered.two_year_recid == 0).sum()),
    "duplicated_columns": [c for c in df.columns if c.endswith(".1")],
    "decile_score_1_sum": float(filtered["decile_score.1"].sum()),
    "quoted_kept": bool((filtered.id == 90010).any()),
}

# --- German: the first 30 lines.
german = lines(f"{RAW}/german/german.data")
write("german.data", b"\n".join(german[:30]) + b"\n")
g = pd.read_csv(os.path.join(HERE, "german.data"), header=None, sep=r"\s+")
expected["german"] = {
    "rows": int(len(g)),
    "good": int((g[20] == 1).sum()),
    "female": int(g[8].isin(["A92", "A95"]).sum()),
    "under_25": int((g[12] < 25).sum()),
    "first_purpose_code": g[3].iloc[0],
}

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write("\n")
print(json.dumps(expected, indent=2, sort_keys=True))
