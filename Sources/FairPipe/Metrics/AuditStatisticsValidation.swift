import Foundation

extension AuditStatistics {
    /// The most rows one atom may claim (2⁴⁰, the fixed-point sums' bound).
    static let maximumCount = 1 << 40

    /// Checks a decoded file's internal consistency, so that a damaged or hand-edited
    /// statistics file is one line naming it, never an out-of-range crash.
    public func validate(path: String) throws {
        if let problem = firstProblem() {
            throw FileError.malformed(path: path, reason: "not valid audit statistics: \(problem)")
        }
    }

    private func firstProblem() -> String? {
        settingsProblem() ?? cellProblem() ?? atomProblem() ?? scoreRunProblem()
    }

    private func settingsProblem() -> String? {
        let m = settings.calibrationBins
        guard (1...1000).contains(m) else { return "calibration_bins \(m) outside 1…1000" }
        let expected = hasScores ? m * Self.refinement(calibrationBins: m) : 1
        guard fineBins == expected else { return "fine_bins \(fineBins), expected \(expected)" }
        guard groups.count == settings.attributes.count else {
            return "\(groups.count) group lists for \(settings.attributes.count) attributes"
        }
        return nil
    }

    private func cellProblem() -> String? {
        for (c, codes) in cells.enumerated() {
            guard codes.count == groups.count else { return "cell \(c) has \(codes.count) codes" }
            for (a, code) in codes.enumerated() where code < 0 || Int(code) >= groups[a].count {
                return "cell \(c) has code \(code) for attribute \(a)"
            }
            if c > 0 && !cells[c - 1].lexicographicallyPrecedes(codes) { return "cells not in key order at \(c)" }
        }
        return nil
    }

    private func atomProblem() -> String? {
        let n = atomKeys.count, space = cells.count * 4 * fineBins
        guard atomCounts.count == n else { return "\(atomCounts.count) atom counts for \(n) atoms" }
        let sums = hasScores ? n : 0
        guard atomSumScore.count == sums, atomSumBrier.count == sums, atomSumLogLoss.count == sums else {
            return "atom sums do not match the atoms"
        }
        for a in 0..<n {
            guard (0..<space).contains(atomKeys[a]) else { return "atom key \(atomKeys[a]) out of range" }
            guard a == 0 || atomKeys[a - 1] < atomKeys[a] else { return "atom keys not sorted at \(a)" }
            guard (1...Self.maximumCount).contains(atomCounts[a]) else { return "atom count \(atomCounts[a])" }
        }
        guard atomCounts.reduce(0, &+) == rows else { return "atom counts do not add up to rows = \(rows)" }
        return nil
    }

    private func scoreRunProblem() -> String? {
        guard scoreRuns.count == (hasScores ? cells.count * 2 : 0) else {
            return "\(scoreRuns.count) score runs for \(cells.count) cells"
        }
        guard hasScores else { return nil }
        var perCellLabel = [Int](repeating: 0, count: cells.count * 2)
        for (a, key) in atomKeys.enumerated() {
            let atom = decode(atomKey: key)
            perCellLabel[atom.cell * 2 + Int(atom.label)] &+= atomCounts[a]
        }
        for (i, runs) in scoreRuns.enumerated() {
            guard runs.values.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { return "a score outside [0, 1]" }
            guard runs.counts.allSatisfy({ $0 <= Self.maximumCount }), runs.total == perCellLabel[i] else {
                return "score runs of cell \(i / 2), label \(i % 2) do not match its atoms"
            }
        }
        return nil
    }
}
