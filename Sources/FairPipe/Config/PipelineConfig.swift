import Foundation

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
    public var explain = ExplainConfig()
    public var monitor = MonitorConfig()
    public var tracking = TrackingConfig()

    public init() {}

    public func validateSections(_ check: (String, any ConfigSection) throws -> Void) throws {
        try check("experiment", experiment)
        try check("data", data)
        try check("model", model)
        try check("fairness", fairness)
        try check("mitigation", mitigation)
        try check("report", report)
        try check("explain", explain)
        try check("monitor", monitor)
        try check("tracking", tracking)
    }

    public func validateAcrossSections() throws {
        try validateAcrossSections(auditing: nil)
    }

    /// The cross-section checks, with the attributes actually audited: `columns` for an
    /// audit of a predictions CSV (`evaluate --preds --sensitive a,b`), `nil` for the
    /// pipeline's own data (`data.sensitive`, after a benchmark's defaults). Fairness keys
    /// that name attributes — `fairness.reference.<attribute>` and gates `metric@attribute`
    /// (intersections `a&b` name each part) — must name audited attributes: a gate about an
    /// attribute the data does not have is a configuration mistake, not a failed gate.
    public func validateAcrossSections(auditing columns: [String]?) throws {
        let audited = columns ?? data.resolved.sensitive
        let origin = columns == nil ? "data.sensitive" : "--sensitive"
        let hint =
            columns == nil
            ? ""
            : "; an audit of a predictions CSV reads a config file only when --config names it: drop --config to audit with built-in defaults"
        func check(_ attribute: String, key: String, what: String) throws {
            let missing = attribute.split(separator: "&", omittingEmptySubsequences: false).map(String.init)
                .filter { !audited.contains($0) }
            guard let first = missing.first else { return }
            throw ConfigError.inconsistent(
                key: key,
                message:
                    "\(what) names attribute `\(first)`, which is not audited (\(origin): \(audited.joined(separator: ", ")))\(hint)"
            )
        }
        for attribute in fairness.reference.keys.sorted() {
            try check(attribute, key: "fairness.reference.\(attribute)", what: "the reference group")
        }
        for key in fairness.thresholds.keys.sorted() {
            guard let attribute = GateSpec.attribute(of: key) else { continue }
            try check(attribute, key: "fairness.thresholds.\(key)", what: "the gate")
        }
        try FeatureSelection.checkAgainst(dataFeatures: data.resolved.features, mitigation: mitigation)
        let models = mitigation.method.supportedModels
        if !models.supports(model.type) {
            throw ConfigError.inconsistent(
                key: "mitigation.method",
                message:
                    "\(mitigation.method.rawValue) works only with model.type \(models.types.map(\.rawValue).joined(separator: ", ")), not \(model.type.rawValue); use \(MitigationMethod.allCases.filter { $0.supportedModels.supports(model.type) }.map(\.rawValue).joined(separator: ", "))"
            )
        }
        // Refits hand the model the encoded matrix; a raw-feature external model is refused
        // here, before any stage runs, rather than when mitigate first refits it.
        if model.type == .external, model.external.features == .raw, mitigation.method.kind != .postprocessing {
            throw ConfigError.inconsistent(
                key: "mitigation.method",
                message:
                    "\(mitigation.method.rawValue) refits the model on the encoded features, and model.external.features is raw; set model.external.features: encoded or use \(MitigationMethod.allCases.filter { $0.kind == .postprocessing }.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    /// Keys of earlier versions that moved into sub-sections: the flat model keys (`model.C`)
    /// and each mitigation method's parameters (`mitigation.tolerance`; a name two methods
    /// shared gives both new paths).
    public func relocatedKey(_ path: [String]) -> String? {
        guard path.count == 2 else { return nil }
        switch path[0] {
        case "model":
            return model.relocatedKey(path[1]).map { "model.\($0)" }
        case "mitigation":
            return MitigationConfig.relocatedKeys[path[1]]?.map { "mitigation.\($0)" }.joined(separator: "` or `")
        default:
            return nil
        }
    }

    /// Loads `path` (or `pipeline.yml`, or defaults) with `--set` overrides and the
    /// process environment. `auditing` is the audited columns of a predictions-CSV audit
    /// (see ``validateAcrossSections(auditing:)``); `readsDefaultFile: false` ignores a
    /// `pipeline.yml` that `path` does not name (a standalone audit must not pick up the
    /// study's gates from the working directory).
    public static func load(
        path: String?, overrides: [String], auditing: [String]? = nil, readsDefaultFile: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> LoadedConfig<PipelineConfig> {
        try ConfigLoader(environment: environment).load(
            PipelineConfig.self, path: path, overrides: overrides, readsDefaultFile: readsDefaultFile,
            acrossSections: { try $0.validateAcrossSections(auditing: auditing) })
    }
}

// Enums chosen by name in pipeline.yml: errors list the valid names and suggest one.
extension DataSource: ConfigEnum {}
extension MissingPolicy: ConfigEnum {}
extension ColumnType: ConfigEnum {}
extension ModelType: ConfigEnum {}
extension ExternalFeatures: ConfigEnum {}
extension MitigationMethod: ConfigEnum {}
extension FairnessTarget: ConfigEnum {}
extension ThresholdObjective: ConfigEnum {}
extension CostConstraint: ConfigEnum {}
extension ReportFormat: ConfigEnum {}
extension PValueCorrection: ConfigEnum {}
extension GateSpec: ConfigDefaultable {}
extension GateJudgement: ConfigEnum {}
