import ArgumentParser
import FairPipe

/// How to read a predictions CSV from any model: the column flags `evaluate --preds` and
/// `mitigate --preds` share.
public struct PredictionsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("With --preds: the label column.", valueName: "column"))
    public var label = "label"

    @Option(help: ArgumentHelp("With --preds: the 0/1 decision column (default `decision` if present).", valueName: "column"))
    public var decision: String?

    @Option(help: ArgumentHelp("With --preds: the score column, probabilities in [0, 1] (default `score` if present).", valueName: "column"))
    public var score: String?

    @Option(help: ArgumentHelp("With --preds: comma-separated sensitive columns (default data.sensitive).", valueName: "a,b"))
    public var sensitive: String?

    @Option(help: ArgumentHelp("With --preds: the label value meaning favourable.", valueName: "value"))
    public var positive = "1"

    public init() {}

    /// The `--sensitive` columns, if given.
    public var audited: [String]? {
        sensitive.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }

    /// The columns to read, with `data.sensitive` when `--sensitive` is absent.
    public func columns(config: PipelineConfig) -> PredictionColumns {
        var columns = PredictionColumns(sensitive: audited ?? config.data.resolved.sensitive)
        columns.sensitiveFromConfig = audited == nil
        columns.label = label
        columns.decision = decision
        columns.score = score
        columns.positive = positive
        columns.threshold = config.model.threshold
        return columns
    }
}
