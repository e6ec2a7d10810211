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

    public init() {}

    public func validateSections(_ check: (String, any ConfigSection) throws -> Void) throws {
        try check("experiment", experiment)
        try check("data", data)
        try check("model", model)
        try check("fairness", fairness)
        try check("mitigation", mitigation)
        try check("report", report)
    }

    public func validateAcrossSections() throws {
        let sensitive = data.resolved.sensitive
        for (attribute, _) in fairness.reference.sorted(by: { $0.key < $1.key })
        where !sensitive.contains(attribute) && !attribute.contains("&") {
            throw ConfigError.inconsistent(
                key: "fairness.reference.\(attribute)",
                message: "`\(attribute)` is not a sensitive attribute (data.sensitive: \(sensitive.joined(separator: ", ")))")
        }
        let models = mitigation.method.supportedModels
        if !models.supports(model.type) {
            throw ConfigError.inconsistent(
                key: "mitigation.method",
                message: "\(mitigation.method.rawValue) works only with model.type \(models.types.map(\.rawValue).joined(separator: ", ")), not \(model.type.rawValue); use \(MitigationMethod.allCases.filter { $0.supportedModels.supports(model.type) }.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// Keys that moved into a sub-section: each mitigation method's parameters.
    public static var relocatedKeys: [String: [String]] {
        var moved: [String: [String]] = [:]
        for (key, paths) in MitigationConfig.relocatedKeys { moved["mitigation.\(key)"] = paths.map { "mitigation.\($0)" } }
        return moved
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
