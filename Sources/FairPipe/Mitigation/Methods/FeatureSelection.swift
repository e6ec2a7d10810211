/// `mitigation.<method>.features` of `correlation_remover` and `disparate_impact_remover`:
/// raw feature names (`data.features` entries) whose encoded columns the method transforms —
/// a numeric feature's one column, a categorical's one-hot columns together. Empty: every
/// column the method transforms by default. The other columns pass through bit-identical.
enum FeatureSelection {
    /// Sub-section check: names non-empty and not repeated (`key` relative to the sub-section).
    static func validate(_ names: [String], key: String = "features") throws {
        for (index, name) in names.enumerated() {
            guard !name.isEmpty else {
                throw ConfigError.invalidValue(
                    key: key, expected: "raw feature names (data.features entries)", found: "an empty name")
            }
            if names[..<index].contains(name) {
                throw ConfigError.invalidValue(key: key, expected: "each feature named once", found: "`\(name)` twice")
            }
        }
    }

    /// The first of `names` that is not one of `known`, with the closest known name; nil when all are known.
    static func unknown(_ names: [String], among known: [String]) -> String? {
        guard let name = names.first(where: { !known.contains($0) }) else { return nil }
        return "`\(name)`" + (closestMatch(to: name, among: known).map { " (did you mean `\($0)`?)" } ?? "")
    }

    /// The configured methods' `features`, checked against `data.features` when the config
    /// lists them (otherwise `mitigate` checks them against the dataset's encoding).
    static func checkAgainst(dataFeatures: [String]?, mitigation: MitigationConfig) throws {
        guard let dataFeatures else { return }
        let selections = [
            (MitigationMethod.correlationRemover, mitigation.correlationRemover.features),
            (MitigationMethod.disparateImpactRemover, mitigation.disparateImpactRemover.features),
        ]
        for (method, names) in selections {
            if let name = unknown(names, among: dataFeatures) {
                throw ConfigError.inconsistent(
                    key: "mitigation.\(method.rawValue).features",
                    message: "\(name) is not in data.features (\(dataFeatures.joined(separator: ", ")))")
            }
        }
    }

    /// Encoded column indices of the named raw features in `encoding`, in encoding order
    /// (`nil` when `names` is empty: no restriction). `numericOnly` refuses a categorical.
    static func columns(
        _ names: [String], method: MitigationMethod, in encoding: FeatureEncoding, numericOnly: Bool
    ) throws -> (indices: [Int], names: [String])? {
        guard !names.isEmpty else { return nil }
        let raw = encoding.columns.map(\.name)
        let key = "mitigation.\(method.rawValue).features"
        if let name = unknown(names, among: raw) {
            throw MitigationError.invalidParameter(
                method: method.rawValue, name: key,
                expected: "raw features of the dataset (\(raw.joined(separator: ", ")))", found: name)
        }
        var indices: [Int] = [], columnNames: [String] = []
        var offset = 0
        for column in encoding.columns {
            let outputs = column.outputNames
            if names.contains(column.name) {
                if numericOnly && column.type != .numeric {
                    throw MitigationError.invalidParameter(
                        method: method.rawValue, name: key,
                        expected:
                            "numeric features (its quantile repair leaves 0/1 indicators unchanged; use correlation_remover for a categorical)",
                        found: "`\(column.name)`, categorical")
                }
                indices += Array(offset..<(offset + outputs.count))
                columnNames += outputs
            }
            offset += outputs.count
        }
        return (indices, columnNames)
    }
}
