/// `mitigation.grid_search`: fairlearn's `GridSearch` reduction (``GridSearch``).
public struct GridSearchSettings: ConfigSection {
    /// Number of Lagrange-multiplier grid points (fairlearn's `grid_size`).
    public var gridSize: Int = 10
    /// Largest multiplier on the grid.
    public var gridLimit: Double = 2.0
    /// Weight of the violation against the error when selecting the model; the strength knob.
    public var constraintWeight: Double = 0.5
    /// The moments' `difference_bound`.
    public var differenceBound: Double = 0.01

    public init() {}

    public func validate() throws {
        try ConfigCheck.atLeast(gridSize, 1, "grid_size")
        try ConfigCheck.positive(gridLimit, "grid_limit")
        try ConfigCheck.unit(constraintWeight, "constraint_weight")
        try ConfigCheck.nonNegative(differenceBound, "difference_bound")
    }
}

enum GridSearchMethod: InprocessingTechnique {
    static let method = MitigationMethod.gridSearch
    static let kind = MitigationKind.inprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds,
        .errorRateParity,
    ]
    /// A reduction: retrains the configured model as a weighted cost-sensitive oracle.
    static let models = ModelSupport.retrainable
    static var strength: StrengthKnob<GridSearchSettings>? {
        StrengthKnob(key: "constraint_weight", path: \.constraintWeight, defaultSweep: [0, 0.25, 0.5, 0.75, 1])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, GridSearchSettings> { \.gridSearch }
    static let formerKeys = ["search_grid_size": "grid_size"]

    static func train(
        _ settings: GridSearchSettings, target: FairnessTarget, model: ModelConfig, seed: UInt64,
        externalStore: ExternalModelStore?, encoding: FeatureEncoding?,
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        var method = GridSearch(target: target)
        method.gridSize = settings.gridSize
        method.gridLimit = settings.gridLimit
        method.constraintWeight = settings.constraintWeight
        method.differenceBound = settings.differenceBound
        method.oracle = model
        method.externalStore = externalStore
        method.oracleEncoding = encoding
        return .gridSearch(
            try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
    }
}
