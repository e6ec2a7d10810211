import Foundation

/// UCI Adult (Census Income; Kohavi & Becker 1996): 48,842 people from the 1994 US census,
/// label `income` (`>50K` favourable).
///
/// Format of `adult.data` and `adult.test`: no header, 15 fields separated by `, `, `?` for
/// a missing value; `adult.test` opens with the comment line `|1x3 Cross validator` and
/// writes its labels with a trailing `.` (`>50K.`), which is removed. Blank lines are
/// skipped. Both files are concatenated (32,561 + 16,281 rows, in file order) and FairPipe's
/// own stratified split is applied afterwards: the upstream train/test division is not
/// kept, so every split has the same label × group mix.
public enum AdultDataset {
    /// Column names in file order (snake_case of `adult.names`).
    public static let columnNames = [
        "age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
        "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country", "income",
    ]
    static let numericColumns: Set<String> = [
        "age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week",
    ]

    public static let spec = BenchmarkDataset(
        source: .adult,
        files: [
            // SHA-256 of adult.data agrees across three independent copies; adult.test's
            // value is from one third-party checksum list (see data/README.md).
            RemoteFile(
                name: "adult.data", url: "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.data",
                sha256: "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d"),
            RemoteFile(
                name: "adult.test", url: "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.test",
                sha256: "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05"),
        ],
        columns: columnNames,
        label: LabelSpec(column: "income", positive: ">50K"),
        sensitive: ["sex", "race"],
        // fnlwgt is a census sampling weight, not a property of the person (AIF360 drops it too).
        features: columnNames.filter { !["fnlwgt", "income", "sex", "race"].contains($0) },
        expectedRows: 48_842)

    /// Parses `adult.data` and `adult.test` (either may be given alone). `names` label the
    /// files in errors.
    public static func parse(_ files: [Data], names: [String]) throws -> Table {
        var numbers = [String: [Double]]()
        var strings = [String: [String?]]()
        for name in columnNames {
            if numericColumns.contains(name) { numbers[name] = [] } else { strings[name] = [] }
        }
        for (file, data) in zip(names, files) {
            try TextLines.forEach(data) { lineNumber, line in
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("|") { return }
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count == columnNames.count else {
                    throw BenchmarkError.malformed(
                        file: file, line: lineNumber, expected: "\(columnNames.count) comma-separated fields",
                        found: "\(fields.count)")
                }
                for (name, raw) in zip(columnNames, fields) {
                    let value = raw.trimmingCharacters(in: .whitespaces)
                    let missing = value == "?" || value.isEmpty
                    if numericColumns.contains(name) {
                        if missing {
                            numbers[name, default: []].append(.nan)
                        } else if let number = Double(value), number.isFinite {
                            numbers[name, default: []].append(number)
                        } else {
                            throw BenchmarkError.malformed(
                                file: file, line: lineNumber, expected: "a number in `\(name)`", found: "`\(value)`")
                        }
                    } else if name == "income" {
                        // adult.test writes `>50K.` and `<=50K.`.
                        let label = value.hasSuffix(".") ? String(value.dropLast()) : value
                        guard label == ">50K" || label == "<=50K" else {
                            throw BenchmarkError.malformed(
                                file: file, line: lineNumber, expected: "`>50K` or `<=50K` in `income`",
                                found: "`\(value)`")
                        }
                        strings[name, default: []].append(label)
                    } else {
                        strings[name, default: []].append(missing ? nil : value)
                    }
                }
            }
        }
        let columns = columnNames.map { name in
            numericColumns.contains(name)
                ? Column(name: name, numbers: numbers[name] ?? [])
                : Column(name: name, strings: strings[name] ?? [])
        }
        let table = try Table(columns: columns)
        guard table.rowCount > 0 else {
            throw BenchmarkError.malformed(
                file: names.joined(separator: ", "), line: 1, expected: "data rows", found: "none")
        }
        return table
    }
}
