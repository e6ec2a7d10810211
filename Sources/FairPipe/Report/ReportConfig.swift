import Foundation

/// An output the `report` stage can write.
public enum ReportFormat: String, Codable, Sendable, CaseIterable {
    /// One self-contained HTML file (`report.html`).
    case html
    /// A Markdown summary for a CI job page (`summary.md`).
    case markdown
    /// JUnit XML, one test case per fairness gate (`junit.xml`).
    case junit
}

/// The `report:` section of `pipeline.yml`.
public struct ReportConfig: ConfigSection {
    /// Heading of the HTML report and the Markdown summary.
    public var title: String = "FairPipe fairness report"
    /// Which files the `report` stage writes.
    public var formats: [ReportFormat] = [.html, .markdown, .junit]
    /// The disparity plotted against accuracy on the multi-run Pareto front and the trade-off
    /// chart: a between-groups measure (`demographic_parity_difference`, `…_ratio`) or
    /// `disparate_impact`.
    public var paretoMetric: String = "demographic_parity_difference"
    /// Model card: what the model is for and who should (not) use it.
    public var intendedUse: String =
        "Research and auditing of a binary classifier's group fairness. Not validated for automated decisions about individuals."
    /// Model card: a one-paragraph description of the model.
    public var modelDescription: String = ""
    /// Model card: where the training data came from and how it was split.
    public var trainingData: String = ""
    /// Model card: what the evaluation data is.
    public var evaluationData: String = ""
    /// Model card: who owns the model and whom to contact.
    public var owners: String = ""
    /// Model card: further caveats and ethical considerations, one per entry.
    public var caveats: [String] = []
    /// How many plain-language concerns the verdict lists.
    public var topConcerns: Int = 3
    /// Decimals shown for metric values.
    public var decimals: Int = 3
    /// An adjusted p-value below this makes a between-groups disparity a concern.
    public var significance: Double = 0.05
    /// ROC curves are thinned to at most this many points per group, to keep the file small.
    public var maxCurvePoints: Int = 200

    public init() {}

    public func validate() throws {
        if title.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigError.invalidValue(key: "title", expected: "a non-empty title", found: "an empty string")
        }
        if paretoMetric.isEmpty {
            throw ConfigError.invalidValue(
                key: "pareto_metric", expected: "a disparity name such as demographic_parity_difference",
                found: "an empty string")
        }
        if topConcerns < 0 || topConcerns > 20 {
            throw ConfigError.invalidValue(
                key: "top_concerns", expected: "an integer in 0…20", found: String(topConcerns))
        }
        if decimals < 0 || decimals > 8 {
            throw ConfigError.invalidValue(key: "decimals", expected: "an integer in 0…8", found: String(decimals))
        }
        if !(significance > 0 && significance < 1) {
            throw ConfigError.invalidValue(
                key: "significance", expected: "a probability in (0, 1)", found: ReportNumber.plain(significance))
        }
        if maxCurvePoints < 2 {
            throw ConfigError.invalidValue(
                key: "max_curve_points", expected: "an integer ≥ 2", found: String(maxCurvePoints))
        }
    }
}
