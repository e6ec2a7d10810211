/// Tolerant view of `curves.json` — the one place that knows its shape.
///
/// The file's exact layout may still shift, so each reader accepts the variants seen so far:
/// ROC as `[[fpr, tpr], …]`, `[{"fpr":…, "tpr":…}, …]` or `{"fpr": […], "tpr": […]}`;
/// threshold-sweep disparities as `{"attr": {"metric": x}}` or `{"attr": {"metric": {"value": x}}}`.

/// A point on a curve.
public struct CurvePoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// One bin of a reliability (calibration) diagram.
public struct CalibrationBin: Sendable, Equatable {
    public var lower: Double?
    public var upper: Double?
    public var meanScore: Double?
    public var observedRate: Double?
    public var count: Int?

    public init(json: ReportJSON) {
        lower = json["bin_lower"]?.double
        upper = json["bin_upper"]?.double
        meanScore = json["mean_score"]?.double
        observedRate = (json["observed_rate"] ?? json["fraction_positive"])?.double
        count = json["count"]?.int
    }
}

/// Curves of one group.
public struct CurveGroupView: Sendable, Equatable {
    public var group: String
    public var roc: [CurvePoint]
    public var calibration: [CalibrationBin]

    public init(json: ReportJSON) {
        group = json["group"]?.string ?? "(unnamed)"
        roc = CurveGroupView.points(json["roc"], x: "fpr", y: "tpr")
        calibration = json["calibration"]?.array?.map(CalibrationBin.init(json:)) ?? []
    }

    static func points(_ json: ReportJSON?, x: String, y: String) -> [CurvePoint] {
        guard let json else { return [] }
        if let items = json.array {
            return items.compactMap { item in
                if let pair = item.array, pair.count >= 2, let px = pair[0].double, let py = pair[1].double {
                    return CurvePoint(x: px, y: py)
                }
                if let px = item[x]?.double, let py = item[y]?.double { return CurvePoint(x: px, y: py) }
                return nil
            }
        }
        if let xs = json[x]?.array, let ys = json[y]?.array {
            return zip(xs, ys).compactMap { a, b in
                guard let px = a.double, let py = b.double else { return nil }
                return CurvePoint(x: px, y: py)
            }
        }
        return []
    }
}

/// Curves of one attribute.
public struct CurveAttributeView: Sendable, Equatable {
    public var name: String
    public var groups: [CurveGroupView]

    public init(json: ReportJSON) {
        name = json["name"]?.string ?? "(unnamed)"
        groups = json["groups"]?.array?.map(CurveGroupView.init(json:)) ?? []
    }
}

/// One threshold of the sweep.
public struct SweepPointView: Sendable, Equatable {
    public var threshold: Double
    public var accuracy: Double?
    /// attribute → metric → value, both sorted by key.
    public var disparities: [(attribute: String, metrics: [(name: String, value: Double)])]

    public static func == (a: SweepPointView, b: SweepPointView) -> Bool {
        a.threshold == b.threshold && a.accuracy == b.accuracy
            && a.disparities.map(\.attribute) == b.disparities.map(\.attribute)
            && zip(a.disparities, b.disparities).allSatisfy { x, y in
                x.metrics.map(\.name) == y.metrics.map(\.name) && x.metrics.map(\.value) == y.metrics.map(\.value)
            }
    }

    public init?(json: ReportJSON) {
        guard let threshold = json["threshold"]?.double else { return nil }
        self.threshold = threshold
        accuracy = json["accuracy"].flatMap { $0.double ?? $0["value"]?.double }
        disparities = (json["disparities"]?.sortedMembers ?? []).map { attribute, metrics in
            (attribute, metrics.sortedMembers.compactMap { name, value in
                (value.double ?? value["value"]?.double).map { (name, $0) }
            })
        }
    }

    public func disparity(attribute: String, metric: String) -> Double? {
        disparities.first { $0.attribute == attribute }?.metrics.first { $0.name == metric }?.value
    }
}

/// A whole `curves.json`.
public struct CurvesView: Sendable, Equatable, Decodable {
    public var attributes: [CurveAttributeView]
    public var thresholdSweep: [SweepPointView]

    public init(json: ReportJSON) {
        attributes = json["attributes"]?.array?.map(CurveAttributeView.init(json:)) ?? []
        thresholdSweep = (json["threshold_sweep"]?.array?.compactMap(SweepPointView.init(json:)) ?? [])
            .sorted { $0.threshold < $1.threshold }
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }

    public var isEmpty: Bool { attributes.isEmpty && thresholdSweep.isEmpty }
}
