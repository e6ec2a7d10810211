import Foundation

/// What pre-processing methods share: each transforms (or reweighs) the training data;
/// ``retrain(_:splits:context:)`` retrains the configured model on it and scores validation
/// and test through the same transform.
enum Preprocessing {
    /// A method's transformed splits and what it fitted.
    struct Transformed {
        var train: EncodedFeatures
        var validation: EncodedFeatures
        var test: EncodedFeatures
        var weights: [Double]? = nil
        /// The fitted transform as JSON.
        var artefact: Data
        var extraFiles: [(name: String, data: Data)] = []
    }

    static func retrain(
        _ transformed: Transformed, splits: EncodedSplits, context: MitigationContext
    ) throws -> MitigationOutcome {
        var trainer = ModelTrainer(
            config: context.config.model, encoding: splits.encoding, externalStore: context.externalStore)
        // Gradient boosting's early stopping watches the transformed validation split.
        trainer.validation = ValidationRows(X: try transformed.validation.matrix(), labels: splits.validation.labels)
        let model = try trainer.fit(
            try transformed.train.matrix(), labels: splits.train.labels, weights: transformed.weights,
            featureNames: transformed.train.names)
        let threshold = context.config.model.threshold
        func predictions(_ split: EncodedSplit, _ features: EncodedFeatures) throws -> Predictions {
            let scores = try model.predictProbability(try features.matrix())
            return split.predictions.with(decisions: scores.map { $0 >= threshold ? 1 : 0 }, scores: .some(scores))
        }
        return MitigationOutcome(
            artefact: transformed.artefact,
            extraFiles: transformed.extraFiles + [(TrainStage.modelFile, try CanonicalJSON.data(model))],
            validation: try predictions(splits.validation, transformed.validation),
            test: try predictions(splits.test, transformed.test))
    }

    /// `sample_weights.csv`: row id, group, label, weight — one row per training row.
    static func weightsCSV(_ split: EncodedSplit, weights: [Double], groupNames: [String]) throws -> Data {
        let table = try Table(columns: [
            Column(name: "row_id", numbers: split.predictions.rowIDs),
            Column(name: "group", values: .categorical(codes: split.groups, levels: groupNames)),
            Column(name: "label", numbers: split.labels.map(Double.init)),
            Column(name: "weight", numbers: weights),
        ])
        return Data(CSVWriter.data(table))
    }

    /// Row-major one-hot columns of every attribute, side by side.
    static func oneHot(_ attributes: [SensitiveColumn]) -> (values: [Double], columns: Int) {
        let rows = attributes.first?.codes.count ?? 0
        let total = attributes.reduce(0) { $0 + $1.groups.count }
        var values = [Double](repeating: 0, count: rows * total)
        var offset = 0
        for attribute in attributes {
            for (row, code) in attribute.codes.enumerated() { values[row * total + offset + Int(code)] = 1 }
            offset += attribute.groups.count
        }
        return (values, total)
    }

    static func select(_ columns: [Int], of features: EncodedFeatures) -> [Double] {
        var result = [Double]()
        result.reserveCapacity(features.rows * columns.count)
        for row in 0..<features.rows {
            for column in columns { result.append(features.values[row * features.cols + column]) }
        }
        return result
    }

    static func replace(_ columns: [Int], in features: EncodedFeatures, with values: [Double]) throws -> EncodedFeatures
    {
        var result = features
        for row in 0..<features.rows {
            for (k, column) in columns.enumerated() {
                result.values[row * features.cols + column] = values[row * columns.count + k]
            }
        }
        return result
    }
}
