/// The seam between the `mitigate` stage and the post-processing methods.
///
/// A post-processor is fitted on *validation* scores, labels and group codes (never on the
/// test split) and returns a fitted artefact — a Codable value the stage writes as JSON —
/// that turns scores and group codes into 0/1 decisions. Group codes index `groupNames`;
/// artefacts record names, so the stage must encode groups the same way at apply time.
public protocol Postprocessor: Sendable {
    associatedtype Fitted: FittedPostprocessor
    /// Fits on validation data. `labels` are 0/1; `groups[i]` is in `0 ..< groupNames.count`.
    func fit(scores: [Double], labels: [UInt8], groups: [Int32], groupNames: [String]) throws -> Fitted
}

/// A fitted post-processor: a readable artefact plus its decision rule.
public protocol FittedPostprocessor: Codable, Equatable, Sendable {
    /// Decisions (0/1) for `scores`. Randomized methods draw from `rng` in row order, one
    /// draw per row that needs one, so a seeded stream gives the same decisions every run.
    func apply<G: RandomNumberGenerator>(scores: [Double], groups: [Int32], rng: inout G) throws -> [UInt8]
}
