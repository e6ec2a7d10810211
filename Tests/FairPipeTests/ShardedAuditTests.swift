import Foundation
import Testing

@testable import FairPipe

/// Issue #16, items 3–4: audit statistics merge exactly, so sharded audits write the same
/// metrics.json bytes as one run over all rows.
@Suite(.serialized) struct ShardedAuditTests {
    /// `rows` predictions: two attributes, a rare group, scores with three decimals (ties).
    static func rows(_ count: Int = 600, seed: UInt64 = 3) -> [String] {
        var rng = Xoshiro256StarStar(seed: seed, stream: "sharded-audit")
        return (0..<count).map { row in
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            let v = Double(rng.next() >> 11) / Double(1 << 53)
            let race = v < 0.03 ? "Other" : (v < 0.4 ? "Black" : "White")
            let sex = row % 3 == 0 ? "F" : "M"
            let score = (u * 1000).rounded() / 1000
            let y = v * 0.5 + u * 0.5 > 0.45 ? 1 : 0
            return "\(row),\(race),\(sex),\(y),\(NumberFormat.string(score))"
        }
    }

    static let header = "row_id,race,sex,label,score"

    static func columns() -> PredictionColumns { PredictionColumns(sensitive: ["race", "sex"]) }

    static func config() throws -> PipelineConfig {
        try PipelineConfig.load(
            path: nil, overrides: ["fairness.bootstrap.samples=60"], auditing: ["race", "sex"], readsDefaultFile: false
        ).value
    }

    static func statistics(_ rows: [String], config: PipelineConfig) throws -> AuditStatistics {
        let csv = ([header] + rows).joined(separator: "\n") + "\n"
        let predictions = try Predictions.read(Data(csv.utf8), path: "p.csv", columns: columns())
        return EvaluateStage.statistics(predictions, columns: columns(), config: config)
    }

    /// metrics.json and curves.json bytes of statistics.
    static func bytes(_ audit: AuditStatistics, config: PipelineConfig) throws -> Data {
        let (metrics, curves) = try evaluateFairnessAndCurves(audit, config: config.fairness, seed: 42)
        return try metrics.jsonData() + (curves?.jsonData() ?? Data())
    }

    @Test(arguments: 1...5) func randomSplitsIntoKShardsGiveIdenticalBytes(k: Int) throws {
        let config = try Self.config()
        let rows = Self.rows()
        let single = try Self.bytes(try Self.statistics(rows, config: config), config: config)
        // The in-memory path (no statistics file) gives the same bytes too.
        let csv = ([Self.header] + rows).joined(separator: "\n") + "\n"
        let set = try Predictions.read(Data(csv.utf8), path: "p.csv", columns: Self.columns()).predictionSet()
        let direct = try evaluateFairnessAndCurves(set, config: config.fairness, seed: 42)
        #expect(try direct.metrics.jsonData() + (direct.curves?.jsonData() ?? Data()) == single)
        var rng = Xoshiro256StarStar(seed: UInt64(k), stream: "split")
        for round in 0..<3 {
            var parts = [[String]](repeating: [], count: k)
            for row in rows { parts[Int(rng.next() % UInt64(k))].append(row) }
            parts = parts.filter { !$0.isEmpty }
            if round == 1 { parts.reverse() }
            // Through the file format, as `--stats-only` writes and `--merge` reads it.
            let shards = try parts.enumerated().map { i, part in
                let data = try Self.statistics(part, config: config).jsonData()
                return (path: "s\(i).json", statistics: try AuditStatistics.decode(data, path: "s\(i).json"))
            }
            let merged = try AuditStatistics.merging(shards)
            #expect(try Self.bytes(merged, config: config) == single)
        }
    }

    /// A CSV of `rows` in a fresh folder.
    static func file(_ rows: [String], name: String = #function) throws -> String {
        let url = try Fixtures.temporaryFolder("stream-\(name)").appendingPathComponent("p.csv")
        try (([header] + rows).joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test(arguments: [97, 1024, 1 << 20]) func streamedStatisticsEqualTheWholeFiles(chunkBytes: Int) throws {
        let config = try Self.config()
        let rows = Self.rows()
        let path = try Self.file(rows, name: "chunks\(chunkBytes)")
        let streamed = try EvaluateStage.streamedStatistics(
            path: path, columns: Self.columns(), config: config, chunkBytes: chunkBytes)
        let whole = try Self.statistics(rows, config: config)
        #expect(streamed == whole)
        #expect(try Self.bytes(streamed, config: config) == Self.bytes(whole, config: config))
    }

    @Test func streamedErrorsNameTheFileLineOfALaterChunk() throws {
        var rows = Self.rows(300)
        rows[250] = "250,Black,F,1,1.5"
        rows[270] = "270,,F,1,0.5"
        let path = try Self.file(rows)
        let config = try Self.config()
        var message = ""
        do {
            _ = try EvaluateStage.streamedStatistics(
                path: path, columns: Self.columns(), config: config, chunkBytes: 200)
        } catch { message = "\(error)" }
        #expect(message == "\(path):252: column `score` must be a probability in [0, 1], found `1.5`")
        rows[250] = "250,Black,F,1,0.5"
        let second = try Self.file(rows, name: "second")
        do {
            _ = try EvaluateStage.streamedStatistics(
                path: second, columns: Self.columns(), config: config, chunkBytes: 200)
        } catch { message = "\(error)" }
        #expect(message == "\(second):272: empty sensitive value in column `race`")
    }

    @Test func fixedPointSumsDoNotDependOnOrder() {
        let values = (0..<1000).map { Double($0) * 0.000_123_456_789 + 1e-9 }
        var forward = FixedPointSum(), backward = FixedPointSum()
        for v in values { forward.add(v) }
        for v in values.reversed() { backward.add(v) }
        #expect(forward == backward)
        #expect(abs(forward.value - values.reduce(0, +)) < 1e-12)
        #expect(FixedPointSum.term(1) == Int128(1) << 64)
        #expect(FixedPointSum.term(0x1p-65) == 1)  // half a unit rounds up
        #expect(FixedPointSum.term(0x1p-70) == 0)
    }

    @Test func shardWithOtherSettingsIsRefusedByName() throws {
        let config = try Self.config()
        let a = try Self.statistics(Array(Self.rows().prefix(100)), config: config)
        var b = try Self.statistics(Array(Self.rows().suffix(100)), config: config)
        b.settings.positive = "0"
        #expect(throws: StatisticsMergeError.self) {
            try AuditStatistics.merging([(path: "a.json", statistics: a), (path: "b.json", statistics: b)])
        }
        do {
            _ = try AuditStatistics.merging([(path: "a.json", statistics: a), (path: "b.json", statistics: b)])
        } catch {
            #expect("\(error)".hasPrefix("b.json: made with positive label 0"))
        }
    }

    @Test func damagedStatisticsAreOneLineNotACrash() throws {
        let config = try Self.config()
        let good = try Self.statistics(Array(Self.rows().prefix(80)), config: config)
        try good.validate(path: "s.json")
        var outOfRange = good
        outOfRange.atomKeys[outOfRange.atomKeys.count - 1] = 1 << 40
        var badCell = good
        badCell.cells[0][0] = 99
        var badRuns = good
        badRuns.scoreRuns[1] = ScoreRuns(values: [0.5], counts: [1])
        var badCounts = good
        badCounts.atomCounts[0] = Int.max
        for damaged in [outOfRange, badCell, badRuns, badCounts] {
            #expect(throws: FileError.self) { try damaged.validate(path: "s.json") }
        }
        let text = String(decoding: try good.jsonData(), as: UTF8.self)
        let huge = text.replacingOccurrences(of: "\"counts\" : [\n", with: "\"counts\" : [\n 9223372036854775807,\n")
        #expect(throws: FileError.self) { try AuditStatistics.decode(Data(huge.utf8), path: "s.json") }
    }

    @Test func labelClassesAreCheckedAcrossShards() throws {
        let config = try Self.config()
        var a = try Self.statistics(Array(Self.rows().prefix(50)), config: config)
        var b = a
        a.labelValues = ["0", "1"]
        b.labelValues = ["1", "2"]
        let shards = [(path: "a.json", statistics: a), (path: "b.json", statistics: b)]
        #expect(throws: PredictionsError.self) {
            try EvaluateStage.checkLabelClasses(shards, column: "label", positive: "1")
        }
        // One class per shard is fine.
        a.labelValues = ["0"]
        b.labelValues = ["1"]
        try EvaluateStage.checkLabelClasses(
            [(path: "a.json", statistics: a), (path: "b.json", statistics: b)], column: "label", positive: "1")
    }

    /// The executables: shards as separate runs, then a merge, against one run over all rows.
    @Test func mergeRunWritesTheSingleRunsMetricsAndListsEveryShard() throws {
        let dir = try Fixtures.temporaryFolder("sharded-audit-e2e")
        let rows = Self.rows(400)
        func write(_ name: String, _ part: ArraySlice<String>) throws {
            try (([Self.header] + part).joined(separator: "\n") + "\n")
                .write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("all.csv", rows[...])
        try write("a.csv", rows[0..<150])
        try write("b.csv", rows[150...])
        let flags = ["--sensitive", "race,sex", "--set", "fairness.bootstrap.samples=50"]
        let env = ["SOURCE_DATE_EPOCH": "1700000000"]
        for (csv, out) in [("all.csv", "single"), ("a.csv", "sa"), ("b.csv", "sb")] {
            let stats = out == "single" ? [] : ["--stats-only"]
            let r = try StageProcess.run(
                "evaluate", ["--preds", csv, "--out", out] + stats + flags, environment: env, directory: dir)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let merge = try StageProcess.run(
            "evaluate", ["--merge", "sa/statistics.json", "sb/statistics.json", "--out", "merged"] + flags,
            environment: env, directory: dir)
        #expect(merge.status == 0, "\(merge.stderr)")
        for file in ["metrics.json", "curves.json"] {
            let single = try Data(contentsOf: dir.appendingPathComponent("single/\(file)"))
            #expect(try Data(contentsOf: dir.appendingPathComponent("merged/\(file)")) == single, "\(file)")
        }
        let manifest = try String(contentsOf: dir.appendingPathComponent("merged/manifest.json"), encoding: .utf8)
        #expect(manifest.contains("sa/statistics.json") && manifest.contains("sb/statistics.json"))
        let other = try StageProcess.run(
            "evaluate",
            ["--merge", "sa/statistics.json", "sb/statistics.json", "--out", "bad", "--sensitive", "race"],
            environment: env, directory: dir)
        #expect(other.status == 65)
        #expect(other.stderr.contains("sa/statistics.json: made with sensitive columns race,sex"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad/metrics.json").path))
    }
}
