"""quirks.csv: a CSV with a UTF-8 byte-order mark, CRLF line endings, quoted fields holding
commas, doubled quotes and newlines, empty fields, non-ASCII text and no final newline, and
quirks_expected.json: the rows as Python's csv module reads them (empty string = missing).

Run from this folder: python3 make_csv_fixture.py
"""
import csv
import io
import json

rows = [
    ["id", "name", "note", "score"],
    ["1", "Zoë", "plain", "0.5"],
    ["2", "O'Brien, Pat", 'said "hi"', "-1.25e-3"],
    ["3", "東京", "two\nlines", ""],
    ["4", "", "comma, and \"quote\"", "17"],
    ["5", "x", "", "0.1000000000000000055511151231257827"],
]
buffer = io.StringIO()
csv.writer(buffer, lineterminator="\r\n").writerows(rows)
text = buffer.getvalue().rstrip("\r\n")  # no final line ending
with open("quirks.csv", "wb") as f:
    f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))

with open("quirks.csv", newline="", encoding="utf-8-sig") as f:
    parsed = list(csv.reader(f))
assert parsed == rows, parsed
with open("quirks_expected.json", "w") as f:
    json.dump({"header": parsed[0], "rows": parsed[1:]}, f, indent=1, ensure_ascii=False, sort_keys=True)
