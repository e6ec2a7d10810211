import Foundation

/// Everything a mitigation method may need, loaded once per stage run: the baseline
/// predictions for validation and test (post-processing), and the encoded splits
/// (pre- and in-processing, loaded on first use).
final class MitigationContext {
    let config: PipelineConfig
    let run: StageRun
    /// The pipeline's dataset; nil for `mitigate --preds`, which has scores but no training data.
    let dataset: DatasetFolder?
    let schema: DatasetSchema?
    let validation: Predictions
    let test: Predictions
    /// Combined sensitive groups (`A&female`), named from the validation split, with the
    /// groups post-processing cannot fit alone pooled (``MitigationGroups``).
    let groupNames: [String]
    let validationGroups: [Int32]
    let testGroups: [Int32]
    private var splitsCache: EncodedSplits?
    /// How the validation groups (post-processing) and the train groups (pre- and
    /// in-processing, known once the splits are loaded) were pooled.
    let validationPooling: MitigationGroups
    private(set) var trainPooling: MitigationGroups?
    /// Every refit of an external model in this run (pre-processing retrains, oracle calls)
    /// keeps its model folder here, numbered in call order: `refits/fit-0001`, ….
    lazy var externalStore = ExternalModelStore(run: run, prefix: "refits")

    /// A class: one shared, lazily filled cache per stage run.
    convenience init(config: PipelineConfig, run: StageRun, dataset: DatasetFolder, evaluationFolder: String) throws {
        let schema = try dataset.schema(recordingIn: run)
        var columns = PredictionColumns(sensitive: schema.sensitive)
        columns.threshold = config.model.threshold
        func read(_ name: String) throws -> Predictions {
            let path = URL(fileURLWithPath: evaluationFolder).appendingPathComponent(name).path
            return try Predictions.read(try run.readInput(path), path: path, columns: columns)
        }
        try self.init(
            config: config, run: run, dataset: dataset, schema: schema,
            validation: try read(EvaluateStage.validationPredictionsFile),
            test: try read(EvaluateStage.predictionsFile),
            testSource: "the test split")
    }

    /// Any model's predictions (`mitigate --preds`): post-processing only.
    convenience init(
        config: PipelineConfig, run: StageRun, validation: Predictions, test: Predictions, testSource: String
    ) throws {
        try self.init(
            config: config, run: run, dataset: nil, schema: nil, validation: validation, test: test,
            testSource: testSource)
    }

    private init(
        config: PipelineConfig, run: StageRun, dataset: DatasetFolder?, schema: DatasetSchema?,
        validation: Predictions, test: Predictions, testSource: String
    ) throws {
        self.config = config
        self.run = run
        self.dataset = dataset
        self.schema = schema
        self.validation = validation
        self.test = test
        let combined = validation.combinedGroups()
        validationPooling = MitigationGroups.pool(
            names: combined.names, codes: combined.codes, labels: validation.labels, fairness: config.fairness)
        if config.mitigation.method.kind == .postprocessing {
            try validationPooling.requireSeveralGroups(method: config.mitigation.method.rawValue, split: "validation")
        }
        groupNames = validationPooling.names
        validationGroups = validationPooling.codes
        testGroups = try Self.recode(test, names: groupNames, split: testSource)
    }

    /// The one line saying which groups the configured method's fit pooled; nil when none.
    var poolingSummary: String? {
        config.mitigation.method.kind == .postprocessing
            ? validationPooling.summary(split: "validation", fairness: config.fairness)
            : trainPooling?.summary(split: "train", fairness: config.fairness)
    }

    /// Codes of `predictions`' combined groups in the order of `names`. When `names` ends with
    /// the pooled group (``MitigationGroups``), groups not among `names` — pooled ones, and
    /// ones the fitting data never had — go to the pool.
    static func recode(
        _ predictions: Predictions, names: [String], split: String, fittedOn: String = "the validation predictions"
    ) throws -> [Int32] {
        let own = predictions.combinedGroups()
        var index: [String: Int32] = [:]
        for (code, name) in names.enumerated() { index[name] = Int32(code) }
        let pool = names.last.map { $0.hasPrefix(MitigationGroups.pooledName) } == true ? Int32(names.count - 1) : nil
        let map = try own.names.map { name -> Int32 in
            guard let code = index[name] ?? pool else {
                throw DataError.inconsistentTable(
                    reason:
                        "group `\(name)` occurs in \(split) but not in \(fittedOn) the mitigation was fitted on (groups: \(names.joined(separator: ", "))); "
                        + "set fairness.exclude_small_groups: true to pool small groups, which unseen groups then join")
            }
            return code
        }
        return own.codes.map { map[Int($0)] }
    }

    /// The privileged groups for AIF360-style methods: combined groups whose first
    /// attribute is `mitigation.privileged_group`, or, when unset, the first attribute's
    /// group with the highest base rate on validation.
    func privilegedGroups() throws -> (attributeGroup: String, combined: [String]) {
        guard let first = validation.attributes.first else { return ("", []) }
        let chosen: String
        if let configured = config.mitigation.privilegedGroup {
            guard first.groups.contains(configured) else {
                throw ConfigError.inconsistent(
                    key: "mitigation.privileged_group",
                    message:
                        "`\(configured)` is not a group of `\(first.name)` (groups: \(first.groups.joined(separator: ", ")))"
                )
            }
            chosen = configured
        } else {
            var positives = [Int](repeating: 0, count: first.groups.count)
            var totals = positives
            for (row, code) in first.codes.enumerated() {
                totals[Int(code)] += 1
                positives[Int(code)] += Int(validation.labels[row])
            }
            let rates = zip(positives, totals).map { $1 > 0 ? Double($0) / Double($1) : -1 }
            let best = rates.indices.max { rates[$0] < rates[$1] || (rates[$0] == rates[$1] && $0 > $1) } ?? 0
            chosen = first.groups[best]
        }
        let combined = groupNames.filter { $0 == chosen || $0.hasPrefix(chosen + "&") }
        return (chosen, combined)
    }

    /// The encoded train / validation / test splits with labels and combined groups
    /// (group codes named from the training split).
    func splits() throws -> EncodedSplits {
        if let splitsCache { return splitsCache }
        guard let dataset, let schema else {
            throw MitigationError.invalidParameter(
                method: config.mitigation.method.rawValue, name: "inputs", expected: "the pipeline's training data",
                found: "predictions only")
        }
        let encoding = try dataset.encoding(recordingIn: run)
        func load(_ split: SplitName, names: [String]?) throws -> (EncodedSplit, [String]) {
            let table = try dataset.table(split, schema: schema, recordingIn: run)
            let path = dataset.file(split.fileName)
            let features = try encoding.apply(to: table)
            let labels = try table.binaryColumn(schema.label, path: path)
            let attributes = try schema.sensitive.map { try table.sensitiveColumn($0, path: path) }
            guard case .numeric(let ids)? = table["row_id"]?.values else {
                throw DataError.badRowID(path: path, reason: "no numeric row_id column")
            }
            let rows = Predictions(rowIDs: ids, attributes: attributes, labels: labels, scores: nil, decisions: labels)
            if let names {
                let groups = try Self.recode(
                    rows, names: names, split: "the \(split.rawValue) split", fittedOn: "the train split")
                return (EncodedSplit(features: features, labels: labels, groups: groups, predictions: rows), names)
            }
            let combined = rows.combinedGroups()
            let pooling = MitigationGroups.pool(
                names: combined.names, codes: combined.codes, labels: labels, fairness: config.fairness)
            try pooling.requireSeveralGroups(method: config.mitigation.method.rawValue, split: "train")
            trainPooling = pooling
            return (
                EncodedSplit(features: features, labels: labels, groups: pooling.codes, predictions: rows),
                pooling.names
            )
        }
        let (train, names) = try load(.train, names: nil)
        let numericColumns = encoding.columns.filter { $0.type == .numeric }.map(\.name)
        let result = EncodedSplits(
            train: train, validation: try load(.validation, names: names).0, test: try load(.test, names: names).0,
            groupNames: names, encoding: encoding,
            numericFeatureIndices: numericColumns.compactMap { train.features.names.firstIndex(of: $0) })
        splitsCache = result
        return result
    }
}

/// One encoded split.
struct EncodedSplit {
    var features: EncodedFeatures
    var labels: [UInt8]
    var groups: [Int32]
    /// Row ids and sensitive columns, for writing predictions.
    var predictions: Predictions
}

struct EncodedSplits {
    var train: EncodedSplit
    var validation: EncodedSplit
    var test: EncodedSplit
    var groupNames: [String]
    /// The dataset's fitted encoding (gradient boosting splits its categorical groups natively).
    var encoding: FeatureEncoding
    /// Encoded columns that are standardised numerics (not one-hot indicators).
    var numericFeatureIndices: [Int]
}
