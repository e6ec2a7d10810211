import ArgumentParser
import FairPipe

/// The flags that say which columns of a predictions CSV hold what, shared by
/// `evaluate --preds` and `monitor`.
public struct PredictionColumnOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The label column (default `label`; with mitigate --apply, rows without it are unlabelled).",
            valueName: "column"))
    public var label: String?

    @Option(help: ArgumentHelp("The 0/1 decision column (default `decision` if present).", valueName: "column"))
    public var decision: String?

    @Option(
        help: ArgumentHelp(
            "The score column, probabilities in [0, 1] (default `score` if present).", valueName: "column"))
    public var score: String?

    @Option(help: ArgumentHelp("Comma-separated sensitive columns (default data.sensitive).", valueName: "a,b"))
    public var sensitive: String?

    @Option(help: ArgumentHelp("The label value meaning favourable.", valueName: "value"))
    public var positive = "1"

    public init() {}

    /// `--sensitive` as a list, nil when not given.
    public var sensitiveList: [String]? {
        sensitive.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }

    /// The columns, with `data.sensitive` and `model.threshold` from the configuration as defaults.
    public func columns(_ config: PipelineConfig) -> PredictionColumns {
        var columns = PredictionColumns(sensitive: sensitiveList ?? config.data.resolved.sensitive)
        columns.sensitiveFromConfig = sensitiveList == nil
        columns.label = label ?? "label"
        columns.decision = decision
        columns.score = score
        columns.positive = positive
        columns.threshold = config.model.threshold
        return columns
    }
}
