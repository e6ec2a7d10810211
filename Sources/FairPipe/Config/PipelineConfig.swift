/// The whole of `pipeline.yml`: one typed section per stage concern.
///
/// Every stage decodes and validates all of it, so a mistake anywhere fails at the first
/// stage, before any work.
public struct PipelineConfig: ConfigRoot, Equatable {
    public var experiment = ExperimentConfig()

    public init() {}

    public func validateSections(_ check: (String, any ConfigSection) throws -> Void) throws {
        try check("experiment", experiment)
    }

    /// Loads `path` (or `pipeline.yml`, or defaults) with `--set` overrides and the
    /// process environment.
    public static func load(path: String?, overrides: [String]) throws -> LoadedConfig<PipelineConfig> {
        try ConfigLoader().load(PipelineConfig.self, path: path, overrides: overrides)
    }
}
