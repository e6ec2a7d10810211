import Foundation

/// ProPublica COMPAS (Angwin et al. 2016, "Machine Bias"): defendants screened in Broward
/// County, Florida in 2013–14, label `two_year_recid`.
///
/// The favourable outcome is **no recidivism** (`two_year_recid = 0` becomes label 1), as in
/// AIF360's `CompasDataset`, so "selection rate" reads as the share predicted not to
/// reoffend. Set `data.label.positive: "1"` to model recidivism itself.
///
/// Format of `compas-scores-two-years.csv`: RFC 4180 CSV with a header in which
/// `decile_score` and `priors_count` each appear twice; the second occurrence is renamed
/// `decile_score.1` / `priors_count.1` (pandas' rule: `.k` for the k-th repeat), so every
/// column stays addressable. ProPublica's filter is applied, as in their analysis
/// notebook: `days_b_screening_arrest` within ±30 (a missing value fails it), `is_recid ≠
/// −1`, `c_charge_degree ≠ "O"`, `score_text ≠ "N/A"`, leaving 6,172 of 7,214 rows.
public enum CompasDataset {
    /// The columns after renaming duplicates, in file order.
    public static let columnNames = [
        "id", "name", "first", "last", "compas_screening_date", "sex", "dob", "age", "age_cat", "race",
        "juv_fel_count", "decile_score", "juv_misd_count", "juv_other_count", "priors_count",
        "days_b_screening_arrest", "c_jail_in", "c_jail_out", "c_case_number", "c_offense_date", "c_arrest_date",
        "c_days_from_compas", "c_charge_degree", "c_charge_desc", "is_recid", "r_case_number", "r_charge_degree",
        "r_days_from_arrest", "r_offense_date", "r_charge_desc", "r_jail_in", "r_jail_out", "violent_recid",
        "is_violent_recid", "vr_case_number", "vr_charge_degree", "vr_offense_date", "vr_charge_desc",
        "type_of_assessment", "decile_score.1", "score_text", "screening_date", "v_type_of_assessment",
        "v_decile_score", "v_score_text", "v_screening_date", "in_custody", "out_custody", "priors_count.1",
        "start", "end", "event", "two_year_recid",
    ]

    public static let spec = BenchmarkDataset(
        source: .compas,
        files: [
            // Verified: SHA-256 of the file at propublica/compas-analysis master
            // (commit bafff5da, last changed 2017).
            RemoteFile(
                name: "compas-scores-two-years.csv",
                url: "https://raw.githubusercontent.com/propublica/compas-analysis/master/compas-scores-two-years.csv",
                sha256: "c451db85908b2f7fef1d83203bedf6b71ecda0d5af468d82ae62178f91d0cc7d")
        ],
        columns: columnNames,
        label: LabelSpec(column: "two_year_recid", positive: "0"),
        sensitive: ["race", "sex"],
        // What the defendant's record says before the score; never the COMPAS scores
        // themselves, the charge text or the outcome-period columns (r_*, vr_*, event).
        features: [
            "age", "age_cat", "c_charge_degree", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count",
        ],
        expectedRows: 6_172)

    /// Header names with repeats renamed `name.1`, `name.2`… (skipping names already taken).
    public static func deduplicated(_ names: [String]) -> [String] {
        var taken = Set(names)
        var seen = Set<String>()
        var repeats: [String: Int] = [:]
        var result: [String] = []
        for name in names {
            if seen.insert(name).inserted {
                result.append(name)
                continue
            }
            var k = repeats[name, default: 0]
            var candidate: String
            repeat {
                k += 1
                candidate = "\(name).\(k)"
            } while taken.contains(candidate)
            repeats[name] = k
            taken.insert(candidate)
            result.append(candidate)
        }
        return result
    }

    /// Parses the CSV and applies ProPublica's filter; `name` labels the file in errors.
    public static func parse(_ data: Data, name: String) throws -> Table {
        // Rewrite the header line (plain names, no quotes in this file) before handing the
        // bytes to the CSV reader, which rejects repeated names.
        let bytes = [UInt8](data)
        guard let end = bytes.firstIndex(of: 0x0A) else {
            throw BenchmarkError.malformed(file: name, line: 1, expected: "a header line and rows", found: "one line")
        }
        var headerBytes = bytes[..<end]
        if headerBytes.last == 0x0D { headerBytes = headerBytes.dropLast() }
        if headerBytes.starts(with: [0xEF, 0xBB, 0xBF]) { headerBytes = headerBytes.dropFirst(3) }
        let header = String(decoding: headerBytes, as: UTF8.self).split(
            separator: ",", omittingEmptySubsequences: false
        ).map(String.init)
        var rewritten = Data(deduplicated(header).joined(separator: ",").utf8)
        rewritten.append(contentsOf: bytes[end...])
        var table = try CSVReader.parse(rewritten, path: name)
        table = try applyFilter(table, name: name)
        return table
    }

    /// ProPublica's row filter (see the type's documentation).
    static func applyFilter(_ table: Table, name: String) throws -> Table {
        func column(_ column: String) throws -> Column {
            guard let found = table[column] else { throw BenchmarkError.missingColumn(file: name, column: column) }
            return found
        }
        let days = try column("days_b_screening_arrest"), recid = try column("is_recid")
        let degree = try column("c_charge_degree"), score = try column("score_text")
        _ = try column("two_year_recid")
        let keep = (0..<table.rowCount).filter { row in
            guard let d = days.string(at: row).flatMap(Double.init), d >= -30, d <= 30 else { return false }
            // As R's dplyr `filter` (ProPublica's tool), a missing value fails a condition.
            guard let r = recid.string(at: row).flatMap(Double.init), r != -1 else { return false }
            guard degree.string(at: row) != "O" else { return false }
            return score.string(at: row) != "N/A"
        }
        return table.selecting(rows: keep)
    }
}
