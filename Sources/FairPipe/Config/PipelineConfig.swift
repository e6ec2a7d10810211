/// The whole of `pipeline.yml`: one typed section per concern.
///
/// Every stage decodes and validates all of it, so a mistake anywhere fails at the first
/// stage, before any work.
public struct PipelineConfig: ConfigRoot, Equatable {
    public var experiment = ExperimentConfig()
    public var data = DataConfig()
    public var model = ModelConfig()
    public var fairness = FairnessConfig()
    public var mitigation = MitigationConfig()
    public var report = ReportConfig()
    public var tracking = TrackingConfig()

    public init() {}

    public func validateSections(_ check: (String, any ConfigSection) throws -> Void) throws {
        try check("experiment", experiment)
        try check("data", data)
        try check("model", model)
        try check("fairness", fairness)
        try check("mitigation", mitigation)
        try check("report", report)
        try check("tracking", tracking)
    }

    public func validateAcrossSections() throws {
        let sensitive = data.resolved.sensitive
        for (attribute, _) in fairness.reference.sorted(by: { $0.key < $1.key })
        where !sensitive.contains(attribute) && !attribute.contains("&") {
            throw ConfigError.inconsistent(
                key: "fairness.reference.\(attribute)",
                message: "`\(attribute)` is not a sensitive attribute (data.sensitive: \(sensitive.joined(separator: ", ")))")
        }
    }

    /// Loads `path` (or `pipeline.yml`, or defaults) with `--set` overrides and the
    /// process environment.
    public static func load(path: String?, overrides: [String]) throws -> LoadedConfig<PipelineConfig> {
        try ConfigLoader().load(PipelineConfig.self, path: path, overrides: overrides)
    }
}

// Enums chosen by name in pipeline.yml: errors list the valid names and suggest one.
extension DataSource: ConfigEnum {}
extension MissingPolicy: ConfigEnum {}
extension ColumnType: ConfigEnum {}
extension ModelType: ConfigEnum {}
extension MitigationMethod: ConfigEnum {}
extension FairnessTarget: ConfigEnum {}
extension ThresholdObjective: ConfigEnum {}
extension CostConstraint: ConfigEnum {}
extension ReportFormat: ConfigEnum {}
extension PValueCorrection: ConfigEnum {}
extension GateSpec: ConfigDefaultable {}
extension GateJudgement: ConfigEnum {}
