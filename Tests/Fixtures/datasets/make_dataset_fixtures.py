"""Generates the small benchmark-format fixtures and their expected parse results.

Run from anywhere:  python3 Tests/Fixtures/datasets/make_dataset_fixtures.py

Every row is INVENTED here from a fixed seed; nothing is read from the upstream files.
Only the formats follow the real files (UCI Adult, ProPublica COMPAS, Statlog German), with
their quirks, so the parsers and download tests exercise the same code paths:
- adult.data: 15 ", "-separated fields, no header, `?` for some missing categoricals,
  labels `>50K` / `<=50K`, a trailing blank line;
- adult.test: the comment line `|1x3 Cross validator`, then rows whose labels end in `.`;
- compas-scores-two-years.csv: ProPublica's header (column names only, written out below,
  with `decile_score` and `priors_count` repeated), RFC 4180 quoting of fields with commas,
  and rows that each clause of ProPublica's filter removes;
- german.data: 21 space-separated fields of attribute codes (A11 ... A202) and numbers,
  label 1 / 2 last; every personal-status code and ages on both sides of 25.
Expected values come from pandas reading the written bytes, independently of the Swift
parser. Same seed, same bytes.
"""
import csv
import io
import json
import os
import random

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261125


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


rng = random.Random(SEED)

# --- Adult -----------------------------------------------------------------------------
WORKCLASS = ["Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov", "State-gov",
             "Without-pay", "Never-worked"]
EDUCATION = [("Preschool", 1), ("1st-4th", 2), ("5th-6th", 3), ("7th-8th", 4), ("9th", 5), ("10th", 6),
             ("11th", 7), ("12th", 8), ("HS-grad", 9), ("Some-college", 10), ("Assoc-voc", 11),
             ("Assoc-acdm", 12), ("Bachelors", 13), ("Masters", 14), ("Prof-school", 15), ("Doctorate", 16)]
MARITAL = ["Married-civ-spouse", "Divorced", "Never-married", "Separated", "Widowed",
           "Married-spouse-absent", "Married-AF-spouse"]
OCCUPATION = ["Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial", "Prof-specialty",
              "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical", "Farming-fishing", "Transport-moving",
              "Priv-house-serv", "Protective-serv", "Armed-Forces"]
RACE = ["White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"]
COUNTRY = ["United-States", "Mexico", "Philippines", "Germany", "Canada", "India", "Cuba", "Jamaica"]


def adult_row(missing):
    """One invented person; `missing` names the fields written as `?`."""
    sex = rng.choice(["Male", "Female"])
    marital = rng.choice(MARITAL)
    if marital.startswith("Married-civ"):
        relationship = "Husband" if sex == "Male" else "Wife"
    else:
        relationship = rng.choice(["Not-in-family", "Own-child", "Unmarried", "Other-relative"])
    education, education_num = rng.choice(EDUCATION)
    gain = rng.choice([0, 0, 0, 0, 0, 1000 + 7 * rng.randrange(1, 2000)])
    loss = rng.choice([0, 0, 0, 0, 0, 1000 + 3 * rng.randrange(1, 400)])
    fields = {
        "age": str(rng.randrange(17, 91)),
        "workclass": rng.choice(WORKCLASS),
        # Odd offsets keep invented weights away from round numbers.
        "fnlwgt": str(rng.randrange(6000, 700000) * 2 + 1),
        "education": education,
        "education_num": str(education_num),
        "marital_status": marital,
        "occupation": rng.choice(OCCUPATION),
        "relationship": relationship,
        "race": rng.choice(RACE),
        "sex": sex,
        "capital_gain": str(gain),
        "capital_loss": str(loss),
        "hours_per_week": str(rng.randrange(5, 81)),
        "native_country": rng.choice(COUNTRY),
        "income": rng.choice([">50K", "<=50K", "<=50K"]),
    }
    for name in missing:
        fields[name] = "?"
    return fields


def adult_line(fields, test):
    values = list(fields.values())
    if test:
        values[-1] += "."
    return ", ".join(values)


# As in the real file, a missing workclass comes with a missing occupation; some rows miss
# only the native country.
MISSING = [[], [], [], [], ["workclass", "occupation"], ["native_country"]]
train = [adult_row(MISSING[i % len(MISSING)] if i >= 6 else []) for i in range(30)]
train[0]["age"] = "41"
test_rows = [adult_row([] if i % 5 else (["workclass", "occupation"] if i else ["native_country"])) for i in range(12)]
test_rows[-1]["income"] = "<=50K"
write("adult.data", ("\n".join(adult_line(r, False) for r in train) + "\n\n").encode())
write("adult.test", ("|1x3 Cross validator\n" + "\n".join(adult_line(r, True) for r in test_rows) + "\n\n").encode())

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

# --- COMPAS ----------------------------------------------------------------------------
# ProPublica's header: column names only, in file order, with the two repeated names.
HEADER = [
    "id", "name", "first", "last", "compas_screening_date", "sex", "dob", "age", "age_cat", "race",
    "juv_fel_count", "decile_score", "juv_misd_count", "juv_other_count", "priors_count",
    "days_b_screening_arrest", "c_jail_in", "c_jail_out", "c_case_number", "c_offense_date", "c_arrest_date",
    "c_days_from_compas", "c_charge_degree", "c_charge_desc", "is_recid", "r_case_number", "r_charge_degree",
    "r_days_from_arrest", "r_offense_date", "r_charge_desc", "r_jail_in", "r_jail_out", "violent_recid",
    "is_violent_recid", "vr_case_number", "vr_charge_degree", "vr_offense_date", "vr_charge_desc",
    "type_of_assessment", "decile_score", "score_text", "screening_date", "v_type_of_assessment",
    "v_decile_score", "v_score_text", "v_screening_date", "in_custody", "out_custody", "priors_count",
    "start", "end", "event", "two_year_recid",
]
FIRST = ["ada", "bram", "cleo", "dov", "esme", "fitz", "gus", "hale", "ines", "jory", "kit", "lux"]
LAST = ["fixtureson", "testwood", "samplely", "mockridge", "stubbins", "fakerly"]
COMPAS_RACE = ["African-American", "Caucasian", "Hispanic", "Other", "Asian", "Native American"]
CHARGES = ["Battery", "Grand Theft in the 3rd Degree", "Driving While License Revoked",
           "Possession of Cocaine", "Petit Theft", "Resist/Obstruct W/O Violence",
           # Commas inside a field: written quoted, as in the real file.
           "Poss Pyrrolidinovalerophenone, W/I Deliver", "Burglary, Unoccupied Dwelling"]


def day(start, offset):
    return (pd.Timestamp(start) + pd.Timedelta(days=offset)).strftime("%Y-%m-%d")


def score_text(decile):
    return "Low" if decile <= 4 else ("Medium" if decile <= 7 else "High")


def compas_row(k, days):
    """One invented defendant, id `k`; `days` is days_b_screening_arrest ("" for none)."""
    first, last = FIRST[k % len(FIRST)], LAST[(k * 7) % len(LAST)]
    screening = day("2013-01-01", rng.randrange(0, 700))
    age = rng.randrange(18, 70)
    dob = day(screening, -(age * 365 + rng.randrange(1, 300)))
    decile, v_decile = rng.randrange(1, 11), rng.randrange(1, 11)
    priors = rng.choice([0, 0, 1, 2, 3, 5, 8, 13])
    recid = rng.choice([0, 0, 1])
    degree = rng.choice(["F", "M"])
    offense = day(screening, -1)
    jail_in = f"{day(screening, -1)} {rng.randrange(0, 24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    jail_out = f"{day(screening, rng.randrange(0, 9))} {rng.randrange(0, 24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    case = f"{screening[2:4]}{rng.randrange(0, 10**6):06d}{'CF' if degree == 'F' else 'MM'}10A"
    end = rng.randrange(20, 1100)
    row = dict.fromkeys(range(len(HEADER)), "")
    values = {
        "id": str(k), "name": f"{first} {last}", "first": first, "last": last,
        "compas_screening_date": screening, "sex": rng.choice(["Male", "Male", "Female"]), "dob": dob,
        "age": str(age), "age_cat": "Less than 25" if age < 25 else ("25 - 45" if age <= 45 else "Greater than 45"),
        "race": rng.choice(COMPAS_RACE), "juv_fel_count": str(rng.choice([0, 0, 0, 1])),
        "juv_misd_count": str(rng.choice([0, 0, 1])), "juv_other_count": str(rng.choice([0, 0, 1, 2])),
        "priors_count": str(priors), "days_b_screening_arrest": str(days),
        "c_jail_in": jail_in if days != "" else "", "c_jail_out": jail_out if days != "" else "",
        "c_case_number": case, "c_offense_date": offense, "c_days_from_compas": "1",
        "c_charge_degree": degree, "c_charge_desc": rng.choice(CHARGES), "is_recid": str(recid),
        "is_violent_recid": "0", "type_of_assessment": "Risk of Recidivism", "score_text": score_text(decile),
        "screening_date": screening, "v_type_of_assessment": "Risk of Violence", "v_decile_score": str(v_decile),
        "v_score_text": score_text(v_decile), "v_screening_date": screening,
        "in_custody": day(screening, -1), "out_custody": day(screening, rng.randrange(0, 9)),
        "start": str(rng.randrange(0, 10)), "end": str(end), "event": str(recid), "two_year_recid": str(recid),
    }
    if recid:
        r_date = day(screening, rng.randrange(30, 700))
        values.update({
            "r_case_number": f"{r_date[2:4]}{rng.randrange(0, 10**6):06d}MM10A", "r_charge_degree": "(M1)",
            "r_days_from_arrest": str(rng.choice([0, 1])), "r_offense_date": r_date,
            "r_charge_desc": rng.choice(CHARGES), "r_jail_in": r_date, "r_jail_out": day(r_date, 1),
        })
    for name, value in values.items():
        row[HEADER.index(name)] = value
    # The repeated columns: the second decile_score / priors_count equal the first.
    row[HEADER.index("type_of_assessment") + 1] = str(decile)
    row[HEADER.index("decile_score")] = str(decile)
    row[len(HEADER) - 1 - HEADER[::-1].index("priors_count")] = str(priors)
    return [row[i] for i in range(len(HEADER))]


def set_field(row, name, value):
    row[HEADER.index(name)] = value


rows = []
# Mostly within the ±30-day screening window, then rows outside it or without a value.
days_values = [rng.choice([-1, -1, -1, 0, 0, -2, 1, -5, 12, -30, 30]) for _ in range(30)] + [31, -31, -120, 400, "", ""]
for k, days in enumerate(days_values):
    rows.append(compas_row(k + 1, days))
# Rows inside the window that each fail exactly one other clause (ids 90000-90002), and one
# kept row whose charge description holds a comma (id 90010).
for k, (column, value) in enumerate([("is_recid", "-1"), ("c_charge_degree", "O"), ("score_text", "N/A")]):
    row = compas_row(90000 + k, -1)
    set_field(row, column, value)
    rows.append(row)
quoted = compas_row(90010, 0)
set_field(quoted, "c_charge_desc", "Possession, Cannabis")
set_field(quoted, "is_recid", "0")
rows.append(quoted)
out = io.StringIO()
writer = csv.writer(out, lineterminator="\n")
writer.writerow(HEADER)
writer.writerows(rows)
write("compas-scores-two-years.csv", out.getvalue().encode())

df = pd.read_csv(os.path.join(HERE, "compas-scores-two-years.csv"), keep_default_na=False, na_values=[""])
filtered = df[(df.days_b_screening_arrest <= 30) & (df.days_b_screening_arrest >= -30)
              & (df.is_recid != -1) & (df.c_charge_degree != "O") & (df.score_text != "N/A")]
# Each clause must remove something, or the fixture would not test it.
assert (df.days_b_screening_arrest.isna()).any() and (df.days_b_screening_arrest.abs() > 30).any()
assert (df.is_recid == -1).any() and (df.c_charge_degree == "O").any() and (df.score_text == "N/A").any()
assert "Possession, Cannabis" in set(filtered.c_charge_desc)
expected["compas"] = {
    "rows_in_file": int(len(df)),
    "rows": int(len(filtered)),
    "no_recidivism": int((filtered.two_year_recid == 0).sum()),
    "duplicated_columns": [c for c in df.columns if c.endswith(".1")],
    "decile_score_1_sum": float(filtered["decile_score.1"].sum()),
    "quoted_kept": bool((filtered.id == 90010).any()),
}

# --- German ----------------------------------------------------------------------------
def german_row(status, age):
    purpose = rng.choice(["A40", "A41", "A42", "A43", "A44", "A45", "A46", "A48", "A49", "A410"])
    fields = [
        rng.choice(["A11", "A12", "A13", "A14"]), str(rng.randrange(4, 73)),
        rng.choice(["A30", "A31", "A32", "A33", "A34"]), purpose, str(rng.randrange(250, 18500)),
        rng.choice(["A61", "A62", "A63", "A64", "A65"]), rng.choice(["A71", "A72", "A73", "A74", "A75"]),
        str(rng.randrange(1, 5)), status, rng.choice(["A101", "A101", "A102", "A103"]), str(rng.randrange(1, 5)),
        rng.choice(["A121", "A122", "A123", "A124"]), str(age), rng.choice(["A141", "A142", "A143", "A143"]),
        rng.choice(["A151", "A152", "A152", "A153"]), str(rng.randrange(1, 5)),
        rng.choice(["A171", "A172", "A173", "A174"]), str(rng.choice([1, 1, 2])), rng.choice(["A191", "A192"]),
        rng.choice(["A201", "A201", "A201", "A202"]), rng.choice(["1", "1", "2"]),
    ]
    return " ".join(fields)


STATUS = ["A91", "A92", "A93", "A94", "A95"]
AGES = [19, 22, 24, 25, 26, 33, 47, 61, 70]
german = [german_row(STATUS[i % 5], AGES[i % len(AGES)] if i < 18 else rng.randrange(19, 75)) for i in range(30)]
write("german.data", ("\n".join(german) + "\n").encode())
g = pd.read_csv(os.path.join(HERE, "german.data"), header=None, sep=r"\s+")
assert set(g[8]) == set(STATUS) and (g[12] < 25).any() and (g[12] == 25).any()
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
