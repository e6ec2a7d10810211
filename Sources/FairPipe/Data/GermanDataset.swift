import Foundation

/// Statlog German credit (Hofmann 1994): 1,000 loan applicants, label `credit` (`good`
/// favourable, from code 1; `bad` from code 2).
///
/// Format of `german.data`: no header, 21 fields separated by spaces; categorical
/// attributes are codes (`A11` … `A202`) decoded here to the readable values of
/// `german.doc`. Two columns are derived, as AIF360 does: `sex` from the personal status
/// (A91, A93, A94 male; A92, A95 female) and `age_group` (`25 or older` / `under 25`).
/// By default neither `personal_status` (it encodes sex) nor `age` (it determines
/// `age_group`) is a feature.
public enum GermanDataset {
    /// Column names in file order, then the label and the derived columns.
    public static let fileColumns = [
        "checking_status", "duration", "credit_history", "purpose", "credit_amount", "savings", "employment",
        "installment_rate", "personal_status", "other_debtors", "residence_since", "property", "age",
        "other_installment_plans", "housing", "existing_credits", "job", "num_dependents", "telephone",
        "foreign_worker", "credit",
    ]
    public static let columnNames = fileColumns + ["sex", "age_group"]
    static let numericColumns: Set<String> = [
        "duration", "credit_amount", "installment_rate", "residence_since", "age", "existing_credits", "num_dependents",
    ]

    /// The readable value of each attribute code (german.doc).
    static let codes: [String: String] = [
        "A11": "< 0 DM", "A12": "0 to 200 DM", "A13": ">= 200 DM or salary assignment", "A14": "no checking account",
        "A30": "no credits taken or all paid back duly", "A31": "all credits at this bank paid back duly",
        "A32": "existing credits paid back duly till now", "A33": "delay in paying off in the past",
        "A34": "critical account or other credits existing",
        "A40": "car (new)", "A41": "car (used)", "A42": "furniture/equipment", "A43": "radio/television",
        "A44": "domestic appliances", "A45": "repairs", "A46": "education", "A47": "vacation", "A48": "retraining",
        "A49": "business", "A410": "others",
        "A61": "< 100 DM", "A62": "100 to 500 DM", "A63": "500 to 1000 DM", "A64": ">= 1000 DM",
        "A65": "unknown or no savings account",
        "A71": "unemployed", "A72": "< 1 year", "A73": "1 to 4 years", "A74": "4 to 7 years", "A75": ">= 7 years",
        "A91": "male: divorced/separated", "A92": "female: divorced/separated/married", "A93": "male: single",
        "A94": "male: married/widowed", "A95": "female: single",
        "A101": "none", "A102": "co-applicant", "A103": "guarantor",
        "A121": "real estate", "A122": "building society savings or life insurance", "A123": "car or other",
        "A124": "unknown or no property",
        "A141": "bank", "A142": "stores", "A143": "none",
        "A151": "rent", "A152": "own", "A153": "for free",
        "A171": "unemployed or unskilled non-resident", "A172": "unskilled resident",
        "A173": "skilled employee or official",
        "A174": "management, self-employed or highly qualified",
        "A191": "none", "A192": "yes, registered under the customer's name",
        "A201": "yes", "A202": "no",
    ]
    static let sexOfStatus = ["A91": "male", "A92": "female", "A93": "male", "A94": "male", "A95": "female"]
    /// Codes allowed per categorical column: the code's prefix (`A4` for purpose: A40…A410).
    static let codePrefix = [
        "checking_status": "A1", "credit_history": "A3", "purpose": "A4", "savings": "A6", "employment": "A7",
        "personal_status": "A9", "other_debtors": "A10", "property": "A12", "other_installment_plans": "A14",
        "housing": "A15", "job": "A17", "telephone": "A19", "foreign_worker": "A20",
    ]

    public static let spec = BenchmarkDataset(
        source: .german,
        files: [
            // No checksum verified against UCI's own copy: third-party copies disagree by a
            // trailing space (see data/README.md). Pin with data.checksums.german.data.
            RemoteFile(
                name: "german.data",
                url: "https://archive.ics.uci.edu/ml/machine-learning-databases/statlog/german/german.data",
                sha256: nil)
        ],
        columns: columnNames,
        label: LabelSpec(column: "credit", positive: "good"),
        sensitive: ["sex", "age_group"],
        features: fileColumns.filter { !["personal_status", "age", "credit"].contains($0) },
        expectedRows: 1_000)

    /// Parses `german.data`; `name` labels the file in errors.
    public static func parse(_ data: Data, name: String) throws -> Table {
        var values = [[String?]](repeating: [], count: fileColumns.count)
        var numbers = [[Double]](repeating: [], count: fileColumns.count)
        var sex: [String?] = [], ageGroup: [String?] = []
        try TextLines.forEach(data) { lineNumber, line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { return }
            guard fields.count == fileColumns.count else {
                throw BenchmarkError.malformed(
                    file: name, line: lineNumber, expected: "\(fileColumns.count) space-separated fields",
                    found: "\(fields.count)")
            }
            for (i, column) in fileColumns.enumerated() {
                let field = String(fields[i])
                if column == "credit" {
                    guard field == "1" || field == "2" else {
                        throw BenchmarkError.malformed(
                            file: name, line: lineNumber, expected: "1 (good) or 2 (bad) in `credit`",
                            found: "`\(field)`")
                    }
                    values[i].append(field == "1" ? "good" : "bad")
                } else if numericColumns.contains(column) {
                    guard let number = Double(field), number.isFinite else {
                        throw BenchmarkError.malformed(
                            file: name, line: lineNumber, expected: "a number in `\(column)`", found: "`\(field)`")
                    }
                    numbers[i].append(number)
                    if column == "age" { ageGroup.append(number >= 25 ? "25 or older" : "under 25") }
                } else {
                    let prefix = codePrefix[column] ?? "A"
                    // `A1` must not accept `A10x` codes of other attributes: the suffix is one digit
                    // (two for purpose's A410).
                    let suffix = field.dropFirst(prefix.count)
                    guard field.hasPrefix(prefix), let decoded = codes[field], suffix.count == 1 || field == "A410"
                    else {
                        throw BenchmarkError.malformed(
                            file: name, line: lineNumber, expected: "a `\(column)` code (\(prefix)x)",
                            found: "`\(field)`")
                    }
                    values[i].append(decoded)
                    if column == "personal_status" { sex.append(sexOfStatus[field]) }
                }
            }
        }
        var columns: [Column] = []
        for (i, column) in fileColumns.enumerated() {
            columns.append(
                numericColumns.contains(column)
                    ? Column(name: column, numbers: numbers[i]) : Column(name: column, strings: values[i]))
        }
        columns.append(Column(name: "sex", strings: sex))
        columns.append(Column(name: "age_group", strings: ageGroup))
        let table = try Table(columns: columns)
        guard table.rowCount > 0 else {
            throw BenchmarkError.malformed(file: name, line: 1, expected: "data rows", found: "none")
        }
        return table
    }
}
