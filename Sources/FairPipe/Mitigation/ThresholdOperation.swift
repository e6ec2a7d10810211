/// A deterministic threshold rule `score > threshold` (or `score < threshold` when flipped),
/// as fairlearn's `ThresholdOperation`.
///
/// Thresholds may be ±∞ (select nobody / everybody); JSON has no infinity, so infinite
/// thresholds are written as the strings `"inf"` and `"-inf"`.
public struct ThresholdOperation: Codable, Equatable, Sendable, CustomStringConvertible {
    /// `true` for `score > threshold`, `false` for the flipped `score < threshold`.
    public var greaterThan: Bool
    public var threshold: Double

    public init(greaterThan: Bool = true, threshold: Double) {
        self.greaterThan = greaterThan
        self.threshold = threshold
    }

    @inline(__always)
    public func callAsFunction(_ score: Double) -> Bool {
        greaterThan ? score > threshold : score < threshold
    }

    public var description: String { "[\(greaterThan ? ">" : "<")\(threshold)]" }

    private enum CodingKeys: String, CodingKey { case `operator`, threshold }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let op = try container.decode(String.self, forKey: .operator)
        switch op {
        case ">": greaterThan = true
        case "<": greaterThan = false
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .operator, in: container, debugDescription: "expected \">\" or \"<\", found \"\(op)\"")
        }
        threshold = try container.decode(FiniteOrInfinite.self, forKey: .threshold).value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(greaterThan ? ">" : "<", forKey: .operator)
        try container.encode(FiniteOrInfinite(threshold), forKey: .threshold)
    }
}

/// A Double that survives JSON when infinite (`"inf"`, `"-inf"`).
public struct FiniteOrInfinite: Codable, Equatable, Sendable {
    public var value: Double
    public init(_ value: Double) { self.value = value }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        switch text {
        case "inf": value = .infinity
        case "-inf": value = -.infinity
        default:
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a number, \"inf\" or \"-inf\", found \"\(text)\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isInfinite {
            try container.encode(value > 0 ? "inf" : "-inf")
        } else {
            try container.encode(value)
        }
    }
}

/// `numpy.linspace(start, stop, count)` bit for bit: `start + i·step`, the last point `stop`.
/// Reproducing numpy's arithmetic matters where a reference implementation picks the first
/// best grid point: a different last bit could pick a different point.
func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
    guard count > 0 else { return [] }
    guard count > 1 else { return [start] }
    let step = (stop - start) / Double(count - 1)
    var values = (0..<count).map { Double($0) * step + start }
    values[count - 1] = stop
    return values
}
