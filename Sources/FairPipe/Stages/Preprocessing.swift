import Foundation

/// Pre-processing methods: transform (or reweigh) the training data, retrain the
/// configured model on it, and score validation and test through the same transform.
enum Preprocessing {
    static func fit(_ method: MitigationMethod, settings: MitigationConfig, context: MitigationContext) throws -> MitigationOutcome {
        let splits = try context.splits()
        let trainer = ModelTrainer(config: context.config.model, externalStore: context.externalStore)
        var train = splits.train.features, validation = splits.validation.features, test = splits.test.features
        var weights: [Double]?
        let artefact: Data
        var extra: [(name: String, data: Data)] = []

        switch method {
        case .reweighing:
            let model = try Reweighing().fit(labels: splits.train.labels, groups: splits.train.groups, groupNames: splits.groupNames)
            let rowWeights = try model.weights(labels: splits.train.labels, groups: splits.train.groups)
            weights = rowWeights
            artefact = try CanonicalJSON.data(model)
            extra.append(("sample_weights.csv", try weightsCSV(splits.train, weights: rowWeights, groupNames: splits.groupNames)))
        case .disparateImpactRemover:
            // Only standardised numeric columns are repaired: quantile repair of one-hot
            // indicators would turn them into fractions with no meaning.
            let columns = splits.numericFeatureIndices
            let repair = try DisparateImpactRemover(repairLevel: settings.repairLevel).fit(
                features: select(columns, of: train), rows: train.rows, columns: columns.count,
                groups: splits.train.groups, groupNames: splits.groupNames)
            train = try replace(columns, in: train, with: repair.transform(features: select(columns, of: train), rows: train.rows, groups: splits.train.groups))
            validation = try replace(columns, in: validation, with: repair.transform(
                features: select(columns, of: validation), rows: validation.rows, groups: splits.validation.groups))
            test = try replace(columns, in: test, with: repair.transform(features: select(columns, of: test), rows: test.rows, groups: splits.test.groups))
            artefact = try CanonicalJSON.data(repair)
        case .correlationRemover:
            let sensitive = { (split: EncodedSplit) in oneHot(split.predictions.attributes) }
            let trainSensitive = sensitive(splits.train)
            let remover = try CorrelationRemover(alpha: settings.alpha).fit(
                features: train.values, rows: train.rows, columns: train.cols,
                sensitive: trainSensitive.values, sensitiveColumns: trainSensitive.columns)
            train.values = try remover.transform(features: train.values, rows: train.rows, sensitive: trainSensitive.values)
            validation.values = try remover.transform(
                features: validation.values, rows: validation.rows, sensitive: sensitive(splits.validation).values)
            test.values = try remover.transform(features: test.values, rows: test.rows, sensitive: sensitive(splits.test).values)
            artefact = try CanonicalJSON.data(remover)
        default:
            throw MitigationError.invalidParameter(
                method: method.rawValue, name: "method", expected: "a pre-processing method", found: method.kind.rawValue)
        }

        let model = try trainer.fit(try train.matrix(), labels: splits.train.labels, weights: weights, featureNames: train.names)
        extra.append(("model.json", try CanonicalJSON.data(model)))
        let threshold = context.config.model.threshold
        func predictions(_ split: EncodedSplit, _ features: EncodedFeatures) throws -> Predictions {
            let scores = try model.predictProbability(try features.matrix())
            return split.predictions.with(decisions: scores.map { $0 >= threshold ? 1 : 0 }, scores: .some(scores))
        }
        return MitigationOutcome(
            artefact: artefact, extraFiles: extra,
            validation: try predictions(splits.validation, validation), test: try predictions(splits.test, test))
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

    static func replace(_ columns: [Int], in features: EncodedFeatures, with values: [Double]) throws -> EncodedFeatures {
        var result = features
        for row in 0..<features.rows {
            for (k, column) in columns.enumerated() { result.values[row * features.cols + column] = values[row * columns.count + k] }
        }
        return result
    }
}
