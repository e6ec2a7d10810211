/// Reweighing of Kamiran & Calders (2012), "Data preprocessing techniques for
/// classification without discrimination", §4: weight each (group a, label y) cell by
///     w(a, y) = P(A = a)·P(Y = y) / P(A = a, Y = y) = n_y·n_a / (n·n_ay),
/// so that group and label are independent under the weights. Computed in AIF360's order
/// of operations, so the weights equal AIF360's `Reweighing` bit for bit on binary groups;
/// `groups` may be any (e.g. intersectional) group code. O(n).
public struct Reweighing: Sendable {
    public init() {}

    static let name = "reweighing"

    public func fit(labels: [UInt8], groups: [Int32], groupNames: [String]) throws -> ReweighingModel {
        try MitigationInput.check(
            method: Self.name, scores: [Double](repeating: 0, count: labels.count), labels: labels, groups: groups,
            groupCount: groupNames.count)
        var cellCounts = [[Int]](repeating: [0, 0], count: groupNames.count)
        for row in labels.indices { cellCounts[Int(groups[row])][Int(labels[row])] += 1 }
        let n = Double(labels.count)
        let labelCounts = [0, 1].map { y in Double(cellCounts.reduce(0) { $0 + $1[y] }) }
        var cells: [ReweighingModel.Cell] = []
        for code in groupNames.indices {
            let groupCount = Double(cellCounts[code][0] + cellCounts[code][1])
            for label in [1, 0] where cellCounts[code][label] > 0 {
                let joint = Double(cellCounts[code][label])
                cells.append(
                    .init(
                        group: groupNames[code], label: UInt8(label), count: cellCounts[code][label],
                        weight: labelCounts[label] * groupCount / (n * joint)))
            }
        }
        return ReweighingModel(groupNames: groupNames, cells: cells)
    }
}

/// The per-(group, label) weight table, written as JSON by the stage.
public struct ReweighingModel: Codable, Equatable, Sendable {
    public struct Cell: Codable, Equatable, Sendable {
        public var group: String
        public var label: UInt8
        /// Rows of this cell in the fitting data.
        public var count: Int
        public var weight: Double
    }

    public var groupNames: [String]
    /// Cells present in the fitting data, by group code then label 1 before 0.
    public var cells: [Cell]

    /// Per-row weights. A (group, label) cell absent from the fitting data gets weight 1
    /// (no evidence to reweigh it); only rows of the fitting data are reweighed in practice.
    public func weights(labels: [UInt8], groups: [Int32]) throws -> [Double] {
        try MitigationInput.check(
            method: Reweighing.name, scores: [Double](repeating: 0, count: labels.count), labels: labels,
            groups: groups,
            groupCount: groupNames.count)
        var table = [[Double]](repeating: [1, 1], count: groupNames.count)
        for cell in cells {
            if let code = groupNames.firstIndex(of: cell.group) { table[code][Int(cell.label)] = cell.weight }
        }
        return labels.indices.map { table[Int(groups[$0])][Int(labels[$0])] }
    }
}
